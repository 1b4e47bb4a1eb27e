#!/usr/bin/env bash
# Issue 10's side-by-side protocol for DAgger at scale: the large CartPole run, then `fastil env bench` with two
# threads and with one, three times; prints one line per run with the run's own --json timings.
# Usage: bench/dagger-at-scale.sh [FASTIL [OTHER_FASTIL]]   (default: the JIT build of `dotnet build -c Release`)
# With OTHER_FASTIL, each of the three rounds also runs the large run with it, right after FASTIL's, and both runs are
# divided by the same round's `env bench` (FASTIL's): an A/B of two builds, or of one build with and without a setting
# (OTHER_FASTIL may be a script, e.g. one that sets FASTIL_NO_JIT_WARMUP=1 and runs fastil).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fastil="${1:-$root/src/FastIL.Cli/bin/Release/net10.0/FastIL.Cli}"
other="${2:-}"
for b in "$fastil" ${other:+"$other"}; do
  [ -x "$b" ] || { echo "error: $b is not an executable fastil (build with: dotnet build src/FastIL.Cli -c Release)" >&2; exit 2; }
done
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
bench() { "$fastil" env bench --env CartPole-v1 --envs 16384 --seconds 2 --threads "$1" --path auto --json \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['results'][0]['steps_per_second'])"; }
large() { "$1" dagger --env CartPole-v1 --iterations 3 --rollouts 8192 --eval-episodes 16384 --threads 2 --json > "$2"; }
for run in 1 2 3; do
  large "$fastil" "$tmp/a.json"
  [ -z "$other" ] || large "$other" "$tmp/b.json"
  e2="$(bench 2)"; e1="$(bench 1)"
  for doc in "$tmp/a.json" ${other:+"$tmp/b.json"}; do
    label=""; [ -z "$other" ] || { [ "$doc" = "$tmp/a.json" ] && label="A " || label="B "; }
    python3 - "$doc" "$e2" "$e1" "$label" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); e2, e1 = float(sys.argv[2]), float(sys.argv[3]); its = d["iterations"]
wall = d["wall_seconds"]; sps = d["env_steps"] / wall
new_rows = [i["dataset_size"] - (its[k - 1]["dataset_size"] if k else 0) for k, i in enumerate(its)]
ns = [round(i["fit_seconds"] * 1e9 / (i["dataset_size"] * i["fit_iterations"]), 2) for i in its]
rows = [round(r / i["rollout_seconds"] / 1e6) for r, i in zip(new_rows, its)]
s = lambda k: sum(i[k] for i in its)
print(f"{sys.argv[4]}wall {wall:.3f} s, {sps / 1e6:.1f} M env-steps/s; fits {s('fit_seconds'):.3f} s, ns/row/iteration {ns}; "
      f"rollouts {s('rollout_seconds'):.3f} s, M labelled rows/s {rows}; evaluations {s('eval_seconds'):.3f} s; "
      f"env bench 2t {e2 / 1e6:.0f} M/s, 1t {e1 / 1e6:.0f} M/s ({e2 / e1:.2f}x); dagger/env bench {sps / e2:.3f}; "
      f"final return {d['final']['eval_return_mean']}")
PY
  done
done
