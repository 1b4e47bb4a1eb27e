using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastIL.Learning;

/// <summary>
/// Copies of 4-byte values (float32 columns, int labels) into a large data set with non-temporal stores: whole cache
/// lines go straight to memory instead of being read first (a plain store reads every line it writes into cache). On
/// this project's 2-core VM, writing 80 MB of faulted-in memory took 6–8 ms with plain stores, on one thread or two,
/// against about 2 ms with these (bench/RESULTS.md, "Streaming stores"). Only for data sets too large to stay in the
/// last-level cache until the fit reads them (<see cref="Worthwhile"/>): a small one is better left in cache.
/// <para>
/// The stores are weakly ordered: a writer calls <see cref="Fence"/> before another thread may read what it wrote.
/// The values before the copy's first aligned vector and after its last (in lines that neighbouring copies may share)
/// get plain stores.
/// </para>
/// </summary>
internal static class StreamingStores
{
    /// <summary>
    /// Data sets of at least this many bytes take streaming stores: above the last-level cache of common CPUs (32 MiB
    /// on this project's machine), where rows are back in memory by the time a fit reads them anyway.
    /// </summary>
    public const long MinBytes = 64L << 20;

    /// <summary>
    /// Whether writes into a data set of <paramref name="bytes"/> bytes should stream (and the CPU can): at least
    /// <paramref name="minBytes"/> (tests lower it).
    /// </summary>
    public static bool Worthwhile(long bytes, long minBytes = MinBytes) => bytes >= minBytes && Sse.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>Orders this thread's streaming stores before its later stores (another thread's reads after a hand-off).</summary>
    public static void Fence()
    {
        if (Sse.IsSupported) Sse.StoreFence();
    }

    /// <summary>Copies <paramref name="src"/> to the start of <paramref name="dst"/>; the values are those of <c>CopyTo</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Copy<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged
    {
        if (sizeof(T) != 4) throw new ArgumentException("streaming copies take 4-byte values");
        int n = src.Length;
        if (dst.Length < n) throw new ArgumentException("destination too short", nameof(dst));
        if (!Sse.IsSupported || !Vector256.IsHardwareAccelerated || n < 32) { src.CopyTo(dst); return; }
        ref float s = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(src));
        fixed (T* d0 = dst)
        {
            float* d = (float*)d0;
            bool wide = Vector512.IsHardwareAccelerated;
            int width = wide ? 16 : 8, align = width * 4;
            // Plain stores up to the first aligned vector (the line shared with whatever precedes).
            int head = (int)(((nuint)align - ((nuint)d & (nuint)(align - 1))) & (nuint)(align - 1)) / 4;
            int i = 0;
            for (; i < head; i++) d[i] = Unsafe.Add(ref s, i);
            if (wide)
                for (; i + 16 <= n; i += 16) Avx512F.StoreAlignedNonTemporal(d + i, Vector512.LoadUnsafe(ref s, (nuint)i));
            else
                for (; i + 8 <= n; i += 8) Avx.StoreAlignedNonTemporal(d + i, Vector256.LoadUnsafe(ref s, (nuint)i));
            for (; i < n; i++) d[i] = Unsafe.Add(ref s, i);
        }
    }
}
