using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;
using FastIL.Random;

namespace FastIL.Kernels.Policies;

/// <summary>
/// Standard Gumbel noise for up to <see cref="LinearLanes.MaxRows"/> actions, one value per lane and action: what
/// <see cref="LinearLanes.Sample{TL, TP}"/> adds to the logits to draw an action.
/// </summary>
public struct GumbelNoise<TL> where TL : struct, IReal<TL>
{
    /// <summary>Noise of actions 0 … 3.</summary>
    public TL G0, G1, G2, G3;
}

/// <summary>
/// The per-lane draws of sampled actions: lane i's noise for action r is a pure function of (seed, lane, counter, r)
/// (<see cref="CounterRng"/>), so a sampled action never depends on the batch split, the SIMD width or the thread
/// count. Integer hashing and two double logs per value, in the scalar code that fills a lane group's noise.
/// </summary>
public static class GumbelDraws
{
    /// <summary>
    /// −log(−log u) rounded to float32, with u = (b + ½)·2⁻⁵³ from 53 random bits b of draw <paramref name="action"/> of
    /// (<paramref name="seed"/>, <paramref name="lane"/>, <paramref name="counter"/>): u is never 0 or 1, so the noise
    /// is finite (|g| &lt; 40).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Gumbel(ulong seed, ulong lane, ulong counter, int action)
    {
        ulong bits = CounterRng.Bits(seed, lane, counter, SampleDraw + (ulong)action);
        double u = ((bits >> 11) + 0.5) * (1.0 / (1UL << 53));
        return (float)-Math.Log(-Math.Log(u));
    }

    // Draws 16 … 19 of a (seed, lane, counter) triple: apart from the draws other users of the same triple make.
    private const ulong SampleDraw = 16;
}
