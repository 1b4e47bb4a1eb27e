#!/usr/bin/env bash
# One prepared device check (see bench/RESULTS.md, "GPU"): CUDA parity with the SIMD path, fused evaluation at
# 1M–16M lanes, the plain step kernel, and large DAgger runs, CUDA vs the SIMD path on the same machine's CPUs.
# usage: bash bench/gpu/run-gpu.sh FASTIL_BINARY OUTDIR   (the binary: a self-contained linux-x64 publish of FastIL.Cli;
# a FastIL.Benchmarks published into the same folder adds the BenchmarkDotNet GPU suite). The device machines have no
# .NET: `dotnet publish src/FastIL.Cli -c Release -r linux-x64 --self-contained -o DIR` (and the same for
# bench/FastIL.Benchmarks into DIR), then carry DIR packed (bench/RESULTS.md, "GPU", has the exact commands).
set -u
F=${1:?usage: run-gpu.sh FASTIL_BINARY OUTDIR}; O=${2:?usage: run-gpu.sh FASTIL_BINARY OUTDIR}
mkdir -p "$O"
T="timeout 120"
# same A B LABEL: whether two result documents are equal apart from timings (keys ending in "seconds").
same() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
def strip(d):
    if isinstance(d, dict): return {k: strip(v) for k, v in d.items() if not k.endswith("seconds")}
    if isinstance(d, list): return [strip(x) for x in d]
    return d
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
print(sys.argv[3], "IDENTICAL" if a == b else "DIFFERENT", "final return", b["final"]["eval_return_mean"])
PY
}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$O/gpu.txt"
nproc | tee -a "$O/gpu.txt"
echo "== parity: dagger --device cuda vs simd (timings aside), every Gymnasium env"
# Every Gymnasium env of the registry (DriftRing is tabular and has no device kernels).
ENVS=$("$F" env list --json | python3 -c "import json, sys; print(' '.join(e['env'] for e in json.load(sys.stdin) if e['env'] != 'DriftRing-v0'))")
for e in $ENVS; do
  $T "$F" dagger --env "$e" --seed 0 --out "$O/simd-$e.json" --quiet >/dev/null
  $T "$F" dagger --env "$e" --seed 0 --device cuda --out "$O/cuda-$e.json" --quiet >/dev/null
  same "$O/simd-$e.json" "$O/cuda-$e.json" "$e"
done
echo "== fused evaluation, CartPole-v1 (a DAgger policy that always reaches 500)"
$T "$F" dagger --env CartPole-v1 --quiet --save-policy "$O/cartpole-policy.json" >/dev/null
for n in 1048576 4194304 16777216; do
  $T "$F" eval --env CartPole-v1 --policy "$O/cartpole-policy.json" --episodes $n --device cuda --json | tee -a "$O/eval.jsonl"
done
$T "$F" eval --env CartPole-v1 --policy "$O/cartpole-policy.json" --episodes 1048576 --threads "$(nproc)" --json | tee -a "$O/eval.jsonl"
echo "== plain step kernel (env bench)"
$T "$F" env bench --env CartPole-v1 --envs 16777216 --seconds 3 --device cuda --json | tee -a "$O/bench.jsonl"
$T "$F" env bench --env CartPole-v1 --envs 16384 --seconds 2 --path auto --json | tee -a "$O/bench.jsonl"
echo "== DAgger at scale (3 iterations x 8192 rollouts, 16384 eval episodes)"
$T "$F" dagger --env CartPole-v1 --iterations 3 --rollouts 8192 --eval-episodes 16384 --device cuda --threads "$(nproc)" --json > "$O/dagger-scale-cuda.json"
$T "$F" dagger --env CartPole-v1 --iterations 3 --rollouts 8192 --eval-episodes 16384 --threads "$(nproc)" --json > "$O/dagger-scale-simd.json"
python3 - "$O/dagger-scale-simd.json" "$O/dagger-scale-cuda.json" <<'PY'
import json, sys
for p in sys.argv[1:]:
    d = json.load(open(p))
    it = d["iterations"]
    print(p.split("/")[-1], "wall", round(d["wall_seconds"], 3), "env_steps", d["env_steps"], "M/s", round(d["env_steps"] / d["wall_seconds"] / 1e6, 1),
          "rollout s", [round(x["rollout_seconds"], 4) for x in it], "fit s", [round(x["fit_seconds"], 4) for x in it],
          "eval s", [round(x["eval_seconds"], 4) for x in it], "final", d["final"]["eval_return_mean"])
PY
same "$O/dagger-scale-simd.json" "$O/dagger-scale-cuda.json" "large run, cuda vs simd:"
B="$(dirname "$F")/FastIL.Benchmarks"
if [ -x "$B" ]; then
  echo "== BenchmarkDotNet: GpuEvaluationBench, GpuRolloutBench (in process)"
  # The GPU suites' job runs in this process (the machine has no SDK to build a child process with)
  timeout 300 "$B" --filter '*.Gpu*Bench*' --artifacts "$O/bdn" > "$O/bdn-console.txt" 2>&1
  grep -E '^\|' "$O/bdn-console.txt" | tee "$O/bdn.md"
fi
echo done
