using System.Runtime.CompilerServices;
using FastIL.Random;

namespace FastIL.Kernels.Envs;

/// <summary>
/// The float32 reset draw of (seed, lane, episode): two 64-bit mixes give four 24-bit uniforms, all a float32 state
/// can resolve; state variable j is lo_j + span_j·u_j. Shared by the CPU steppers and the ILGPU kernels, so a lane
/// starts every episode from the same state on every device.
/// </summary>
public static class ResetDraw
{
    /// <summary>The per-batch seed mix: <c>Mix(seed + golden)</c>, computed once per <c>Reset(seed)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static ulong SeedMix(ulong seed) => CounterRng.Mix(seed + 0x9E3779B97F4A7C15UL);

    /// <summary>The key of (seed, lane, episode)'s float32 reset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static ulong Key(ulong seedMix, long lane, long episode)
        => CounterRng.Mix(CounterRng.Mix(seedMix ^ (ulong)lane) + (ulong)episode * 0x9E3779B97F4A7C15UL);

    /// <summary>The 64 random bits for state variables 2·<paramref name="pair"/> and 2·<paramref name="pair"/> + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static ulong Bits(ulong key, int pair)
        => CounterRng.Mix(key ^ (pair == 0 ? 0xD1B54A32D192ED03UL : 0x8CB92BA72F3D8DD7UL));

    /// <summary>The 24-bit uniform of state variable j, in [0, 1): exact in float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Uniform(ulong bits, int j) => (uint)((j & 1) == 0 ? bits >> 40 : bits & 0xFFFFFF) * (1f / 16777216f);

    /// <summary>State variable j: lo + span·u with u the variable's 24 bits of <paramref name="bits"/> over 2²⁴.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Draw(ulong bits, int j, float lo, float span) => lo + span * Uniform(bits, j);
}
