"""CartPole-v1 env-steps/s from Python: fastil.VectorEnv (reused buffers, random actions as `fastil env bench` uses)
beside Gymnasium's numpy CartPoleVectorEnv in the same process when Gymnasium is importable.

usage: PYTHONPATH=src/python python3 bench/python/bench_vecenv.py [--envs 16384] [--seconds 3]
"""
import argparse
import time

import numpy as np

import fastil


def rate(step, n, seconds):
    for i in range(50):
        step(i)
    t0, k = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        step(k)
        k += 1
    return k * n / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--envs", type=int, default=16384)
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    rng = np.random.default_rng(0)
    actions = [rng.integers(0, 2, a.envs).astype(np.int32) for _ in range(8)]
    env = fastil.VectorEnv("CartPole-v1", a.envs, seed=0, copy=False, threads=a.threads)
    env.reset()
    ours = rate(lambda k: env.step(actions[k & 7]), a.envs, a.seconds)
    print(f"fastil.VectorEnv  CartPole-v1 envs={a.envs} threads={a.threads}: {ours / 1e6:8.1f} M env-steps/s ({fastil.library_path})")
    try:
        from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv
    except ImportError:
        # Not Gymnasium: the same numpy arithmetic as its CartPoleVectorEnv.step (Euler step, thresholds, next-step
        # autoreset), so the order of magnitude of a numpy vector env is still on the page. Labelled as such.
        v = NumpyCartPole(a.envs)
        theirs = rate(lambda k: v.step(actions[k & 7]), a.envs, a.seconds)
        print(f"gymnasium: not importable here; a numpy CartPole written after its CartPoleVectorEnv: {theirs / 1e6:8.1f} M env-steps/s; "
              f"fastil / numpy = {ours / theirs:.1f}x")
        return
    g = CartPoleVectorEnv(num_envs=a.envs)
    g.reset(seed=0)
    theirs = rate(lambda k: g.step(actions[k & 7]), a.envs, a.seconds)
    print(f"gymnasium CartPoleVectorEnv envs={a.envs}: {theirs / 1e6:8.1f} M env-steps/s; fastil / gymnasium = {ours / theirs:.1f}x")


class NumpyCartPole:
    """CartPole-v1 in numpy, step for step as Gymnasium's CartPoleVectorEnv computes it (float64 state)."""

    def __init__(self, n):
        self.rng = np.random.default_rng(0)
        self.state = self.rng.uniform(-0.05, 0.05, (4, n))
        self.steps = np.zeros(n, np.int32)
        self.prev_done = np.zeros(n, bool)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = np.sign(action - 0.5) * 10.0
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + 0.05 * theta_dot**2 * sintheta) / 1.1
        thetaacc = (9.8 * sintheta - costheta * temp) / (0.5 * (4.0 / 3.0 - 0.1 * costheta**2 / 1.1))
        xacc = temp - 0.05 * thetaacc * costheta / 1.1
        x = x + 0.02 * x_dot
        x_dot = x_dot + 0.02 * xacc
        theta = theta + 0.02 * theta_dot
        theta_dot = theta_dot + 0.02 * thetaacc
        self.state = np.stack((x, x_dot, theta, theta_dot))
        terminated = (x < -2.4) | (x > 2.4) | (theta < -0.2095) | (theta > 0.2095)
        self.steps += 1
        truncated = self.steps >= 500
        reward = np.ones_like(terminated, dtype=np.float32)
        reward[self.prev_done] = 0.0
        m = self.prev_done.sum()
        self.state[:, self.prev_done] = self.rng.uniform(-0.05, 0.05, (4, m))
        self.steps[self.prev_done] = 0
        terminated[self.prev_done] = False
        truncated[self.prev_done] = False
        self.prev_done = terminated | truncated
        return self.state.T.astype(np.float32), reward, terminated, truncated, {}


if __name__ == "__main__":
    main()
