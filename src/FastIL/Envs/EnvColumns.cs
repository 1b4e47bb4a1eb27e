using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastIL.Envs;

/// <summary>
/// The struct-of-arrays storage of a batch: one column per state variable and observation component, one lane
/// per env. Elapsed steps and returns are kept in the state's precision so the SIMD kernels update them in registers.
/// </summary>
internal sealed class EnvColumns<T> where T : unmanaged
{
    /// <summary>The widest SIMD block, in lanes: every column is padded to a multiple of it.</summary>
    public const int LanePadding = 16;

    public readonly int N;
    /// <summary>
    /// Allocated lanes: N rounded up to <see cref="LanePadding"/>. The SIMD steppers run a batch's tail as one more
    /// full block over the padding lanes (stepped and reset like real lanes, never counted or exposed), so a batch of
    /// 4 or 10 envs runs on the vector path instead of the scalar tail.
    /// </summary>
    public readonly int Padded;
    public readonly EnvSpec Spec;
    public readonly T[][] State;
    public readonly float[][] Obs;
    public readonly float[][] FinalObs;
    /// <summary>Discrete actions, read by the kernels as ints (continuous envs use <see cref="Actions"/>).</summary>
    public readonly int[] DiscreteActions;
    public readonly bool Discrete;
    /// <summary>Observation columns are the state columns (float32 envs whose observation is the state).</summary>
    public readonly bool ObsAliasesState;
    public readonly T[] Actions, Rewards, Elapsed, EpisodeReturn, FinalReturn, FinalLength;
    public readonly byte[] Terminated, Truncated;
    public readonly long[] EpisodeIndex;
    /// <summary>The float32 reset draws' lower bounds and widths, (float)ResetLow[j] and (float)(ResetHigh[j] − ResetLow[j]).</summary>
    public readonly float[] ResetLowSingle = new float[4], ResetSpanSingle = new float[4];
    public ulong Seed;
    /// <summary>CounterRng.Mix(Seed), computed once per Reset(seed) for the float32 reset draws.</summary>
    public ulong SeedMix;
    public long FirstLane;
    /// <summary>Time limit as a number (+∞ when none).</summary>
    public double MaxSteps;

    public EnvColumns(EnvSpec spec, int n, bool keepFinalObs, bool observationIsState)
    {
        N = n;
        Padded = (int)Math.Min(int.MaxValue, ((long)n + LanePadding - 1) / LanePadding * LanePadding);
        n = Padded;
        Spec = spec;
        State = new T[spec.StateSize][];
        for (int j = 0; j < State.Length; j++) State[j] = new T[n];
        ObsAliasesState = observationIsState && typeof(T) == typeof(float);
        Obs = new float[spec.ObservationSize][];
        for (int j = 0; j < Obs.Length; j++) Obs[j] = ObsAliasesState ? (float[])(object)State[j] : new float[n];
        Discrete = spec.IsDiscrete;
        DiscreteActions = new int[Discrete ? n : 0];
        FinalObs = new float[keepFinalObs ? spec.ObservationSize : 0][];
        for (int j = 0; j < FinalObs.Length; j++) FinalObs[j] = new float[n];
        Actions = new T[n]; Rewards = new T[n]; Elapsed = new T[n]; EpisodeReturn = new T[n];
        FinalReturn = new T[n]; FinalLength = new T[n];
        Terminated = new byte[n]; Truncated = new byte[n];
        EpisodeIndex = new long[n];
        for (int j = 0; j < spec.ResetLow.Length; j++)
        {
            ResetLowSingle[j] = (float)spec.ResetLow[j];
            ResetSpanSingle[j] = (float)(spec.ResetHigh[j] - spec.ResetLow[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble(double v)
    {
        if (typeof(T) == typeof(float)) { float f = (float)v; return Unsafe.As<float, T>(ref f); }
        return Unsafe.As<double, T>(ref v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble(T v)
    {
        if (typeof(T) == typeof(float)) return Unsafe.As<T, float>(ref v);
        return Unsafe.As<T, double>(ref v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref TE Ref<TE>(TE[][] columns, int j) => ref MemoryMarshal.GetArrayDataReference(columns[j]);
}
