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
