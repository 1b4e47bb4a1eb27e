using System.Runtime.CompilerServices;
using FastIL.Parallel;

namespace FastIL.Learning;

// Closed-form ridge regression for linear (mean squared error) policies.
public sealed partial class Trainer
{
    // The ridge's normal matrix is built row by row, the rows on the worker threads when there are any.
    private RidgeRows? _ridgeRows;
    [ThreadStatic] private static double[]? t_weightedColumn;

    /// <summary>
    /// Ridge regression in closed form: (XᵀWX/Σw + (λ/2)·D)·θ = XᵀWy/Σw with X = [φ, 1] and D = diag(1…1, 0), solved by
    /// Cholesky. Each entry of the normal matrix is one dot product over all rows, so the result is thread-independent:
    /// the rows of the matrix may be built on any threads.
    /// </summary>
    private void SolveRidge()
    {
        int f = _design.Features, p = f + 1;
        if (_pool is null) for (int k = 0; k <= f; k++) RidgeRow(k);
        else _pool.Run(_ridgeRows ??= new RidgeRows(this), p);
        Span<double> a = _chol.AsSpan(0, p * p);
        for (int k = 0; k < f; k++) a[k * p + k] += 0.5 * Options.L2;
        if (!Cholesky.Factor(a, p)) throw new ArithmeticException("the normal equations are singular: features are collinear; add --l2");
        Cholesky.Solve(a, p, _q.AsSpan(0, p), _theta.AsSpan(0, p));
    }

    /// <summary>
    /// Row <paramref name="k"/> of the normal matrix (entries (k, l) and (l, k) for l ≤ k, which no other row writes) and
    /// of the right side: four dot products at a time (<see cref="OrderedDot.Dot4"/>, each with <see cref="OrderedDot.Dot"/>'s
    /// bits), then the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RidgeRow(int k)
    {
        int f = _design.Features, p = f + 1, n = _design.N;
        double inv = 1.0 / _design.WeightSum;
        Span<double> a = _chol.AsSpan(0, p * p);
        ReadOnlySpan<double> wxk;
        if (k < f && !_design.Weighted) wxk = _design.Phi[k].AsSpan(0, n);
        else
        {
            // w·φ_k, the weights alone (the bias column), or ones, in this thread's scratch.
            if (t_weightedColumn is null || t_weightedColumn.Length < n) t_weightedColumn = new double[Math.Max(n, _design.Phi.Length > 0 ? _design.Phi[0].Length : n)];
            Span<double> column = t_weightedColumn.AsSpan(0, n);
            if (k < f) ColumnOps.Multiply(_design.Phi[k].AsSpan(0, n), _design.W.AsSpan(0, n), column);
            else if (_design.Weighted) _design.W.AsSpan(0, n).CopyTo(column);
            else column.Fill(1.0);
            wxk = column;
        }
        Span<double> four = stackalloc double[4];
        int l = 0;
        for (int last = Math.Min(k, f - 1); l + 3 <= last; l += 4)
        {
            OrderedDot.Dot4(wxk, _design.Phi[l].AsSpan(0, n), _design.Phi[l + 1].AsSpan(0, n), _design.Phi[l + 2].AsSpan(0, n), _design.Phi[l + 3].AsSpan(0, n), four);
            for (int j = 0; j < 4; j++) a[k * p + l + j] = a[(l + j) * p + k] = four[j] * inv;
        }
        for (; l <= k; l++)
        {
            double v = l < f ? OrderedDot.Dot(wxk, _design.Phi[l].AsSpan(0, n)) : OrderedDot.Sum(wxk);
            a[k * p + l] = a[l * p + k] = v * inv;
        }
        _q[k] = OrderedDot.Dot(wxk, _design.Y.AsSpan(0, n)) * inv;
    }

    /// <summary>The rows of the normal matrix as a pool job, the longest (last) rows first so that the threads finish together.</summary>
    private sealed class RidgeRows(Trainer trainer) : IChunkJob
    {
        public void ExecuteChunk(int chunk) => trainer.RidgeRow(trainer._design.Features - chunk);
    }
}
