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
    public int Step(EnvColumns<T> c, int start, int end, AutoResetMode mode)
    {
        int completed = 0;
        int i = start;
        if (TV.Count > 1)
        {
            int vecEnd = start + (end - start) / TV.Count * TV.Count;
            // The batch's last range runs its tail as one more block over the padding lanes (EnvColumns.Padded).
            if (end == c.N && vecEnd < end && vecEnd + TV.Count <= c.Padded) vecEnd += TV.Count;
            completed += Run<TV>(c, start, vecEnd, mode);
            i = vecEnd;
        }
        if (i < end) completed += Run<TS>(c, i, end, mode);
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
        if (TL.Count == 1) return RunOneByOne<TL>(c, start, end, mode);
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
        ref T finalRet = ref MemoryMarshal.GetArrayDataReference(c.FinalReturn);
        ref T finalLen = ref MemoryMarshal.GetArrayDataReference(c.FinalLength);
        TL one = TL.Const(1), zero = TL.Const(0), limit = TL.Const(c.MaxSteps);
        bool nextStep = mode == AutoResetMode.NextStep, sameStep = mode == AutoResetMode.SameStep;
        int n = c.N;
        int completed = 0;
        // Two passes per chunk of lanes. The first is branch-free SIMD: it steps every block, does the episode
        // bookkeeping with masks (lanes that ended last step restart at zero reward, return, length and flags; lanes
        // that end now record their return and length) and marks the lanes whose state must be redrawn. The second
        // redraws only those. About 5 % of CartPole lanes end each step, so half of all 16-lane blocks hold one: a
        // branch per block would mispredict constantly and stall the overlap of the long dynamics chain. A chunk
        // (≤ 16 KiB of state) is still in L1 for the second pass.
        const int ChunkLanes = 1024;
        Span<ulong> resetWords = stackalloc ulong[ChunkLanes / 64];

        for (int chunk = start; chunk < end; chunk += ChunkLanes)
        {
            int chunkEnd = Math.Min(end, chunk + ChunkLanes);
            resetWords.Clear();
            ulong any = 0;
            for (int i = chunk; i < chunkEnd; i += TL.Count)
            {
                uint prev = nextStep ? FlagBytes.Load(ref Unsafe.Add(ref term, i), ref Unsafe.Add(ref trunc, i), TL.Count) : 0u;

                EnvState<TL> s = default;
                s.S0 = TL.Load(ref Unsafe.Add(ref s0, i));
                s.S1 = TL.Load(ref Unsafe.Add(ref s1, i));
                if (sn > 2) s.S2 = TL.Load(ref Unsafe.Add(ref s2, i));
                if (sn > 3) s.S3 = TL.Load(ref Unsafe.Add(ref s3, i));
                TL a = discrete ? TL.LoadInt(ref Unsafe.Add(ref dact, i)) : TL.Load(ref Unsafe.Add(ref act, i));
                TDyn.Step(ref s, a, out TL r, out TL tm);
                TL e = TL.Load(ref Unsafe.Add(ref elapsed, i)) + one;
                TL g = TL.Load(ref Unsafe.Add(ref ret, i)) + r;
                if (nextStep)
                {
                    // Lanes that ended last step were stepped from their final state only to keep the loop branch-free:
                    // they restart now (their state is redrawn in the second pass).
                    TL restart = TL.MaskFromBits(prev);
                    r = TL.Select(restart, zero, r);
                    e = TL.Select(restart, zero, e);
                    g = TL.Select(restart, zero, g);
                }
                TL tr = TL.GreaterOrEqual(e, limit);

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

                uint tb = TL.MaskBits(tm) & ~prev, rb = TL.MaskBits(tr) & ~prev;
                FlagBytes.Store(ref Unsafe.Add(ref term, i), tb, TL.Count);
                FlagBytes.Store(ref Unsafe.Add(ref trunc, i), rb, TL.Count);
                uint ended = tb | rb;
                TL endedMask = TL.MaskFromBits(ended);
                TL.Store(TL.Select(endedMask, g, TL.Load(ref Unsafe.Add(ref finalRet, i))), ref Unsafe.Add(ref finalRet, i));
                TL.Store(TL.Select(endedMask, e, TL.Load(ref Unsafe.Add(ref finalLen, i))), ref Unsafe.Add(ref finalLen, i));
                // Padding lanes past N (in the batch's last block only) are stepped but not counted.
                completed += BitOperations.PopCount(n - i >= TL.Count ? ended : ended & ((1u << (n - i)) - 1));

                // Blocks of 1, 8 or 16 lanes never straddle a 64-lane word.
                ulong redraw = (ulong)(nextStep ? prev : sameStep ? ended : 0u) << ((i - chunk) & 63);
                resetWords[(i - chunk) >> 6] |= redraw;
                any |= redraw;
            }
            if (any != 0) RedrawLanes(c, chunk, resetWords, sameStep);
        }
        return completed;
    }

    /// <summary>
    /// The scalar path, written as scalar code is: one lane at a time, a lane that ended last step is reset instead of
    /// stepped, and an episode that ends is recorded on the spot (a well-predicted branch for one lane). Same results
    /// as the blocked SIMD loop, which steps such lanes anyway and fixes them up with masks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RunOneByOne<TL>(EnvColumns<T> c, int start, int end, AutoResetMode mode) where TL : struct, ILane<TL, T>
    {
        int sn = TDyn.StateSize, on = TDyn.ObservationSize;
        bool discrete = c.Discrete, writeObs = !c.ObsAliasesState;
        T[] s0 = c.State[0], s1 = c.State[1], s2 = sn > 2 ? c.State[2] : s0, s3 = sn > 3 ? c.State[3] : s0;
        TL one = TL.Const(1), limit = TL.Const(c.MaxSteps);
        int completed = 0;
        for (int i = start; i < end; i++)
        {
            if (mode == AutoResetMode.NextStep && (c.Terminated[i] | c.Truncated[i]) != 0)
            {
                ResetLaneCore(c, i);
                c.Rewards[i] = default;
                c.Terminated[i] = 0;
                c.Truncated[i] = 0;
                continue;
            }
            EnvState<TL> s = default;
            s.S0 = TL.Load(ref s0[i]);
            s.S1 = TL.Load(ref s1[i]);
            if (sn > 2) s.S2 = TL.Load(ref s2[i]);
            if (sn > 3) s.S3 = TL.Load(ref s3[i]);
            TL a = discrete ? TL.LoadInt(ref c.DiscreteActions[i]) : TL.Load(ref c.Actions[i]);
            TDyn.Step(ref s, a, out TL r, out TL tm);
            TL e = TL.Load(ref c.Elapsed[i]) + one;
            TL g = TL.Load(ref c.EpisodeReturn[i]) + r;
            TL.Store(s.S0, ref s0[i]);
            TL.Store(s.S1, ref s1[i]);
            if (sn > 2) TL.Store(s.S2, ref s2[i]);
            if (sn > 3) TL.Store(s.S3, ref s3[i]);
            TL.Store(r, ref c.Rewards[i]);
            TL.Store(e, ref c.Elapsed[i]);
            TL.Store(g, ref c.EpisodeReturn[i]);
            if (writeObs)
            {
                // Written out rather than StoreObservation: this loop's code was measured fast as it is, and its speed
                // hinges on the JIT's inlining budget (see ObserveLaneCore).
                TDyn.Observe(in s, out EnvObs<TL> o);
                TL.StoreSingle(o.O0, ref c.Obs[0][i]);
                TL.StoreSingle(o.O1, ref c.Obs[1][i]);
                if (on > 2) TL.StoreSingle(o.O2, ref c.Obs[2][i]);
                if (on > 3) TL.StoreSingle(o.O3, ref c.Obs[3][i]);
                if (on > 4) TL.StoreSingle(o.O4, ref c.Obs[4][i]);
                if (on > 5) TL.StoreSingle(o.O5, ref c.Obs[5][i]);
            }
            byte terminated = (byte)TL.MaskBits(tm), truncated = (byte)TL.MaskBits(TL.GreaterOrEqual(e, limit));
            c.Terminated[i] = terminated;
            c.Truncated[i] = truncated;
            if ((terminated | truncated) == 0) continue;
            TL.Store(g, ref c.FinalReturn[i]);
            TL.Store(e, ref c.FinalLength[i]);
            completed++;
            if (mode == AutoResetMode.SameStep)
            {
                for (int j = 0; j < c.FinalObs.Length; j++) c.FinalObs[j][i] = c.Obs[j][i];
                ResetLaneCore(c, i);
            }
        }
        return completed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunDynamics<TL>(EnvColumns<T> c, int start, int end) where TL : struct, ILane<TL, T>
    {
        for (int i = start; i < end; i += TL.Count)
        {
            EnvState<TL> s = LoadState<TL>(c, i);
            TL a = c.Discrete ? TL.LoadInt(ref c.DiscreteActions[i]) : TL.Load(ref c.Actions[i]);
            TDyn.Step(ref s, a, out TL r, out TL tm);
            StoreState(in s, c, i);
            TL.Store(r, ref c.Rewards[i]);
            StoreObservation(in s, c, i);
            FlagBytes.Store(ref c.Terminated[i], TL.MaskBits(tm), TL.Count);
            FlagBytes.Store(ref c.Truncated[i], 0, TL.Count);
        }
    }

    /// <summary>Lane i's state (lanes i … i + TL.Count − 1) from the state columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static EnvState<TL> LoadState<TL>(EnvColumns<T> c, int i) where TL : struct, ILane<TL, T>
    {
        EnvState<TL> s = default;
        s.S0 = TL.Load(ref c.State[0][i]);
        s.S1 = TL.Load(ref c.State[1][i]);
        if (TDyn.StateSize > 2) s.S2 = TL.Load(ref c.State[2][i]);
        if (TDyn.StateSize > 3) s.S3 = TL.Load(ref c.State[3][i]);
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreState<TL>(in EnvState<TL> s, EnvColumns<T> c, int i) where TL : struct, ILane<TL, T>
    {
        TL.Store(s.S0, ref c.State[0][i]);
        TL.Store(s.S1, ref c.State[1][i]);
        if (TDyn.StateSize > 2) TL.Store(s.S2, ref c.State[2][i]);
        if (TDyn.StateSize > 3) TL.Store(s.S3, ref c.State[3][i]);
    }

    /// <summary>Computes the observation of state <paramref name="s"/> and stores it at lane i of the observation columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreObservation<TL>(in EnvState<TL> s, EnvColumns<T> c, int i) where TL : struct, ILane<TL, T>
    {
        int on = TDyn.ObservationSize;
        TDyn.Observe(in s, out EnvObs<TL> o);
        TL.StoreSingle(o.O0, ref c.Obs[0][i]);
        TL.StoreSingle(o.O1, ref c.Obs[1][i]);
        if (on > 2) TL.StoreSingle(o.O2, ref c.Obs[2][i]);
        if (on > 3) TL.StoreSingle(o.O3, ref c.Obs[3][i]);
        if (on > 4) TL.StoreSingle(o.O4, ref c.Obs[4][i]);
        if (on > 5) TL.StoreSingle(o.O5, ref c.Obs[5][i]);
    }

    /// <summary>
    /// Second pass over a chunk: draws new initial states for the lanes marked in <paramref name="words"/> (bit k of
    /// word w: lane <paramref name="chunk"/> + 64·w + k). In same-step mode the final observation is kept first.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RedrawLanes(EnvColumns<T> c, int chunk, ReadOnlySpan<ulong> words, bool keepFinalObs)
    {
        for (int w = 0; w < words.Length; w++)
        {
            for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
            {
                int lane = chunk + 64 * w + BitOperations.TrailingZeroCount(bits);
                if (keepFinalObs)
                    for (int j = 0; j < c.FinalObs.Length; j++) c.FinalObs[j][lane] = c.Obs[j][lane];
                ResetLaneCore(c, lane);
            }
        }
    }

    public void ResetLane(EnvColumns<T> c, int lane) => ResetLaneCore(c, lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ResetLaneCore(EnvColumns<T> c, int lane)
    {
        if (typeof(T) == typeof(float))
        {
            // EnvSpec.SampleInitialStateSingle with the state width known at compile time and the bounds pre-converted:
            // CartPole resets ~5 % of its lanes every step, so this runs as often as a quarter of the dynamics (tested equal).
            int sn = TDyn.StateSize;
            ulong key = EnvSpec.ResetKeySingle(c.SeedMix, c.FirstLane + lane, c.EpisodeIndex[lane]++);
            ulong b0 = EnvSpec.ResetBitsSingle(key, 0);
            float[] lo = c.ResetLowSingle, span = c.ResetSpanSingle;
            StoreSingle(c.State[0], lane, EnvSpec.ResetDrawSingle(b0, 0, lo[0], span[0]));
            StoreSingle(c.State[1], lane, EnvSpec.ResetDrawSingle(b0, 1, lo[1], span[1]));
            if (sn > 2)
            {
                ulong b1 = EnvSpec.ResetBitsSingle(key, 1);
                StoreSingle(c.State[2], lane, EnvSpec.ResetDrawSingle(b1, 2, lo[2], span[2]));
                if (sn > 3) StoreSingle(c.State[3], lane, EnvSpec.ResetDrawSingle(b1, 3, lo[3], span[3]));
            }
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSingle(T[] column, int lane, float v) => column[lane] = Unsafe.As<float, T>(ref v);

    public void ObserveLane(EnvColumns<T> c, int lane) => ObserveLaneCore(c, lane);

    // Not inlined: it sits on the reset path of the step loops, whose JIT inlining budget the dynamics need (inlining
    // it here made the scalar CartPole path 15 % slower).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ObserveLaneCore(EnvColumns<T> c, int lane) => StoreObservation(LoadState<TS>(c, lane), c, lane);
}
