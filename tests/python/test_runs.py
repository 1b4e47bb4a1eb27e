"""BC / DAgger / evaluation and policies through the native library, against the command-line tool."""
import json
import os
import subprocess

import numpy as np
import pytest

import fastil

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(ROOT, "src", "FastIL.Cli", "bin", "Release", "net10.0", "FastIL.Cli")


def strip_timings(d):
    if isinstance(d, dict):
        return {k: strip_timings(v) for k, v in d.items() if not k.endswith("seconds")}
    if isinstance(d, list):
        return [strip_timings(x) for x in d]
    return d


@pytest.mark.skipif(not os.path.exists(CLI), reason="the JIT build of the CLI is not built (dotnet build -c Release)")
def test_dagger_equals_the_cli_out_document(tmp_path):
    out = tmp_path / "r.json"
    subprocess.run([CLI, "dagger", "--seed", "0", "--out", str(out), "--quiet"], check=True, capture_output=True)
    cli = json.loads(out.read_text())
    py = fastil.dagger(env="CartPole-v1", seed=0)
    assert strip_timings(py) == strip_timings(cli)
    assert py["final"]["eval_return_mean"] == 500.0


def test_bc_and_options_with_underscores():
    r = fastil.bc(env="Acrobot-v1", demos=8, eval_episodes=50, seed=1)
    assert r["algorithm"] == "bc" and r["config"]["eval_episodes"] == 50
    assert len(r["iterations"]) == 1


def test_run_errors_are_exceptions():
    with pytest.raises(fastil.FastILError, match="unknown env"):
        fastil.dagger(env="Nope-v0")
    with pytest.raises(fastil.FastILError, match="unknown config field 'colour'"):
        fastil.dagger(colour="red")
    with pytest.raises(fastil.FastILError, match="iterations must be in"):
        fastil.dagger(iterations=0)
    with pytest.raises(TypeError):
        fastil.dagger(seed=[1, 2])


@pytest.mark.skipif(not os.path.exists(CLI), reason="the JIT build of the CLI is not built")
def test_policy_load_act_and_evaluate(tmp_path):
    p = tmp_path / "p.json"
    subprocess.run([CLI, "dagger", "--save-policy", str(p), "--quiet"], check=True, capture_output=True)
    pol = fastil.Policy.load(p)
    assert pol.input_dim == 4 and pol.num_actions == 2
    env = fastil.VectorEnv("CartPole-v1", 256, seed=5)
    obs, _ = env.reset()
    total = np.zeros(256)
    done = np.zeros(256, bool)
    for _ in range(500):
        obs, r, term, trunc, _ = env.step(pol.act(obs))
        total += np.where(done, 0, r)
        done |= term | trunc
    assert total.mean() > 475
    ev = fastil.evaluate("CartPole-v1", p, episodes=100)
    assert ev["return_mean"] > 475 and ev["episodes"] == 100
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        pol.act(np.zeros((3, 5), np.float32))
    with pytest.raises(fastil.FastILError, match="missing.json"):
        fastil.Policy.load(tmp_path / "missing.json")
