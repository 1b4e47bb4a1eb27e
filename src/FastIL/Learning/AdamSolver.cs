namespace FastIL.Learning;

/// <summary>
/// Minibatch Adam (Kingma &amp; Ba): one block of rows per step, blocks visited in a seeded shuffled order each epoch;
/// after each epoch the full gradient is checked against the tolerance. Its moments and visiting order are its own
/// workspace, grown once and kept, so a solve allocates nothing after the first of a size. Deterministic: the shuffle
/// draws are counter-based (seed, epoch, position), independent of threads.
/// </summary>
internal sealed class AdamSolver
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private double[] _m = [], _v = [];
    private int[] _order = [];

    /// <summary>
    /// Minimizes from <paramref name="x"/> in place for up to <paramref name="epochs"/> epochs at step size
    /// <paramref name="learningRate"/>; the full gradient at the last iterate ends in <paramref name="g"/>, and
    /// <paramref name="scratch"/> (p values) holds the minibatch gradients. Returns the epochs run and whether the
    /// full gradient met <paramref name="tolerance"/>.
    /// </summary>
    public (int Iterations, bool Converged) Minimize(IBlockObjective objective, int p, double[] x, double[] g, double[] scratch,
        int epochs, double learningRate, ulong seed, double tolerance)
    {
        if (_m.Length != p) { _m = new double[p]; _v = new double[p]; }
        else { Array.Clear(_m); Array.Clear(_v); }
        int blocks = objective.Blocks;
        if (_order.Length < blocks) _order = new int[blocks];
        Span<double> gb = scratch.AsSpan(0, p);
        int steps = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int b = 0; b < blocks; b++) _order[b] = b;
            for (int b = blocks - 1; b > 0; b--)   // Fisher–Yates with counter-based draws
            {
                int j = (int)(Random.CounterRng.Bits(seed, (ulong)epoch, (ulong)b, 0xADA) % (ulong)(b + 1));
                (_order[b], _order[j]) = (_order[j], _order[b]);
            }
            for (int k = 0; k < blocks; k++)
            {
                if (!objective.BlockGradient(x, _order[k], gb)) continue;
                steps++;
                double c1 = 1 - Math.Pow(Beta1, steps), c2 = 1 - Math.Pow(Beta2, steps);
                for (int i = 0; i < p; i++)
                {
                    _m[i] = Beta1 * _m[i] + (1 - Beta1) * gb[i];
                    _v[i] = Beta2 * _v[i] + (1 - Beta2) * gb[i] * gb[i];
                    x[i] -= learningRate * (_m[i] / c1) / (Math.Sqrt(_v[i] / c2) + Epsilon);
                }
            }
            objective.Value(x, g);
            if (Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p))) <= tolerance) return (epoch + 1, true);
        }
        return (epochs, false);
    }
}
