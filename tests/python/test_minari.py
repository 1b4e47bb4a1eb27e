"""Datasets written by `fastil demos` have the layout, dtypes and attributes of the datasets Minari itself wrote."""
import json
import os
import subprocess

import pytest

h5py = pytest.importorskip("h5py")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "src", "FastIL.Cli", "bin", "Release", "net10.0", "FastIL.Cli")
FIXTURES = os.path.join(ROOT, "tests", "FastIL.Tests", "Data", "minari")


def layout(path):
    with h5py.File(path, "r") as f:
        e = f["episode_0"]
        return ({k: (e[k].dtype.str, e[k].ndim) for k in e if isinstance(e[k], h5py.Dataset)},
                sorted(e.attrs.keys()), "infos" in e and isinstance(e["infos"], h5py.Group), sorted(f.keys()))


@pytest.mark.skipif(not os.path.exists(CLI), reason="the JIT build of the CLI is not built")
@pytest.mark.parametrize("env_id,fixture", [("CartPole-v1", "cartpole/expert-v0"), ("MountainCarContinuous-v0", "mountaincarcontinuous/expert-v0")])
def test_demos_match_minaris_own_layout(tmp_path, env_id, fixture):
    out = subprocess.run([CLI, "demos", "--env", env_id, "--episodes", "10", "--dataset-id", "ns/demo-v0", "--out", str(tmp_path), "--quiet"],
                         check=True, capture_output=True, text=True).stdout.strip()
    ours = layout(os.path.join(out, "data", "main_data.hdf5"))
    theirs = layout(os.path.join(FIXTURES, fixture, "data", "main_data.hdf5"))
    assert ours == theirs
    with open(os.path.join(out, "data", "metadata.json")) as f:
        m = json.load(f)
    with open(os.path.join(FIXTURES, fixture, "data", "metadata.json")) as f:
        ref = json.load(f)
    for key in ("total_episodes", "data_format", "dataset_id", "minari_version", "observation_space", "action_space", "env_spec"):
        assert key in m
    assert json.loads(m["env_spec"])["id"] == env_id == json.loads(ref["env_spec"])["id"]
    for space in ("observation_space", "action_space"):
        a, b = json.loads(m[space]), json.loads(ref[space])
        assert (a["type"], a.get("dtype"), a.get("shape"), a.get("n")) == (b["type"], b.get("dtype"), b.get("shape"), b.get("n"))
    with h5py.File(os.path.join(out, "data", "main_data.hdf5"), "r") as f:
        assert m["total_steps"] == sum(int(f[k].attrs["total_steps"]) for k in f)


def _write_datasets(root):
    """fastil demos for CartPole-v1 and Pendulum-v1, and a DAgger aggregate, under one Minari root."""
    for env_id, ds in (("CartPole-v1", "cartpole/fastil-expert-v0"), ("Pendulum-v1", "pendulum/fastil-expert-v0")):
        subprocess.run([CLI, "demos", "--env", env_id, "--episodes", "5", "--dataset-id", ds, "--out", root, "--quiet"], check=True, capture_output=True)
    subprocess.run([CLI, "dagger", "--env", "CartPole-v1", "--iterations", "2", "--rollouts", "3", "--eval-episodes", "10",
                    "--save-dataset", root, "--dataset-id", "cartpole/fastil-dagger-v0", "--quiet"], check=True, capture_output=True)
    return ("cartpole/fastil-expert-v0", 5), ("pendulum/fastil-expert-v0", 5), ("cartpole/fastil-dagger-v0", 6)


@pytest.mark.skipif(not os.path.exists(CLI), reason="the JIT build of the CLI is not built")
def test_minari_load_dataset_reads_our_datasets(tmp_path, monkeypatch):
    """Minari's own load_dataset on what fastil wrote (skipped where Minari is not installed, as on the build machine:
    its package registry does not serve PyPI)."""
    minari = pytest.importorskip("minari")
    np = pytest.importorskip("numpy")
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path))
    for dataset_id, episodes in _write_datasets(str(tmp_path)):
        ds = minari.load_dataset(dataset_id)
        assert ds.total_episodes == episodes
        steps = 0
        for ep in ds.iterate_episodes():
            assert len(ep.observations) == len(ep.actions) + 1
            steps += len(ep.actions)
        assert ds.total_steps == steps
        if dataset_id == "cartpole/fastil-dagger-v0":
            assert "expert_action" in ep.infos
        if dataset_id.startswith("cartpole/"):
            # Every transition is the env's: set Gymnasium's CartPole to the recorded observation and step it.
            gym = pytest.importorskip("gymnasium")
            env = gym.make("CartPole-v1").unwrapped
            env.reset(seed=0)
            for ep in ds.iterate_episodes():
                for t in range(len(ep.actions)):
                    env.state = np.asarray(ep.observations[t], dtype=np.float64)
                    obs, reward, terminated, _, _ = env.step(int(ep.actions[t]))
                    assert np.allclose(obs, ep.observations[t + 1], atol=1e-5)
                    assert terminated == bool(ep.terminations[t])
