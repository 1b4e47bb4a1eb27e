
namespace FastIL.Learning;

// The trainer as a block objective, for minibatch Adam (AdamSolver.cs).
public sealed partial class Trainer : IBlockObjective
{
    int IBlockObjective.Blocks => _design.Blocks;

    /// <summary>Block <paramref name="block"/>'s mean loss gradient at <paramref name="x"/>, plus λ·W, into <paramref name="g"/>.</summary>
    bool IBlockObjective.BlockGradient(double[] x, int block, Span<double> g)
    {
        // The block's partials are rewritten at other parameters (and without Hessian sums): no later evaluation may
        // take over the sums recorded before.
        _reuse.Forget();
        int p = x.Length;
        _evalTheta = x;
        ExecuteChunk(block);
        ReadOnlySpan<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
        int first = block * BlockRows, rows = Math.Min(_design.N, first + BlockRows) - first;
        double wsum = rows;
        if (_design.Weighted) { wsum = 0; for (int i = first; i < first + rows; i++) wsum += _design.W[i]; }
        if (!(wsum > 0)) return false;
        ParameterOps.Multiply(part.Slice(2, p), 1.0 / wsum, g);
        int nw = _design.Rows * _design.Features;
        if (Options.L2 > 0) ParameterOps.MultiplyAdd(x.AsSpan(0, nw), Options.L2, g[..nw], g[..nw]);
        return true;
    }
}
