#!/usr/bin/env bash
# Whole-process time of `fastil dagger --env E` (defaults) for every registered env, two builds alternating run by
# run so that the VM's drift hits both alike. Prints one line per env: each build's times in seconds.
# Usage: bench/process-time.sh OLD_FASTIL NEW_FASTIL [RUNS]   (RUNS per build and env, default 4)
# A build is a fastil executable: the apphost of `dotnet build src/FastIL.Cli -c Release -o DIR` (DIR/FastIL.Cli).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_FASTIL NEW_FASTIL [RUNS]" >&2; exit 2; }
old="$1"; new="$2"; runs="${3:-4}"
for b in "$old" "$new"; do [ -x "$b" ] || { echo "error: $b is not an executable fastil" >&2; exit 2; }; done
envs=$("$new" env list --json | python3 -c "import json,sys; print(' '.join(e['env'] for e in json.load(sys.stdin)))")
seconds() { local s e; s=$(date +%s.%N); "$1" dagger --env "$2" --quiet > /dev/null; e=$(date +%s.%N); python3 -c "print(f'{$e - $s:.3f}')"; }
for env in $envs; do
  o=""; n=""
  for _ in $(seq "$runs"); do o="$o $(seconds "$old" "$env")"; n="$n $(seconds "$new" "$env")"; done
  echo "$env  old:$o  new:$n"
done
