using System.Numerics;
using System.Runtime.CompilerServices;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Kernels.Lanes;
using FastIL.Policies;

namespace FastIL.Envs;

/// <summary>
/// A chunk of DAgger rollout steps for one lane block, fused: a group of 16 lanes (8 on the Vector256 path, one on the scalar path) keeps
/// its state and step count in registers for the whole chunk, and per step observes → labels with the expert rule
/// <typeparamref name="TRule"/> → acts with the policy's lane code (<see cref="PolicyInference.GreedyAction{TL}"/>)
/// → β-mixes per lane → steps → stages (observation, label) for the lanes still running. Before each chunk the
/// running lanes are compacted into the first slots (<see cref="RolloutStaging.Compact{T}"/>), so lanes whose
/// trajectory ended do not keep a group half idle for the rest of the horizon. The column loop of
/// <c>BlockedRollout</c> does the same with a pass over the block's columns for each of these; the staged rows, the
/// lanes' ends and the batch's state afterwards are the same, bit for bit (tested). Discrete labels are staged as
/// action indices, continuous ones as the expert's action.
/// </summary>
internal static class FusedRollout<TDyn, TRule> where TDyn : struct, IEnvDynamics where TRule : struct, IExpertRule
{
    /// <summary>
    /// Runs steps <paramref name="t0"/> … <paramref name="t0"/> + <paramref name="steps"/> − 1 of the block whose
    /// batch is <paramref name="c"/>: acting with <paramref name="policy"/> where the mixing says so (null: β = 1, the
    /// expert always acts), staging into <paramref name="stage"/> and updating its running lanes.
    /// </summary>
    public static void RunChunk(EnvColumns<float> c, SimdPath path, PolicyInference? policy, in MixRule mix, int t0, int steps, RolloutStaging stage)
    {
        path = FusedGroupWidth.For(path, c.N);
        if (path == SimdPath.Vector512) RunChunk<V512F32>(c, policy, mix, t0, steps, stage);
        // One Vector256 register per value: see FusedEpisodes.Run (the two-register lanes were not inlined here).
        else if (path == SimdPath.Vector256) RunChunk<V256F32>(c, policy, mix, t0, steps, stage);
        else RunChunk<F32>(c, policy, mix, t0, steps, stage);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunChunk<TL>(EnvColumns<float> c, PolicyInference? policy, MixRule mix, int t0, int steps, RolloutStaging stage)
        where TL : struct, ILane<TL, float>
    {
        // The running lanes first: groups whose lanes ended in earlier chunks are dropped, not stepped half idle.
        if (stage.Compacting) stage.Compact(c.State, c.Elapsed, TL.Count);
        int live = stage.Live;
        stage.StagedCount.AsSpan(0, steps).Clear();
        int lastEnd = 0, endedNow = 0;
        for (int i = 0; i < live; i += TL.Count)
        {
            int width = Math.Min(TL.Count, live - i);
            uint active = 0;
            for (int l = 0; l < width; l++) if (stage.Active[i + l]) active |= 1u << l;
            int end = Group<TL>(c, policy, mix, t0, steps, stage, i, width, ref active);
            for (int l = 0; l < width; l++)
            {
                bool stillActive = (active >> l & 1) != 0;
                if (stage.Active[i + l] && !stillActive) endedNow++;
                stage.Active[i + l] = stillActive;
            }
            lastEnd = Math.Max(lastEnd, end);
        }
        stage.ActiveCount -= endedNow;
        if (stage.ActiveCount == 0 && endedNow > 0) stage.EndStep = lastEnd;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StageObservation<TL>(TL value, RolloutStaging stage, int at, int width, bool full, Span<float> tmp) where TL : struct, ILane<TL, float>
    {
        if (full) TL.StoreSingle(value, ref stage.Obs[at]);
        else
        {
            TL.StoreSingle(value, ref tmp[0]);
            tmp[..width].CopyTo(stage.Obs.AsSpan(at, width));
        }
    }

    // One group of lanes [i, i + width) for the chunk; returns 1 + the last step in which one of its lanes ended (0: none).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Group<TL>(EnvColumns<float> c, PolicyInference? policy, in MixRule mix, int t0, int steps, RolloutStaging stage,
        int i, int width, ref uint active) where TL : struct, ILane<TL, float>
    {
        int sn = TDyn.StateSize, d = TDyn.ObservationSize, lanes = stage.Lanes;
        bool discrete = c.Discrete;
        EnvState<TL> s = default;
        s.S0 = TL.Load(ref c.State[0][i]);
        s.S1 = TL.Load(ref c.State[1][i]);
        if (sn > 2) s.S2 = TL.Load(ref c.State[2][i]);
        if (sn > 3) s.S3 = TL.Load(ref c.State[3][i]);
        TL one = TL.Const(1), limit = TL.Const(c.MaxSteps);
        TL e = TL.Load(ref c.Elapsed[i]);
        bool full = width == TL.Count;
        uint trajectoryBits = 0;
        if (policy is not null && mix.PerTrajectory)
            for (int l = 0; l < width; l++) if (stage.ExpertLane[i + l]) trajectoryBits |= 1u << l;
        Span<float> tmp = stackalloc float[TL.Count];
        int lastEnd = 0;
        for (int k = 0; k < steps; k++)
        {
            int t = t0 + k;
            // Staged: the lanes still running, before this step.
            StagingStores.Flags(stage.Staged.AsSpan(k * lanes + i, width), active);
            stage.StagedCount[k] += BitOperations.PopCount(active);
            if (active == 0) continue;
            TDyn.Observe(in s, out EnvObs<TL> o);
            TL label = TRule.Act(in o);
            TL a = label;
            if (policy is not null)
            {
                uint expertBits = mix.PerTrajectory ? trajectoryBits : 0;
                if (!mix.PerTrajectory && mix.Beta > 0)
                    for (int l = 0; l < width; l++)
                        if (Algorithms.ImitationRunner.ExpertActs(mix.Seed, mix.Iteration, mix.Beta, false, false, t, stage.First + stage.LaneOf[i + l])) expertBits |= 1u << l;
                a = TL.Select(TL.MaskFromBits(expertBits), label, policy.GreedyAction(in o));
            }
            // One store per observation, unrolled (d is a constant of the env): a loop over a switch on j kept the
            // observations on the stack and took a third of this method's samples.
            int row = k * d * lanes + i;
            StageObservation(o.O0, stage, row, width, full, tmp);
            if (d > 1) StageObservation(o.O1, stage, row + lanes, width, full, tmp);
            if (d > 2) StageObservation(o.O2, stage, row + 2 * lanes, width, full, tmp);
            if (d > 3) StageObservation(o.O3, stage, row + 3 * lanes, width, full, tmp);
            if (d > 4) StageObservation(o.O4, stage, row + 4 * lanes, width, full, tmp);
            if (d > 5) StageObservation(o.O5, stage, row + 5 * lanes, width, full, tmp);
            TL.StoreSingle(label, ref tmp[0]);
            if (discrete) StagingStores.Labels(tmp[..width], stage.Labels.AsSpan(k * lanes + i, width));
            else tmp[..width].CopyTo(stage.Targets.AsSpan(k * lanes + i, width));
            TDyn.Step(ref s, a, out TL _, out TL terminated);
            e += one;
            uint ended = (TL.MaskBits(terminated) | TL.MaskBits(TL.GreaterOrEqual(e, limit))) & active;
            if (ended != 0)
            {
                active &= ~ended;
                lastEnd = t + 1;
            }
        }
        // The batch's state and step counts after the chunk, as the column loop leaves them for the lanes that run on.
        TL.Store(s.S0, ref c.State[0][i]);
        TL.Store(s.S1, ref c.State[1][i]);
        if (sn > 2) TL.Store(s.S2, ref c.State[2][i]);
        if (sn > 3) TL.Store(s.S3, ref c.State[3][i]);
        TL.Store(e, ref c.Elapsed[i]);
        return lastEnd;
    }
}
