"""The Python module over libfastil.so: Gymnasium's vector API, parity with Gymnasium's recorded transitions, errors,
several envs and threads at once."""
import csv
import os
import threading

import numpy as np
import pytest

import fastil

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REFDATA = os.path.join(ROOT, "tests", "FastIL.Tests", "Data", "refdata")
ENVS = ["CartPole-v1", "MountainCar-v0", "Acrobot-v1", "Pendulum-v1", "MountainCarContinuous-v0"]


def rows(env_id):
    with open(os.path.join(REFDATA, f"{env_id}.csv"), newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("env_id", ENVS)
def test_replay_matches_gymnasium_transitions(env_id):
    # Every recorded (state, action) → (next observation, reward, terminated) of Gymnasium, replayed in float32.
    data = rows(env_id)
    env = fastil.VectorEnv(env_id, len(data), autoreset_mode="disabled")
    d = env.state_dim
    states = np.array([[float(r[f"state_{j}"]) for j in range(d)] for r in data])
    action_key = "action" if "action" in data[0] else "action_0"
    actions = np.array([float(r[action_key]) for r in data])
    env.set_state(states)
    obs, rewards, terminated = env.step_dynamics(actions)
    k = obs.shape[1]
    expected = np.array([[float(r[f"next_obs_{j}"]) for j in range(k)] for r in data])
    rel = np.abs(obs - expected) / np.maximum(1.0, np.abs(expected))
    # float32 dynamics against Gymnasium's float64: within 1e-4 except where float32 input rounding is amplified
    # (the .NET parity tests give the per-row reasoning); the bulk must be far tighter.
    assert np.median(rel) < 1e-6
    assert np.mean(rel <= 1e-4) > 0.99
    exp_rew = np.array([float(r["reward"]) for r in data])
    assert np.mean(np.abs(rewards - exp_rew) / np.maximum(1.0, np.abs(exp_rew)) <= 1e-4) > 0.99
    exp_term = np.array([r["terminated"] in ("1", "True", "true") for r in data])
    assert np.mean(terminated == exp_term) > 0.99


def test_gymnasium_vector_api_shapes_dtypes_and_next_step_autoreset():
    env = fastil.VectorEnv("CartPole-v1", 8, seed=3)
    assert env.single_observation_space.shape == (4,)
    assert env.observation_space.shape == (8, 4)
    assert env.single_action_space.n == 2
    obs, info = env.reset()
    assert obs.shape == (8, 4) and obs.dtype == np.float32 and info == {}
    ended = np.zeros(8, bool)
    for _ in range(600):
        obs, rew, term, trunc, infos = env.step(np.ones(8, np.int64))
        assert rew.dtype == np.float64 and term.dtype == np.bool_ and trunc.dtype == np.bool_
        if ended.any():
            # Next-step autoreset: the step after an episode ends resets the lane, reward 0 and both flags false.
            assert np.all(rew[ended] == 0) and not term[ended].any() and not trunc[ended].any()
        ended = term | trunc
    obs2, _ = env.reset(seed=3)
    assert np.array_equal(obs2, fastil.VectorEnv("CartPole-v1", 8, seed=3).reset()[0])


def test_same_seed_same_trajectories_and_copy_false_reuses_buffers():
    a = fastil.VectorEnv("Acrobot-v1", 64, seed=11)
    b = fastil.VectorEnv("Acrobot-v1", 64, seed=11, copy=False)
    oa, _ = a.reset()
    ob, _ = b.reset()
    assert np.array_equal(oa, ob)
    act = np.arange(64) % 3
    first = b.step(act)[0]
    again = b.step(act)[0]
    assert first is again                       # the env's own buffer, overwritten in place
    a.step(act)
    assert np.array_equal(a.step(act)[0], again)  # copy=True returns fresh arrays with the same values


def test_continuous_env_takes_float_actions_of_shape_n_or_n1():
    env = fastil.VectorEnv("Pendulum-v1", 5, seed=0)
    env.reset()
    obs, rew, *_ = env.step(np.full((5, 1), 2.0, np.float32))
    assert obs.shape == (5, 3) and np.all(rew <= 0)
    env.step([0.5, -0.5, 1.0, 0.0, 3.0])


def test_errors_are_python_exceptions_with_the_library_message():
    with pytest.raises(fastil.FastILError, match="unknown env 'CartPole-v9'"):
        fastil.VectorEnv("CartPole-v9", 4)
    with pytest.raises(fastil.FastILError, match="num_envs must be in"):
        fastil.VectorEnv("CartPole-v1", 0)
    env = fastil.VectorEnv("CartPole-v1", 4)
    env.reset()
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        env.step(np.zeros(5, np.int32))
    with pytest.raises(TypeError, match="integer array"):
        env.step(np.zeros(4, np.float32))
    with pytest.raises(fastil.FastILError, match=r"actions must be in \[0, 1\]; lane 2 has 7"):
        env.step(np.array([0, 1, 7, 0], np.int32))
    env.close()
    with pytest.raises(fastil.FastILError, match="closed"):
        env.step(np.zeros(4, np.int32))
    with pytest.raises(ValueError, match="autoreset_mode"):
        fastil.VectorEnv("CartPole-v1", 4, autoreset_mode="later")


def test_destroyed_handle_is_an_error_not_a_crash():
    env = fastil.VectorEnv("MountainCar-v0", 2)
    h = env._h
    env.close()
    assert fastil._lib.fastil_vecenv_reset(h, 0, None, 0) == -2
    assert "not open" in fastil._last(fastil._lib.fastil_last_error)


def test_two_envs_on_two_threads_match_a_single_thread_run():
    def run(seed, out):
        env = fastil.VectorEnv("CartPole-v1", 1024, seed=seed)
        env.reset()
        total = 0.0
        for t in range(300):
            _, r, *_ = env.step((np.arange(1024) + t) % 2)
            total += r.sum()
        out[seed] = total

    serial, parallel = {}, {}
    run(1, serial)
    run(2, serial)
    threads = [threading.Thread(target=run, args=(s, parallel)) for s in (1, 2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert serial == parallel


def test_one_env_shared_by_two_threads_is_serialized():
    env = fastil.VectorEnv("CartPole-v1", 256, seed=0)
    env.reset()
    errors = []

    def work():
        try:
            for _ in range(200):
                env.step(np.zeros(256, np.int32))
        except Exception as e:  # pragma: no cover
            errors.append(e)

    ths = [threading.Thread(target=work) for _ in range(2)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    assert not errors
