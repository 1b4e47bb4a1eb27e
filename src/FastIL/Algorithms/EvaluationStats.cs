namespace FastIL.Algorithms;

/// <summary>
/// Statistics of a batch of evaluation episodes, shared by the CPU evaluator and the device kernels so both sum in
/// the same order (lane by lane) and report identical figures for identical episodes.
/// </summary>
public static class EvaluationStats
{
    /// <summary>
    /// Returns, lengths and, when <paramref name="withExpert"/>, each lane's summed disagreement (steps where the
    /// actions differ, or Σ|clip(a) − clip(e)|); ε = their total over the visited states (Σ lengths).
    /// </summary>
    public static EvaluationResult Summarize(ReadOnlySpan<double> returns, ReadOnlySpan<double> lengths, ReadOnlySpan<double> disagreement, bool withExpert)
    {
        int n = returns.Length;
        double mean = 0, min = double.PositiveInfinity, max = double.NegativeInfinity, len = 0, maxLen = 0, dis = 0;
        for (int i = 0; i < n; i++)
        {
            mean += returns[i]; len += lengths[i];
            min = Math.Min(min, returns[i]); max = Math.Max(max, returns[i]); maxLen = Math.Max(maxLen, lengths[i]);
            if (withExpert) dis += disagreement[i];
        }
        double visited = len;
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) var += (returns[i] - mean) * (returns[i] - mean);
        return new EvaluationResult(n, mean, Math.Sqrt(var / n), min, max, len / n, withExpert ? dis / visited : double.NaN, (long)maxLen * n);
    }
}
