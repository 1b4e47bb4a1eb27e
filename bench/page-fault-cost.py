#!/usr/bin/env python3
"""What a first touch of fresh memory costs on this machine: the price every DAgger iteration pays for the rows it
appends to new pages of the data set (bench/RESULTS.md, "DAgger at scale").

Maps SIZE_MB of fresh anonymous memory and writes one byte per 4 KiB page, five times each way:
  4k        plain pages (what the .NET arrays get here: transparent huge pages are "madvise" only);
  huge      madvise(MADV_HUGEPAGE) first, so that the kernel may back the range with 2 MiB pages;
  populate  madvise(MADV_POPULATE_WRITE) first (Linux 5.14+): the kernel faults the whole range in one call, 4 KiB
            pages still, without a trap per page (the time includes the call).
Usage: bench/page-fault-cost.py [SIZE_MB]   (default 80: about one 4M-row iteration of CartPole rows)
"""
import mmap
import sys
import time

size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 80
size, page = size_mb << 20, 4096


MADV_POPULATE_WRITE = 23  # not in Python's mmap module


def touch(kind: str) -> float:
    m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if kind == "huge":
        m.madvise(mmap.MADV_HUGEPAGE)
    start = time.perf_counter()
    if kind == "populate":
        m.madvise(MADV_POPULATE_WRITE)
    for offset in range(0, size, page):
        m[offset] = 1
    elapsed = time.perf_counter() - start
    m.close()
    return elapsed


# The loop's own cost, on pages already present, is subtracted.
warm = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
for offset in range(0, size, page):
    warm[offset] = 1
start = time.perf_counter()
for offset in range(0, size, page):
    warm[offset] = 1
loop = time.perf_counter() - start
warm.close()

for kind in ("4k", "huge", "populate"):
    runs = sorted(max(touch(kind) - loop, 0.0) for _ in range(5))
    print(f"{kind:>8}: {size_mb} MB first touch {', '.join(f'{t * 1e3:.1f}' for t in runs)} ms "
          f"({runs[2] * 1e9 / (size // page):.0f} ns per 4 KiB page, median)")
