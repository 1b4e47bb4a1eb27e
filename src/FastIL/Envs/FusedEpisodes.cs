using System.Runtime.CompilerServices;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Kernels.Lanes;
using FastIL.Policies;

namespace FastIL.Envs;

/// <summary>
/// Fused evaluation episodes: one episode per lane of a float32 batch that was just reset, acting greedily with a
/// policy (its lane code, <see cref="PolicyInference.GreedyAction{TL}"/>) or with the expert rule
/// <typeparamref name="TRule"/>, counting the disagreement with the rule. A group of 16 lanes (8 on the Vector256 path, one on the scalar
/// path) keeps its state, return, length and count in registers for a round of up to 32 steps: per step
/// observe → act → expert action → env step, with no pass over the batch's columns and no hand-off between steps.
/// Between rounds the lanes still running are compacted into the first slots (<see cref="EpisodeSlots"/>), so lanes
/// whose episode ended do not keep a group stepping half idle until its longest episode ends.
/// The arithmetic is the column path's (<c>Evaluator.RunEpisodes</c>: the policy's column passes, the rule, the
/// stepper's dynamics and bookkeeping), so every lane's return, length and disagreement are the same bit for bit
/// (tested). The disagreement is a count of differing actions (discrete), or Σ |clip(a) − clip(e)| summed in double
/// per lane, as the column path sums it (continuous).
/// </summary>
internal static class FusedEpisodes<TDyn, TRule> where TDyn : struct, IEnvDynamics where TRule : struct, IExpertRule
{
    /// <summary>
    /// Runs every lane of <paramref name="c"/> from its current (reset) state to the end of its episode. Acts with
    /// <paramref name="policy"/> when given, else with the rule; counts the steps where the actor's action differs from
    /// the rule's when <paramref name="withExpert"/>. Lane i's return, length and count go to index i of the spans.
    /// <paramref name="slots"/> is the block's scratch (sized for the batch).
    /// </summary>
    public static void Run(EnvColumns<float> c, SimdPath path, PolicyInference? policy, bool withExpert, EpisodeSlots slots,
        Span<double> returns, Span<double> lengths, Span<double> disagreement)
    {
        path = FusedGroupWidth.For(path, c.N);
        if (path == SimdPath.Vector512) Run<V512F32>(c, policy, withExpert, slots, returns, lengths, disagreement);
        // One Vector256 register per value, not two: the two-register lanes' operations, many of them in this method,
        // outran the JIT's inlining budget and ran as calls (the evaluation was 4× slower than on Vector512; now 2×).
        else if (path == SimdPath.Vector256) Run<V256F32>(c, policy, withExpert, slots, returns, lengths, disagreement);
        else Run<F32>(c, policy, withExpert, slots, returns, lengths, disagreement);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TL>(EnvColumns<float> c, PolicyInference? policy, bool withExpert, EpisodeSlots slots,
        Span<double> returns, Span<double> lengths, Span<double> disagreement) where TL : struct, ILane<TL, float>
    {
        slots.Begin(c.N);
        int steps = slots.Compacting ? EpisodeSlots.RoundSteps : int.MaxValue;
        while (true)
        {
            // Whole groups over the padded columns; slots past Live are masked out.
            int live = slots.Live;
            for (int i = 0; i < live; i += TL.Count)
            {
                int width = Math.Min(TL.Count, live - i);
                uint active = 0;
                for (int l = 0; l < width; l++) if (slots.Active[i + l]) active |= 1u << l;
                if (active == 0) continue;
                uint running = Group<TL>(c, i, active, steps, policy, withExpert, slots, returns, lengths, disagreement);
                for (uint ended = active & ~running; ended != 0; ended &= ended - 1)
                {
                    slots.Active[i + System.Numerics.BitOperations.TrailingZeroCount(ended)] = false;
                    slots.Running--;
                }
            }
            if (slots.Running == 0) return;
            slots.Compact(c.State, c.Elapsed, c.EpisodeReturn, TL.Count);
        }
    }

    // Slots [i, i + TL.Count) whose bits are set in `active`, for up to `steps` steps; returns the bits still running.
    // An ended lane's return, length and disagreement go to its lane's index; the others' state and counts are stored
    // back for the next round.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Group<TL>(EnvColumns<float> c, int i, uint active, int steps, PolicyInference? policy, bool withExpert, EpisodeSlots slots,
        Span<double> returns, Span<double> lengths, Span<double> disagreement) where TL : struct, ILane<TL, float>
    {
        int sn = TDyn.StateSize;
        EnvState<TL> s = default;
        s.S0 = TL.Load(ref c.State[0][i]);
        s.S1 = TL.Load(ref c.State[1][i]);
        if (sn > 2) s.S2 = TL.Load(ref c.State[2][i]);
        if (sn > 3) s.S3 = TL.Load(ref c.State[3][i]);
        TL one = TL.Const(1), zero = TL.Const(0), limit = TL.Const(c.MaxSteps);
        TL e = TL.Load(ref c.Elapsed[i]), g = TL.Load(ref c.EpisodeReturn[i]), count = TL.Load(ref slots.Count[i]);
        bool policyActs = policy is not null, needRule = !policyActs || withExpert, discrete = c.Discrete;
        TL lo = TL.Const(c.Spec.ActionLow), hi = TL.Const(c.Spec.ActionHigh);
        Span<float> ret = stackalloc float[TL.Count], len = stackalloc float[TL.Count], diff = stackalloc float[TL.Count];
        Span<double> dis = slots.Distance.AsSpan(i, TL.Count);
        for (int k = 0; k < steps && active != 0; k++)
        {
            TDyn.Observe(in s, out EnvObs<TL> o);
            TL rule = needRule ? TRule.Act(in o) : zero;
            TL a = policyActs ? policy!.GreedyAction(in o) : rule;
            if (withExpert)
            {
                if (discrete) count += TL.Select(TL.MaskFromBits(active), TL.Select(TL.Equal(a, rule), zero, one), zero);
                else
                {
                    // |clip(a) − clip(e)| in float32 (Math.Clamp's and Math.Abs's semantics), summed per lane in double.
                    TL.Store(Clip(a, lo, hi) - Clip(rule, lo, hi), ref diff[0]);
                    for (uint bits = active; bits != 0; bits &= bits - 1)
                    {
                        int lane = System.Numerics.BitOperations.TrailingZeroCount(bits);
                        dis[lane] += Math.Abs(diff[lane]);
                    }
                }
            }
            TDyn.Step(ref s, a, out TL r, out TL terminated);
            e += one;
            g += r;
            uint ended = (TL.MaskBits(terminated) | TL.MaskBits(TL.GreaterOrEqual(e, limit))) & active;
            if (ended == 0) continue;
            TL.Store(g, ref ret[0]);
            TL.Store(e, ref len[0]);
            TL.Store(count, ref diff[0]);
            for (uint bits = ended; bits != 0; bits &= bits - 1)
            {
                int slot = System.Numerics.BitOperations.TrailingZeroCount(bits), lane = slots.LaneOf[i + slot];
                returns[lane] = ret[slot];
                lengths[lane] = len[slot];
                disagreement[lane] = !withExpert ? 0.0 : discrete ? diff[slot] : dis[slot];
            }
            active &= ~ended;
        }
        if (active == 0) return 0;
        // The round ends with lanes still running: their state, step count, return and count for the next round.
        TL.Store(s.S0, ref c.State[0][i]);
        TL.Store(s.S1, ref c.State[1][i]);
        if (sn > 2) TL.Store(s.S2, ref c.State[2][i]);
        if (sn > 3) TL.Store(s.S3, ref c.State[3][i]);
        TL.Store(e, ref c.Elapsed[i]);
        TL.Store(g, ref c.EpisodeReturn[i]);
        TL.Store(count, ref slots.Count[i]);
        return active;
    }

    /// <summary>Math.Clamp's semantics on lanes: below lo gives lo, above hi gives hi, NaN passes through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Clip<TL>(TL x, TL lo, TL hi) where TL : struct, ILane<TL, float>
        => TL.Select(TL.LessThan(x, lo), lo, TL.Select(TL.GreaterThan(x, hi), hi, x));
}
