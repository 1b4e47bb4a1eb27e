using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.MathKernels;
using FastIL.Policies;

namespace FastIL.Learning;

// The row kernels of one block: objective, gradient and Hessian sums (SIMD, span and scalar reference paths), run by
// the block driver of Trainer.BlockDriver.cs. The two-class kernel is in Trainer.BinaryKernel.cs.
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

    /// <summary>
    /// The fused kernel for softmax policies with three or more classes (two-class problems take
    /// <see cref="BinaryRows"/>) without an entropy bonus: for four rows at a time it computes the
    /// logits, a stable log-sum-exp, the weighted NLL, the greedy hit, the residuals w·(p − onehot(y)), their
    /// products with the features (the gradient) and, for Newton, the Hessian sums — one pass over the data instead of
    /// dozens. Returns the number of rows handled (a multiple of four); <see cref="SpanRows{TLoss}"/> does the rest.
    /// </summary>
    private int FusedRows<TF>(Span<double> part, int r0, int len) where TF : struct, IDim
    {
        int n4 = len & ~3;
        if (n4 == 0) return 0;
        int rows = _design.Rows, classes = rows, f = TF.Value > 0 ? TF.Value : _design.Features, fe = f + 1, p = rows * f + rows;
        int pairsRS = HessianPairsRS, pairsAB = HessianPairsAB;
        double[] theta = _evalTheta;
        Span<double> gacc = GradientAccumulators(rows * fe * 4);
        Span<double> hacc = _withHessian ? HessianAccumulators() : default;
        Span<double> z = stackalloc double[classes * 4];
        Span<double> phiv = stackalloc double[fe * 4];
        Span<double> cv = stackalloc double[pairsRS * 4];
        ref double g0 = ref MemoryMarshal.GetReference(gacc);
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double pv = ref MemoryMarshal.GetReference(phiv);
        ref double th = ref MemoryMarshal.GetArrayDataReference(theta);
        ref int lab = ref MemoryMarshal.GetArrayDataReference(_design.Labels);
        double[][] cols = _design.Phi;
        var lossAcc = Vector256<double>.Zero;
        var hits = Vector256<double>.Zero;
        var one = Vector256<double>.One;
        var sProduct = one;
        int pending = 0;
        for (int i = 0; i < n4; i += 4)
        {
            int row = r0 + i;
            for (int a = 0; a < f; a++) Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(cols[a]), (nuint)row).StoreUnsafe(ref pv, (nuint)(a * 4));
            one.StoreUnsafe(ref pv, (nuint)(f * 4));
            for (int r = 0; r < rows; r++)
            {
                var acc = Vector256.Create(Unsafe.Add(ref th, rows * f + r));
                for (int k = 0; k < f; k++) acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pv, (nuint)(k * 4)), Vector256.Create(Unsafe.Add(ref th, r * f + k)), acc);
                acc.StoreUnsafe(ref zr, (nuint)(r * 4));
            }
            var y = Vector256.ConvertToDouble(Vector256.WidenLower(Vector128.LoadUnsafe(ref lab, (nuint)row).ToVector256Unsafe()));
            var m = Vector256.LoadUnsafe(ref zr);
            for (int c = 1; c < classes; c++) m = Vector256.Max(m, Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)));
            var zy = Vector256<double>.Zero;
            for (int c = 0; c < classes; c++)
                zy = Vector256.ConditionalSelect(Vector256.Equals(y, Vector256.Create((double)c)), Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)), zy);
            // Greedy hit: y is the first maximum (classes before y strictly below, after y not above).
            var ok = Vector256<double>.AllBitsSet;
            for (int c = 0; c < classes; c++)
            {
                var zc = Vector256.LoadUnsafe(ref zr, (nuint)(c * 4));
                var before = Vector256.GreaterThan(y, Vector256.Create((double)c));
                var isY = Vector256.Equals(y, Vector256.Create((double)c));
                var cond = Vector256.ConditionalSelect(before, Vector256.LessThan(zc, zy), Vector256.LessThanOrEqual(zc, zy));
                ok &= cond | isY;
            }
            hits += one & ok;
            // e_c = exp(z_c − m), each once.
            var s = Vector256<double>.Zero;
            for (int c = 0; c < classes; c++)
            {
                var e = FastExp.ExpNonPositive(Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)) - m);
                e.StoreUnsafe(ref zr, (nuint)(c * 4));
                s += e;
            }
            var w = _design.Weighted ? Vector256.LoadUnsafe(ref _design.W[row]) : one;
            // −log p_y = log s − (z_y − m). Unweighted, the logs of eight groups are taken at once as the log of the
            // product of their s (each in [1, K], so the product cannot overflow).
            lossAcc -= w * (zy - m);
            if (_design.Weighted) lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.Log(s), lossAcc);
            else
            {
                sProduct *= s;
                if (++pending == 8) { lossAcc += Vector256.Log(sProduct); sProduct = one; pending = 0; }
            }
            // Probabilities p_c = e_c / s, into z (overwriting the logits).
            var invS = one / s;
            for (int c = 0; c < classes; c++) (Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)) * invS).StoreUnsafe(ref zr, (nuint)(c * 4));
            if (_withHessian)
            {
                int k = 0;
                for (int r = 0; r < rows; r++)
                {
                    var pr = Vector256.LoadUnsafe(ref z[r * 4]);
                    for (int s2 = r; s2 < rows; s2++, k++)
                    {
                        var ps = Vector256.LoadUnsafe(ref z[s2 * 4]);
                        (w * (r == s2 ? pr * (one - ps) : -(pr * ps))).StoreUnsafe(ref cv[k * 4]);
                    }
                }
                ref double h0 = ref MemoryMarshal.GetReference(hacc);
                int ab = 0;
                for (int a = 0; a < fe; a++)
                {
                    var pa = Vector256.LoadUnsafe(ref phiv[a * 4]);
                    for (int b = a; b < fe; b++, ab++)
                    {
                        var prod = pa * Vector256.LoadUnsafe(ref phiv[b * 4]);
                        for (int rs = 0; rs < pairsRS; rs++)
                        {
                            ref double slot = ref Unsafe.Add(ref h0, (rs * pairsAB + ab) * 4);
                            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref cv[rs * 4]), prod, Vector256.LoadUnsafe(ref slot)).StoreUnsafe(ref slot);
                        }
                    }
                }
            }
            for (int r = 0; r < rows; r++)
            {
                var res = w * (Vector256.LoadUnsafe(ref zr, (nuint)(r * 4)) - (one & Vector256.Equals(y, Vector256.Create((double)r))));
                for (int a = 0; a < fe; a++)
                {
                    ref double slot = ref Unsafe.Add(ref g0, (r * fe + a) * 4);
                    Vector256.FusedMultiplyAdd(res, Vector256.LoadUnsafe(ref pv, (nuint)(a * 4)), Vector256.LoadUnsafe(ref slot)).StoreUnsafe(ref slot);
                }
            }
        }
        if (pending > 0) lossAcc += Vector256.Log(sProduct);
        part[0] += Vector256.Sum(lossAcc);
        part[1] += Vector256.Sum(hits);
        Span<double> grad = part.Slice(2, p);
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < f; k++) grad[r * f + k] += HSum(gacc, (r * fe + k) * 4);
            grad[rows * f + r] += HSum(gacc, (r * fe + f) * 4);
        }
        return n4;
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
