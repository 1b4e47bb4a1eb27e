using System.Runtime.CompilerServices;
using FastIL.Policies;

namespace FastIL.Learning;

// The general row kernels of one block (the span kernel and the scalar reference, over the losses of
// Trainer.Losses.cs), run by the block driver of Trainer.BlockDriver.cs, and the Hessian accumulators they share with
// the fused kernels (Trainer.BinaryKernel.cs for two classes, Trainer.MultiClassKernel.cs for more).
public sealed partial class Trainer
{
    /// <summary>
    /// The span-based block kernel (a vector pass per column) for any shape: the logits of rows [<paramref name="r0"/>,
    /// <paramref name="r0"/> + <paramref name="len"/>), the loss's terms and residuals (<typeparamref name="TLoss"/>),
    /// and the gradient sums, accumulated into <paramref name="part"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SpanRows<TLoss>(Span<double> part, int r0, int len) where TLoss : struct, ILoss
    {
        double[] theta = _evalTheta;
        int classes = _design.Kind == PolicyKind.Logistic ? 2 : _design.Rows;
        if (t_logits is null || t_logits.Length < classes) t_logits = new double[Math.Max(classes, 4)][];
        for (int c = 0; c < classes; c++) t_logits[c] ??= new double[BlockRows];
        t_m ??= new double[BlockRows];
        t_s ??= new double[BlockRows];
        double[][] l = t_logits;
        Span<double> m = t_m.AsSpan(0, len), s = t_s.AsSpan(0, len);

        // Logits z_r = b_r + Σ_k θ[r·F + k]·φ_k. For logistic, class 0 is pinned at 0 and row 0 drives class 1.
        int first = _design.Kind == PolicyKind.Logistic ? 1 : 0;
        if (first == 1) l[0].AsSpan(0, len).Clear();
        for (int r = 0; r < _design.Rows; r++)
        {
            Span<double> z = l[r + first].AsSpan(0, len);
            z.Fill(theta[_design.Rows * _design.Features + r]);
            for (int k = 0; k < _design.Features; k++) ColumnOps.MultiplyAdd(_design.Phi[k].AsSpan(r0, len), theta[r * _design.Features + k], z);
        }

        TLoss.AddColumnTerms(this, part, l, m, s, first, classes, r0, len);
        AccumulateGradient(part, l, first, r0, len);
    }

    /// <summary>
    /// The scalar reference of the block driver (<see cref="RunBlock"/>): the same objective row by row with plain loops and
    /// <see cref="Math.Exp"/> (the losses' row forms), no SIMD, no shared helpers.
    /// </summary>
    private void ScalarRows<TLoss>(int block) where TLoss : struct, ILoss
    {
        int r0 = block * BlockRows, r1 = Math.Min(_design.N, r0 + BlockRows);
        double[] theta = _evalTheta;
        Span<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
        part.Clear();
        Span<double> grad = part[2..];
        int classes = _design.Kind == PolicyKind.Logistic ? 2 : _design.Rows, first = _design.Kind == PolicyKind.Logistic ? 1 : 0;
        Span<double> l = stackalloc double[Math.Max(classes, 1)];
        Span<double> res = stackalloc double[Math.Max(classes, 1)];
        double loss = 0, correct = 0;
        for (int i = r0; i < r1; i++)
        {
            double w = _design.Weighted ? _design.W[i] : 1.0;
            l.Clear();
            for (int r = 0; r < _design.Rows; r++)
            {
                double z = theta[_design.Rows * _design.Features + r];
                for (int k = 0; k < _design.Features; k++) z += theta[r * _design.Features + k] * _design.Phi[k][i];
                l[r + first] = z;
            }
            TLoss.AddRowTerms(this, l, res, i, w, classes, ref loss, ref correct);
            for (int r = 0; r < _design.Rows; r++)
            {
                double g = res[r + first];
                for (int k = 0; k < _design.Features; k++) grad[r * _design.Features + k] += g * _design.Phi[k][i];
                grad[_design.Rows * _design.Features + r] += g;
            }
        }
        part[0] = loss;
        part[1] = correct;
    }

    [ThreadStatic] private static double[]? t_hacc, t_gacc;

    // Unique Hessian sums of one block: for free-row pairs r ≤ s and extended-feature pairs a ≤ b, four lanes each
    // (the fused kernel's Vector256 lanes; the scalar path adds into lane 0).
    // A two-class softmax needs one row pair, not three: p₁ = 1 − p₀ makes the weights p₀(1 − p₀), −p₀p₁ and p₁(1 − p₁)
    // equal up to sign, so its Hessian is [[B, −B], [−B, B]] with one block B (a third of the work per row).
    private bool TwoClassSoftmax => _design.Kind == PolicyKind.Softmax && _design.Rows == 2;

