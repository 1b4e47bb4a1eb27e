
namespace FastIL.Learning;

// Minibatch Adam over the fixed row blocks.
public sealed partial class Trainer
{
    /// <summary>
    /// Minibatch Adam (Kingma &amp; Ba): one block of rows per step, blocks visited in a seeded shuffled order each
    /// epoch; the minibatch gradient is the block's mean loss gradient plus λ·W. After each epoch the full gradient is
    /// checked against the tolerance.
    /// </summary>
    private (int Iterations, bool Converged) Adam(int p)
    {
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        Array.Clear(_adamM); Array.Clear(_adamV);
        _reuse.Forget();   // the steps below rewrite single blocks' partials at other parameters
        int nw = _design.Rows * _design.Features, steps = 0;
        Span<double> g = _gNew.AsSpan(0, p);
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            for (int b = 0; b < _design.Blocks; b++) _order[b] = b;
            for (int b = _design.Blocks - 1; b > 0; b--)   // Fisher–Yates with counter-based draws
            {
                int j = (int)(Random.CounterRng.Bits(Options.Seed, (ulong)epoch, (ulong)b, 0xADA) % (ulong)(b + 1));
                (_order[b], _order[j]) = (_order[j], _order[b]);
            }
            for (int k = 0; k < _design.Blocks; k++)
            {
                int block = _order[k];
                _evalTheta = _theta;
                ExecuteChunk(block);
                ReadOnlySpan<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
                double rows = Math.Min(_design.N, (block + 1) * BlockRows) - block * BlockRows;
                double wsum = rows;
                if (_design.Weighted) { wsum = 0; for (int i = block * BlockRows; i < block * BlockRows + rows; i++) wsum += _design.W[i]; }
                if (!(wsum > 0)) continue;
                ParameterOps.Multiply(part.Slice(2, p), 1.0 / wsum, g);
                if (Options.L2 > 0) ParameterOps.MultiplyAdd(_theta.AsSpan(0, nw), Options.L2, g[..nw], g[..nw]);
                steps++;
                double c1 = 1 - Math.Pow(b1, steps), c2 = 1 - Math.Pow(b2, steps);
                for (int i = 0; i < p; i++)
                {
                    _adamM[i] = b1 * _adamM[i] + (1 - b1) * g[i];
                    _adamV[i] = b2 * _adamV[i] + (1 - b2) * g[i] * g[i];
                    _theta[i] -= Options.LearningRate * (_adamM[i] / c1) / (Math.Sqrt(_adamV[i] / c2) + eps);
                }
            }
            Evaluate(_theta, _g, out _);
            if (Math.Sqrt(SquaredNorm(_g.AsSpan(0, p))) <= Options.GradientTolerance) return (epoch + 1, true);
        }
        return (Options.Epochs, false);
    }
}
