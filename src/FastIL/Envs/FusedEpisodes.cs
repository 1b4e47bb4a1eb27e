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
/// path) keeps its state, return, length and count in registers from reset to the end of its last episode: per step
/// observe → act → expert action → env step, with no pass over the batch's columns and no hand-off between steps.
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
    /// </summary>
    public static void Run(EnvColumns<float> c, SimdPath path, PolicyInference? policy, bool withExpert,
        Span<double> returns, Span<double> lengths, Span<double> disagreement)
    {
        path = FusedGroupWidth.For(path, c.N);
        if (path == SimdPath.Vector512) Run<V512F32>(c, policy, withExpert, returns, lengths, disagreement);
        // One Vector256 register per value, not two: the two-register lanes' operations, many of them in this method,
        // outran the JIT's inlining budget and ran as calls (the evaluation was 4× slower than on Vector512; now 2×).
        else if (path == SimdPath.Vector256) Run<V256F32>(c, policy, withExpert, returns, lengths, disagreement);
        else Run<F32>(c, policy, withExpert, returns, lengths, disagreement);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TL>(EnvColumns<float> c, PolicyInference? policy, bool withExpert,
        Span<double> returns, Span<double> lengths, Span<double> disagreement) where TL : struct, ILane<TL, float>
    {
        int n = c.N;
        // Whole blocks over the padded columns; lanes past N are masked out from the start.
        for (int i = 0; i < n; i += TL.Count)
        {
            uint valid = (uint)((1ul << Math.Min(TL.Count, n - i)) - 1);
            Block<TL>(c, i, valid, policy, withExpert, returns, lengths, disagreement);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TL>(EnvColumns<float> c, int i, uint valid, PolicyInference? policy, bool withExpert,
        Span<double> returns, Span<double> lengths, Span<double> disagreement) where TL : struct, ILane<TL, float>
    {
        int sn = TDyn.StateSize;
        EnvState<TL> s = default;
        s.S0 = TL.Load(ref c.State[0][i]);
        s.S1 = TL.Load(ref c.State[1][i]);
        if (sn > 2) s.S2 = TL.Load(ref c.State[2][i]);
        if (sn > 3) s.S3 = TL.Load(ref c.State[3][i]);
        TL one = TL.Const(1), zero = TL.Const(0), limit = TL.Const(c.MaxSteps);
        TL e = TL.Load(ref c.Elapsed[i]), g = TL.Load(ref c.EpisodeReturn[i]), count = zero;
        bool policyActs = policy is not null, needRule = !policyActs || withExpert, discrete = c.Discrete;
        TL lo = TL.Const(c.Spec.ActionLow), hi = TL.Const(c.Spec.ActionHigh);
        uint active = valid;
        Span<float> ret = stackalloc float[TL.Count], len = stackalloc float[TL.Count], diff = stackalloc float[TL.Count];
        Span<double> dis = stackalloc double[TL.Count];
        while (active != 0)
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
            for (uint bits = ended; bits != 0; bits &= bits - 1)
            {
                int lane = System.Numerics.BitOperations.TrailingZeroCount(bits);
                returns[i + lane] = ret[lane];
                lengths[i + lane] = len[lane];
            }
            active &= ~ended;
        }
        Span<float> counts = ret;
        TL.Store(count, ref counts[0]);
        for (uint bits = valid; bits != 0; bits &= bits - 1)
        {
            int lane = System.Numerics.BitOperations.TrailingZeroCount(bits);
            disagreement[i + lane] = !withExpert ? 0.0 : discrete ? counts[lane] : dis[lane];
        }
    }

    /// <summary>Math.Clamp's semantics on lanes: below lo gives lo, above hi gives hi, NaN passes through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Clip<TL>(TL x, TL lo, TL hi) where TL : struct, ILane<TL, float>
        => TL.Select(TL.LessThan(x, lo), lo, TL.Select(TL.GreaterThan(x, hi), hi, x));
}
