#!/usr/bin/env bash
# Submits a sweep as an N-task Slurm array plus a dependent merge job.
#   scripts/slurm/submit.sh SPEC.json OUT_DIR SHARDS [extra sbatch options...]
# FASTIL (the command) defaults to the Release build of this checkout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
spec=$(realpath "${1:?usage: submit.sh SPEC.json OUT_DIR SHARDS}")
out=$(realpath -m "${2:?usage: submit.sh SPEC.json OUT_DIR SHARDS}")
shards=${3:?usage: submit.sh SPEC.json OUT_DIR SHARDS}
shift 3
export FASTIL=${FASTIL:-"dotnet $root/src/FastIL.Cli/bin/Release/net10.0/FastIL.Cli.dll"}
export SPEC=$spec OUT=$out SHARDS=$shards
mkdir -p "$out"
array=$(sbatch --parsable --array=1-"$shards" --chdir="$out" --export=ALL "$@" "$here/sweep-array.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --chdir="$out" --export=ALL "$@" "$here/merge.sbatch")
echo "array job $array ($shards tasks), merge job $merge -> $out/merged"