    private int HessianPairsRS => TwoClassSoftmax ? 1 : _design.Rows * (_design.Rows + 1) / 2;

    private int HessianPairsAB => (_design.Features + 1) * (_design.Features + 2) / 2;

    /// <summary>The calling thread's gradient accumulators (<paramref name="length"/> doubles), cleared.</summary>
    private static Span<double> GradientAccumulators(int length)
    {
        if (t_gacc is null || t_gacc.Length < length) t_gacc = new double[Math.Max(length, 64)];
        Span<double> gacc = t_gacc.AsSpan(0, length);
        gacc.Clear();
        return gacc;
    }

    private Span<double> HessianAccumulators()
    {
        int n = HessianPairsRS * HessianPairsAB * 4;
        if (t_hacc is null || t_hacc.Length < n) t_hacc = new double[Math.Max(n, 64)];
        return t_hacc.AsSpan(0, n);
    }

    /// <summary>
    /// Scalar Hessian accumulation for rows of the span path: Σ_i w_i·(p_r·[r = s] − p_r·p_s)·φ̃_a·φ̃_b for free rows
    /// r ≤ s and extended features a ≤ b (φ and the bias 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateHessian(Span<double> part, double[][] prob, int first, int classes, int r0, int len)
    {
        int rows = _design.Rows, f = _design.Features, fe = f + 1, pairsAB = HessianPairsAB;
        Span<double> acc = HessianAccumulators();
        Span<double> c = stackalloc double[HessianPairsRS];
        Span<double> phi = stackalloc double[fe];
        for (int i = 0; i < len; i++)
        {
            double w = _design.Weighted ? _design.W[r0 + i] : 1.0;
            int k = 0;
            if (TwoClassSoftmax) c[0] = w * (prob[0][i] * prob[1][i]);
            else
                for (int r = 0; r < rows; r++)
                    for (int s2 = r; s2 < rows; s2++, k++)
                    {
                        double pr = prob[r + first][i], ps = prob[s2 + first][i];
                        c[k] = w * (r == s2 ? pr * (1 - ps) : -(pr * ps));
                    }
            for (int a = 0; a < f; a++) phi[a] = _design.Phi[a][r0 + i];
            phi[f] = 1.0;
            int ab = 0;
            for (int a = 0; a < fe; a++)
                for (int b = a; b < fe; b++, ab++)
                {
                    double m = phi[a] * phi[b];
                    for (int rs = 0; rs < c.Length; rs++) acc[(rs * pairsAB + ab) * 4] += c[rs] * m;
                }
        }
    }

    /// <summary>Sums the lanes of the block's Hessian accumulators and writes the full symmetric P×P matrix into its slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StoreHessian(Span<double> part)
    {
        int rows = _design.Rows, f = _design.Features, fe = f + 1, p = rows * f + rows, pairsAB = HessianPairsAB;
        Span<double> acc = HessianAccumulators();
        Span<double> h = part.Slice(2 + p, p * p);
        int kk = 0;
        bool twoClass = TwoClassSoftmax;
        for (int r = 0; r < rows; r++)
            for (int s2 = r; s2 < rows; s2++, kk++)
            {
                int ab = 0, slot = twoClass ? 0 : kk;
                double sign = twoClass && r != s2 ? -1.0 : 1.0;
                for (int a = 0; a < fe; a++)
                    for (int b = a; b < fe; b++, ab++)
                    {
                        int o = (slot * pairsAB + ab) * 4;
                        double v = sign * ((acc[o] + acc[o + 1]) + (acc[o + 2] + acc[o + 3]));
                        int ia = a < f ? r * f + a : rows * f + r, ib = b < f ? s2 * f + b : rows * f + s2;
                        int ja = a < f ? s2 * f + a : rows * f + s2, jb = b < f ? r * f + b : rows * f + r;
                        h[ia * p + ib] = v; h[ib * p + ia] = v; // (r,a)-(s,b)
                        h[ja * p + jb] = v; h[jb * p + ja] = v; // (s,a)-(r,b): the same sum with a and b swapped
                    }
            }
    }

    private static double HSum(ReadOnlySpan<double> v, int o) => (v[o] + v[o + 1]) + (v[o + 2] + v[o + 3]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateGradient(Span<double> part, double[][] residual, int first, int r0, int len)
    {
        Span<double> grad = part[2..];
        for (int r = 0; r < _design.Rows; r++)
        {
            ReadOnlySpan<double> g = residual[r + first].AsSpan(0, len);
            for (int k = 0; k < _design.Features; k++) grad[r * _design.Features + k] += OrderedDot.Dot(g, _design.Phi[k].AsSpan(r0, len));
            grad[_design.Rows * _design.Features + r] += OrderedDot.Sum(g);
        }
    }
}
