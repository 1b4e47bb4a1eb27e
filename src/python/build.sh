#!/usr/bin/env bash
# Builds the native library variants the Python package loads: src/python/fastil/_native/<isa>/libfastil.so.
# Native AOT fixes the instruction set at build time and a build for one the CPU lacks aborts on its first call, so
# there is one build per level and fastil/__init__.py picks by the CPU's flags: x86-64-v4 (AVX-512) and x86-64-v3 (AVX2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
for isa in x86-64-v3 x86-64-v4; do
  out="$here/fastil/_native/$isa"
  rm -rf "$out"
  dotnet publish "$root/src/FastIL.Native" -c Release -r linux-x64 -p:IlcInstructionSet=$isa -p:DebugType=none -p:StripSymbols=true \
    -o "$out.tmp" --nologo -v q >/dev/null
  mkdir -p "$out"
  mv "$out.tmp/libfastil.so" "$out/libfastil.so"
  rm -rf "$out.tmp"
  echo "built $out/libfastil.so"
done
