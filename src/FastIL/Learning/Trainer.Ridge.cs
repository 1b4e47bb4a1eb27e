using System.Runtime.CompilerServices;

namespace FastIL.Learning;

// Closed-form ridge regression for linear (mean squared error) policies.
public sealed partial class Trainer
{
    /// <summary>
    /// Ridge regression in closed form: (XᵀWX/Σw + (λ/2)·D)·θ = XᵀWy/Σw with X = [φ, 1] and D = diag(1…1, 0), solved by
    /// Cholesky. Each entry of the normal matrix is one dot product over all rows, so the result is thread-independent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SolveRidge()
    {
        int f = _features, p = f + 1;
        double inv = 1.0 / _weightSum;
        Span<double> a = _chol.AsSpan(0, p * p);
        Span<double> rhs = _q.AsSpan(0, p);
        double[] tmp = EnsureScratch();
        Span<double> four = stackalloc double[4];
        for (int k = 0; k <= f; k++)
        {
            ReadOnlySpan<double> xk = k < f ? _phi[k].AsSpan(0, _n) : default;
            Span<double> wxk = tmp.AsSpan(0, _n);
            if (k < f) { if (_weighted) ColumnOps.Multiply(xk, _w.AsSpan(0, _n), wxk); else xk.CopyTo(wxk); }
            else { if (_weighted) _w.AsSpan(0, _n).CopyTo(wxk); else wxk.Fill(1.0); }
            // Row k of the normal matrix: four dot products at a time (each with OrderedDot.Dot's bits), then the rest.
            int l = 0;
            for (int last = Math.Min(k, f - 1); l + 3 <= last; l += 4)
            {
                OrderedDot.Dot4(wxk, _phi[l].AsSpan(0, _n), _phi[l + 1].AsSpan(0, _n), _phi[l + 2].AsSpan(0, _n), _phi[l + 3].AsSpan(0, _n), four);
                for (int j = 0; j < 4; j++) a[k * p + l + j] = a[(l + j) * p + k] = four[j] * inv;
            }
            for (; l <= k; l++)
            {
                double v = l < f ? OrderedDot.Dot(wxk, _phi[l].AsSpan(0, _n)) : OrderedDot.Sum(wxk);
                a[k * p + l] = a[l * p + k] = v * inv;
            }
            rhs[k] = OrderedDot.Dot(wxk, _y.AsSpan(0, _n)) * inv;
        }
        for (int k = 0; k < f; k++) a[k * p + k] += 0.5 * Options.L2;
        if (!Cholesky.Factor(a, p)) throw new ArithmeticException("the normal equations are singular: features are collinear; add --l2");
        Cholesky.Solve(a, p, rhs, _theta.AsSpan(0, p));
    }
}
