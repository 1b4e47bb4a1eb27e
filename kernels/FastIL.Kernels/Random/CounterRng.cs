using System.Runtime.CompilerServices;

namespace FastIL.Random;

/// <summary>
/// Counter-based random numbers: every draw is a pure hash of (seed, stream, counter, k), so lane i's reset
/// states depend only on (seed, i, episode number) — never on the batch split, thread count or call order.
/// Pure 64-bit integer arithmetic: the same code runs in ILGPU kernels.
/// </summary>
public static class CounterRng
{
    /// <summary>SplitMix64's finalizer: a bijective 64-bit mixer with full avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>64 random bits for draw <paramref name="k"/> of (seed, stream, counter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bits(ulong seed, ulong stream, ulong counter, ulong k)
    {
        ulong h = Mix(seed + 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (stream + 0x632BE59BD9B4E019UL));
        h = Mix(h ^ (counter + 0xD1B54A32D192ED03UL));
        return Mix(h ^ (k + 0x8CB92BA72F3D8DD7UL));
    }

    /// <summary>The key of one (seed, stream, counter) triple; draws from it with <see cref="UniformFromKey"/> cost one mix each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(ulong seed, ulong stream, ulong counter)
    {
        ulong h = Mix(seed + 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (stream + 0x632BE59BD9B4E019UL));
        return Mix(h ^ (counter + 0xD1B54A32D192ED03UL));
    }

    /// <summary>Draw k from a key: a double uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double UniformFromKey(ulong key, ulong k)
        => (Mix(key ^ (k * 0x8CB92BA72F3D8DD7UL + 0x2545F4914F6CDD1DUL)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A double uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(ulong seed, ulong stream, ulong counter, ulong k)
        => (Bits(seed, stream, counter, k) >> 11) * (1.0 / (1UL << 53));
}
