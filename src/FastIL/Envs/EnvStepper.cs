using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Lanes;

namespace FastIL.Envs;

/// <summary>Steps a range of lanes of a batch; one instance per (env, lane type, precision).</summary>
internal interface IEnvStepper<T> where T : unmanaged
{
    /// <summary>Full step with time limit, episode bookkeeping and auto-reset; returns the episodes that ended.</summary>
    int Step(EnvColumns<T> c, int start, int end, AutoResetMode mode);
    /// <summary>Dynamics only: state, observation, reward, terminated. No time limit, no reset.</summary>
    void StepDynamics(EnvColumns<T> c, int start, int end);
    /// <summary>Draws lane's next reset state and writes its observation.</summary>
    void ResetLane(EnvColumns<T> c, int lane);
    /// <summary>Recomputes the observation of one lane from its state.</summary>
    void ObserveLane(EnvColumns<T> c, int lane);
}

/// <summary>
/// The batch driver for dynamics <typeparamref name="TDyn"/>: lanes in blocks of <typeparamref name="TV"/> (SIMD),
/// the tail in <typeparamref name="TS"/> (scalar). Both lane types round identically, so a lane's trajectory is the
/// same whichever path, block or thread steps it.
/// </summary>
internal sealed class EnvStepper<TDyn, TV, TS, T> : IEnvStepper<T>
    where TDyn : struct, IEnvDynamics
    where TV : struct, ILane<TV, T>
    where TS : struct, ILane<TS, T>
    where T : unmanaged
{
    // Spread[m] has byte k = bit k of m: turns a movemask of eight lanes into eight 0/1 flag bytes in one store.
    private static readonly ulong[] Spread = BuildSpread();

    private static ulong[] BuildSpread()
    {
        var t = new ulong[256];
        for (int m = 0; m < 256; m++)
            for (int k = 0; k < 8; k++)
                if ((m >> k & 1) != 0) t[m] |= 1UL << (8 * k);
        return t;
    }

    public int Step(EnvColumns<T> c, int start, int end, AutoResetMode mode)
    {
        int completed = 0;
        int i = start;
        if (TV.Count > 1)
        {
            int vecEnd = start + (end - start) / TV.Count * TV.Count;
            completed += Run<TV>(c, start, vecEnd, mode);
            i = vecEnd;
        }
        completed += Run<TS>(c, i, end, mode);
        return completed;
    }

    public void StepDynamics(EnvColumns<T> c, int start, int end)
    {
        int i = start;
        if (TV.Count > 1)
        {
            int vecEnd = start + (end - start) / TV.Count * TV.Count;
            RunDynamics<TV>(c, start, vecEnd);
            i = vecEnd;
        }
        RunDynamics<TS>(c, i, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Run<TL>(EnvColumns<T> c, int start, int end, AutoResetMode mode) where TL : struct, ILane<TL, T>
    {
        int sn = TDyn.StateSize, on = TDyn.ObservationSize;
        ref T s0 = ref EnvColumns<T>.Ref(c.State, 0);
        ref T s1 = ref EnvColumns<T>.Ref(c.State, 1);
        ref T s2 = ref sn > 2 ? ref EnvColumns<T>.Ref(c.State, 2) : ref s0;
        ref T s3 = ref sn > 3 ? ref EnvColumns<T>.Ref(c.State, 3) : ref s0;
        ref float o0 = ref EnvColumns<T>.Ref(c.Obs, 0);
        ref float o1 = ref EnvColumns<T>.Ref(c.Obs, 1);
        ref float o2 = ref on > 2 ? ref EnvColumns<T>.Ref(c.Obs, 2) : ref o0;
        ref float o3 = ref on > 3 ? ref EnvColumns<T>.Ref(c.Obs, 3) : ref o0;
        ref float o4 = ref on > 4 ? ref EnvColumns<T>.Ref(c.Obs, 4) : ref o0;
        ref float o5 = ref on > 5 ? ref EnvColumns<T>.Ref(c.Obs, 5) : ref o0;
        ref T act = ref MemoryMarshal.GetArrayDataReference(c.Actions);
        ref int dact = ref MemoryMarshal.GetArrayDataReference(c.DiscreteActions);
        bool discrete = c.Discrete, writeObs = !c.ObsAliasesState;
        ref T rew = ref MemoryMarshal.GetArrayDataReference(c.Rewards);
        ref T elapsed = ref MemoryMarshal.GetArrayDataReference(c.Elapsed);
        ref T ret = ref MemoryMarshal.GetArrayDataReference(c.EpisodeReturn);
        ref byte term = ref MemoryMarshal.GetArrayDataReference(c.Terminated);
        ref byte trunc = ref MemoryMarshal.GetArrayDataReference(c.Truncated);
        TL one = TL.Const(1), limit = TL.Const(c.MaxSteps);
        int completed = 0;

        for (int i = start; i < end; i += TL.Count)
        {
            uint prev = mode == AutoResetMode.NextStep ? LoadFlagBits(ref Unsafe.Add(ref term, i), ref Unsafe.Add(ref trunc, i), TL.Count) : 0u;

            EnvState<TL> s = default;
            s.S0 = TL.Load(ref Unsafe.Add(ref s0, i));
            s.S1 = TL.Load(ref Unsafe.Add(ref s1, i));
            if (sn > 2) s.S2 = TL.Load(ref Unsafe.Add(ref s2, i));
            if (sn > 3) s.S3 = TL.Load(ref Unsafe.Add(ref s3, i));
            TL a = discrete ? TL.LoadInt(ref Unsafe.Add(ref dact, i)) : TL.Load(ref Unsafe.Add(ref act, i));
            TDyn.Step(ref s, a, out TL r, out TL tm);
            TL e = TL.Load(ref Unsafe.Add(ref elapsed, i)) + one;
            TL tr = TL.GreaterOrEqual(e, limit);
            TL g = TL.Load(ref Unsafe.Add(ref ret, i)) + r;

            TL.Store(s.S0, ref Unsafe.Add(ref s0, i));
            TL.Store(s.S1, ref Unsafe.Add(ref s1, i));
            if (sn > 2) TL.Store(s.S2, ref Unsafe.Add(ref s2, i));
            if (sn > 3) TL.Store(s.S3, ref Unsafe.Add(ref s3, i));
            TL.Store(r, ref Unsafe.Add(ref rew, i));
            TL.Store(e, ref Unsafe.Add(ref elapsed, i));
            TL.Store(g, ref Unsafe.Add(ref ret, i));

            if (writeObs)
            {
                TDyn.Observe(in s, out EnvObs<TL> o);
                TL.StoreSingle(o.O0, ref Unsafe.Add(ref o0, i));
                TL.StoreSingle(o.O1, ref Unsafe.Add(ref o1, i));
                if (on > 2) TL.StoreSingle(o.O2, ref Unsafe.Add(ref o2, i));
                if (on > 3) TL.StoreSingle(o.O3, ref Unsafe.Add(ref o3, i));
                if (on > 4) TL.StoreSingle(o.O4, ref Unsafe.Add(ref o4, i));
                if (on > 5) TL.StoreSingle(o.O5, ref Unsafe.Add(ref o5, i));
            }

            uint tb = TL.MaskBits(tm), rb = TL.MaskBits(tr);
            StoreFlagBits(ref Unsafe.Add(ref term, i), tb, TL.Count);
            StoreFlagBits(ref Unsafe.Add(ref trunc, i), rb, TL.Count);
            uint ended = (tb | rb) & ~prev;
            if ((ended | prev) != 0) completed += HandleEpisodeEnds(c, i, ended, prev, mode);
        }
        return completed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunDynamics<TL>(EnvColumns<T> c, int start, int end) where TL : struct, ILane<TL, T>
    {
        int sn = TDyn.StateSize, on = TDyn.ObservationSize;
        for (int i = start; i < end; i += TL.Count)
        {
            EnvState<TL> s = default;
            s.S0 = TL.Load(ref c.State[0][i]);
            s.S1 = TL.Load(ref c.State[1][i]);
            if (sn > 2) s.S2 = TL.Load(ref c.State[2][i]);
            if (sn > 3) s.S3 = TL.Load(ref c.State[3][i]);
            TL a = c.Discrete ? TL.LoadInt(ref c.DiscreteActions[i]) : TL.Load(ref c.Actions[i]);
            TDyn.Step(ref s, a, out TL r, out TL tm);
            TL.Store(s.S0, ref c.State[0][i]);
            TL.Store(s.S1, ref c.State[1][i]);
            if (sn > 2) TL.Store(s.S2, ref c.State[2][i]);
            if (sn > 3) TL.Store(s.S3, ref c.State[3][i]);
            TL.Store(r, ref c.Rewards[i]);
            TDyn.Observe(in s, out EnvObs<TL> o);
            TL.StoreSingle(o.O0, ref c.Obs[0][i]);
            TL.StoreSingle(o.O1, ref c.Obs[1][i]);
            if (on > 2) TL.StoreSingle(o.O2, ref c.Obs[2][i]);
            if (on > 3) TL.StoreSingle(o.O3, ref c.Obs[3][i]);
            if (on > 4) TL.StoreSingle(o.O4, ref c.Obs[4][i]);
            if (on > 5) TL.StoreSingle(o.O5, ref c.Obs[5][i]);
            StoreFlagBits(ref c.Terminated[i], TL.MaskBits(tm), TL.Count);
            StoreFlagBits(ref c.Truncated[i], 0, TL.Count);
        }
    }

    /// <summary>Bit k set when lane k's terminated or truncated flag is set (flags are 0/1 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint LoadFlagBits(ref byte term, ref byte trunc, int count)
    {
        if (count == 1) return (uint)(term | trunc);
        uint bits = 0;
        for (int k = 0; k < count; k += 8)
        {
            ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref term, k)) | Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref trunc, k));
            if (v != 0) bits |= GatherBits(v) << k;
        }
        return bits;
    }

    private static uint GatherBits(ulong v)
    {
        uint bits = 0;
        for (int b = 0; b < 8; b++) if ((v >> (8 * b) & 0xFF) != 0) bits |= 1u << b;
        return bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFlagBits(ref byte dst, uint bits, int count)
    {
        if (count == 1) { dst = (byte)bits; return; }
        for (int k = 0; k < count; k += 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, k), Spread[(bits >> k) & 0xFF]);
    }

    /// <summary>Rare path: resets lanes that ended last step (next-step mode) and records episodes that ended now.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int HandleEpisodeEnds(EnvColumns<T> c, int i, uint ended, uint prev, AutoResetMode mode)
    {
        for (uint p = prev; p != 0; p &= p - 1)
        {
            int lane = i + BitOperations.TrailingZeroCount(p);
            ResetLaneCore(c, lane);
            c.Rewards[lane] = default;
            c.Terminated[lane] = 0;
            c.Truncated[lane] = 0;
        }
        for (uint d = ended; d != 0; d &= d - 1)
        {
            int lane = i + BitOperations.TrailingZeroCount(d);
            c.FinalReturn[lane] = c.EpisodeReturn[lane];
            c.FinalLength[lane] = c.Elapsed[lane];
            if (mode == AutoResetMode.SameStep)
            {
                for (int j = 0; j < c.FinalObs.Length; j++) c.FinalObs[j][lane] = c.Obs[j][lane];
                ResetLaneCore(c, lane);
            }
        }
        return BitOperations.PopCount(ended);
    }

    public void ResetLane(EnvColumns<T> c, int lane) => ResetLaneCore(c, lane);

    private static void ResetLaneCore(EnvColumns<T> c, int lane)
    {
        if (typeof(T) == typeof(float))
        {
            Span<float> st = stackalloc float[4];
            c.Spec.SampleInitialStateSingle(c.SeedMix, c.FirstLane + lane, c.EpisodeIndex[lane]++, st);
            for (int j = 0; j < c.State.Length; j++) c.State[j][lane] = Unsafe.As<float, T>(ref st[j]);
        }
        else
        {
            Span<double> st = stackalloc double[4];
            c.Spec.SampleInitialState(c.Seed, c.FirstLane + lane, c.EpisodeIndex[lane]++, st);
            for (int j = 0; j < c.State.Length; j++) c.State[j][lane] = EnvColumns<T>.FromDouble(st[j]);
        }
        c.Elapsed[lane] = default;
        c.EpisodeReturn[lane] = default;
        // Envs whose observation is the state share its columns in float32: nothing to recompute.
        if (!c.ObsAliasesState) ObserveLaneCore(c, lane);
    }

    public void ObserveLane(EnvColumns<T> c, int lane) => ObserveLaneCore(c, lane);

    private static void ObserveLaneCore(EnvColumns<T> c, int lane)
    {
        int sn = TDyn.StateSize, on = TDyn.ObservationSize;
        EnvState<TS> s = default;
        s.S0 = TS.Load(ref c.State[0][lane]);
        s.S1 = TS.Load(ref c.State[1][lane]);
        if (sn > 2) s.S2 = TS.Load(ref c.State[2][lane]);
        if (sn > 3) s.S3 = TS.Load(ref c.State[3][lane]);
        TDyn.Observe(in s, out EnvObs<TS> o);
        TS.StoreSingle(o.O0, ref c.Obs[0][lane]);
        TS.StoreSingle(o.O1, ref c.Obs[1][lane]);
        if (on > 2) TS.StoreSingle(o.O2, ref c.Obs[2][lane]);
        if (on > 3) TS.StoreSingle(o.O3, ref c.Obs[3][lane]);
        if (on > 4) TS.StoreSingle(o.O4, ref c.Obs[4][lane]);
        if (on > 5) TS.StoreSingle(o.O5, ref c.Obs[5][lane]);
    }
}
