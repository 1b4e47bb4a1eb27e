#!/usr/bin/env bash
# Where a fresh `fastil` process spends its JIT time: runs FASTIL ARGS with the runtime's EventPipe JIT events on, then
# prints the compile time per thread, per tier and per method (bench/JitTrace, built here on first use).
# Usage: bench/jit-trace.sh [-n TOP] FASTIL ARGS...
#   e.g. bench/jit-trace.sh src/FastIL.Cli/bin/Release/net10.0/FastIL.Cli dagger --env CartPole-v1 --iterations 3 \
#          --rollouts 8192 --eval-episodes 16384 --threads 2 --quiet
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
top=40
if [ "${1:-}" = "-n" ]; then top="$2"; shift 2; fi
[ $# -ge 1 ] && [ -x "$1" ] || { echo "usage: $0 [-n TOP] FASTIL ARGS..." >&2; exit 2; }
tool="$root/bench/JitTrace/bin/Release/net10.0/JitTrace"
[ -x "$tool" ] || dotnet build "$root/bench/JitTrace" -c Release -v q --nologo >/dev/null
trace="$(mktemp --suffix=.nettrace)"; trap 'rm -f "$trace"' EXIT
DOTNET_EnableEventPipe=1 DOTNET_EventPipeOutputPath="$trace" DOTNET_EventPipeConfig='Microsoft-Windows-DotNETRuntime:0x10:5' "$@" >/dev/null
"$tool" "$trace" "$top"
