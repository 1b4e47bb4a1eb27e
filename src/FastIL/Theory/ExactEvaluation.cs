namespace FastIL.Theory;

/// <summary>
/// Exact finite-horizon evaluation of deterministic policies on a <see cref="FiniteMdp"/> by dynamic programming: no
/// sampling, so value gaps and error rates are exact up to floating-point rounding. Policies are action tables
/// indexed by state. Horizon H means steps t = 0 … H − 1.
/// </summary>
public static class ExactEvaluation
{
    /// <summary>What a forward pass of one actor measures.</summary>
    /// <param name="Value">Expected return over H steps, Σ_t E_{s∼d_t}[r(s, actor(s))].</param>
    /// <param name="Disagreement">
    /// (1/H) Σ_t P_{s∼d_t}(actor(s) ≠ other(s)) under the actor's own state distributions d_t.
    /// </param>
    public readonly record struct Pass(double Value, double Disagreement);

    /// <summary>
    /// Propagates the state distribution of <paramref name="actor"/> for <paramref name="horizon"/> steps, summing
    /// its expected reward and how often it disagrees with <paramref name="other"/> on the states it visits.
    /// </summary>
    public static Pass Forward(FiniteMdp mdp, ReadOnlySpan<int> actor, ReadOnlySpan<int> other, int horizon)
    {
        Check(mdp, actor, "actor");
        Check(mdp, other, "other");
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be ≥ 1");
        int n = mdp.StateCount, a = mdp.ActionCount;
        var d = (double[])mdp.Initial.Clone();
        var next = new double[n];
        double value = 0, disagree = 0;
        for (int t = 0; t < horizon; t++)
        {
            Array.Clear(next);
            for (int s = 0; s < n; s++)
            {
                double p = d[s];
                if (p == 0) continue;
                int row = s * a + actor[s];
                value += p * mdp.Reward[row];
                if (actor[s] != other[s]) disagree += p;
                for (int e = mdp.Offsets[row]; e < mdp.Offsets[row + 1]; e++) next[mdp.Next[e]] += p * mdp.Probability[e];
            }
            (d, next) = (next, d);
        }
        return new Pass(value, disagree / horizon);
    }

    /// <summary>
    /// The recoverability constant u = max over t, s, a of V*_t(s) − Q*_t(s, a), where V* and Q* are the expert's
    /// values with t steps done (backward induction). One wrong action costs the expert's continuation at most u, so
    /// by the performance-difference lemma any policy's gap is at most u·H·ε_own (ε_own: its disagreement with the
    /// expert on its own states): the bound DAgger's analysis builds on.
    /// </summary>
    public static double Recoverability(FiniteMdp mdp, ReadOnlySpan<int> expert, int horizon)
    {
        Check(mdp, expert, "expert");
        int n = mdp.StateCount, a = mdp.ActionCount;
        var v = new double[n];      // V*_{t+1}, starting from V*_H = 0
        var vt = new double[n];
        double u = 0;
        for (int t = horizon - 1; t >= 0; t--)
        {
            for (int s = 0; s < n; s++)
            {
                double qe = Q(mdp, v, s, expert[s]);
                vt[s] = qe;
                for (int b = 0; b < a; b++) u = Math.Max(u, qe - Q(mdp, v, s, b));
            }
            (v, vt) = (vt, v);
        }
        return u;
    }

    private static double Q(FiniteMdp mdp, double[] vNext, int s, int action)
    {
        int row = s * mdp.ActionCount + action;
        double q = mdp.Reward[row];
        for (int e = mdp.Offsets[row]; e < mdp.Offsets[row + 1]; e++) q += mdp.Probability[e] * vNext[mdp.Next[e]];
        return q;
    }

    private static void Check(FiniteMdp mdp, ReadOnlySpan<int> table, string name)
    {
        if (table.Length != mdp.StateCount) throw new ArgumentException($"{name} table has {table.Length} entries; the MDP has {mdp.StateCount} states");
        for (int s = 0; s < table.Length; s++)
            if ((uint)table[s] >= (uint)mdp.ActionCount) throw new ArgumentException($"{name} table: state {s} has action {table[s]}, outside [0, {mdp.ActionCount - 1}]");
    }
}
