using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.MathKernels;
using FastIL.Policies;

namespace FastIL.Learning;

public sealed partial class Trainer
{
    /// <summary>Rows of a sub-block: its features, residuals and Hessian weights stay in L1 between the two phases.</summary>
    private const int SubRows = 256;

    [ThreadStatic] private static double[]? t_sub;

    /// <summary>
    /// The kernel for two-class problems (logistic, or softmax with K = 2), four rows at a time. Both depend on the rows
    /// only through the margin d = z₁ − z₀: −log p_y = log(1 + e^{−|d|}) + max(0, ±d), the class-1 residual
    /// r = w·(p₁ − [y = 1]) is minus the class-0 one, and the Hessian weight is w·p₀·p₁ for every block. So one dot
    /// product, one exp, F + 1 gradient and (F + 1)(F + 2)/2 Hessian sums per row serve both classes, with no loop over
    /// classes (the general <see cref="FusedRows"/> kernel does K of each). Returns the rows handled (a multiple of four).
    /// <para>
    /// Blocked in two phases per <see cref="SubRows"/> rows, so that the sums live in registers instead of memory:
    /// phase 1 computes each row's features, residual and Hessian weight into an L1 scratch; phase 2 runs the
    /// gradient and Hessian sums over the scratch, up to four sums per loop. Every sum sees the same fused
    /// multiply-adds in the same row order, in the same lanes, as a row-at-a-time loop would, so the result does not
    /// depend on the blocking (bit for bit).
    /// </para>
    /// </summary>
    private int BinaryRows<TF>(Span<double> part, int r0, int len) where TF : struct, IDim
    {
        int n4 = len & ~3;
        if (n4 == 0) return 0;
        int f = TF.Value > 0 ? TF.Value : _features, fe = f + 1;
        bool softmax = _kind == PolicyKind.Softmax, weighted = _weighted, withHessian = _withHessian;
        double[] theta = _evalTheta;
        // Coefficients of the margin: softmax rows are θ[0..f) and θ[f..2f), biases θ[2f], θ[2f+1]; logistic: θ[0..f), θ[f].
        Span<double> coef = stackalloc double[fe];
        for (int k = 0; k < f; k++) coef[k] = softmax ? theta[f + k] - theta[k] : theta[k];
        coef[f] = softmax ? theta[2 * f + 1] - theta[2 * f] : theta[f];
        Span<double> gacc = GradientAccumulators(fe * 4);
        Span<double> hacc = withHessian ? HessianAccumulators() : default;
        // Scratch: feature a of row i at [a·SubRows + i] (a = f: the bias feature, 1), then the residuals, the Hessian
        // weights, the loss's max(0, ±d) terms and the s = 1 + e^{−|d|} whose logs the loss adds.
        int need = (fe + 4) * SubRows;
        if (t_sub is null || t_sub.Length < need) t_sub = new double[need];
        double[] sub = t_sub;
        sub.AsSpan(f * SubRows, SubRows).Fill(1.0);
        ref double z0 = ref MemoryMarshal.GetArrayDataReference(sub);
        ref double res0 = ref Unsafe.Add(ref z0, fe * SubRows);
        ref double c0 = ref Unsafe.Add(ref z0, (fe + 1) * SubRows);
        ref double m0 = ref Unsafe.Add(ref z0, (fe + 2) * SubRows);
        ref double sv0 = ref Unsafe.Add(ref z0, (fe + 3) * SubRows);
        ref double cf = ref MemoryMarshal.GetReference(coef);
        ref int lab = ref MemoryMarshal.GetArrayDataReference(_labels);
        ref double wt = ref MemoryMarshal.GetArrayDataReference(_w);
        double[][] cols = _phi;
        bool direct = _direct;
        float[][] fcols = direct ? _data!.RawColumns : [];
        Span<double> shift = stackalloc double[f], scale = stackalloc double[f];
        bool standardized = false;
        for (int k = 0; k < f && direct; k++)
        {
            shift[k] = _shift[k];
            scale[k] = _scale[k];
            standardized |= shift[k] != 0.0 || scale[k] != 1.0;
        }
        var one = Vector256<double>.One;
        var lossAcc = Vector256<double>.Zero;
        var hits = Vector256<double>.Zero;
        var sProduct = one;
        int pending = 0;
        for (int sb = 0; sb < n4; sb += SubRows)
        {
            int count = Math.Min(SubRows, n4 - sb);
            // The sub-block's features into the scratch, a column at a time: the float32 columns widened and
            // standardized (direct mode), or the design matrix's doubles copied.
            for (int k = 0; k < f; k++)
            {
                ref double dst = ref Unsafe.Add(ref z0, k * SubRows);
                if (!direct)
                {
                    cols[k].AsSpan(r0 + sb, count).CopyTo(MemoryMarshal.CreateSpan(ref dst, count));
                    continue;
                }
                ref float src = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(fcols[k]), r0 + sb);
                var sh = Vector256.Create(shift[k]);
                var sc = Vector256.Create(scale[k]);
                for (int i = 0; i < count; i += 4)
                {
                    // Exact widening, then (x − shift)·scale: the design matrix's value, bit for bit.
                    var x = Vector256.WidenLower(Vector128.LoadUnsafe(ref src, (nuint)i).ToVector256Unsafe());
                    if (standardized) x = (x - sh) * sc;
                    x.StoreUnsafe(ref dst, (nuint)i);
                }
            }
            // Phase 1: per row, the features (copied to the scratch), margin, loss terms, hit, residual and Hessian weight.
            // No call in this loop (the logs come after it), so its vectors stay in registers.
            for (int i = 0; i < count; i += 4)
            {
                int row = r0 + sb + i;
                var d = Vector256.Create(Unsafe.Add(ref cf, f));
                for (int k = 0; k < f; k++)
                    d = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref z0, (nuint)(k * SubRows + i)), Vector256.Create(Unsafe.Add(ref cf, k)), d);
                var isOne = Vector256.Equals(Vector256.ConvertToDouble(Vector256.WidenLower(Vector128.LoadUnsafe(ref lab, (nuint)row).ToVector256Unsafe())), one);
                var positive = Vector256.GreaterThan(d, Vector256<double>.Zero);
                var e = FastExp.ExpNonPositive(-Vector256.Abs(d));
                var s = one + e;
                var w = weighted ? Vector256.LoadUnsafe(ref wt, (nuint)row) : one;
                // −log p_y = log s + max(0, y = 1 ? −d : d); the greedy prediction is class 1 iff d > 0 (ties go to class 0).
                Vector256.Max(Vector256.ConditionalSelect(isOne, -d, d), Vector256<double>.Zero).StoreUnsafe(ref m0, (nuint)i);
                s.StoreUnsafe(ref sv0, (nuint)i);
                hits += Vector256.AndNot(one, isOne ^ positive);
                var invS = one / s;
                var eInvS = e * invS;
                var p1 = Vector256.ConditionalSelect(positive, invS, eInvS);
                (w * (p1 - (one & isOne))).StoreUnsafe(ref res0, (nuint)i);
                if (withHessian) (w * (invS * eInvS)).StoreUnsafe(ref c0, (nuint)i);   // w·p₀·p₁: one of them is 1/s, the other e/s
            }
            // The loss, in the row order: w·max(0, ±d), then w·log s (weighted) or the log of eight s at once.
            for (int i = 0; i < count; i += 4)
            {
                var w = weighted ? Vector256.LoadUnsafe(ref wt, (nuint)(r0 + sb + i)) : one;
                lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref m0, (nuint)i), lossAcc);
                var s = Vector256.LoadUnsafe(ref sv0, (nuint)i);
                if (weighted) lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.Log(s), lossAcc);
                else
                {
                    sProduct *= s;   // s ∈ [1, 2]: the log of eight products at once cannot overflow
                    if (++pending == 8) { lossAcc += Vector256.Log(sProduct); sProduct = one; pending = 0; }
                }
            }
            // Phase 2: gradient sums Σ r·φ_a, then Hessian sums Σ (c·φ_a)·φ_b, from the scratch.
            for (int a = 0; a < fe; a += 4)
                SumProducts(ref res0, ref z0, a, Math.Min(4, fe - a), ref MemoryMarshal.GetReference(gacc), a, count, scaleByA: -1);
            if (withHessian)
            {
                int ab = 0;
                for (int a = 0; a < fe; a++)
                    for (int b = a; b < fe; b += 4)
                    {
                        int nb = Math.Min(4, fe - b);
                        SumProducts(ref c0, ref z0, b, nb, ref MemoryMarshal.GetReference(hacc), ab, count, scaleByA: a);
                        ab += nb;
                    }
            }
        }
        if (pending > 0) lossAcc += Vector256.Log(sProduct);
        part[0] += Vector256.Sum(lossAcc);
        part[1] += Vector256.Sum(hits);
        // The class-1 row gets the residual sums, the class-0 row (softmax) their negation.
        Span<double> grad = part[2..];
        int rows = softmax ? 2 : 1;
        for (int a = 0; a < fe; a++)
        {
            double g = HSum(gacc, a * 4);
            int w1 = a < f ? (rows - 1) * f + a : rows * f + rows - 1;
            grad[w1] += g;
            if (softmax) grad[a < f ? a : 2 * f] -= g;
        }
        return n4;
    }

    /// <summary>
    /// Adds Σ_i u_i·φ_{first+j}(i) (for j &lt; <paramref name="n"/> ≤ 4, four lanes each) to the accumulator slots
    /// <paramref name="slot"/>…<paramref name="slot"/> + n − 1, where u = <paramref name="weights"/> — or, when
    /// <paramref name="scaleByA"/> ≥ 0, u = weights·φ_scaleByA (the Hessian's c·φ_a, rounded as one product). The sums
    /// stay in registers over the <paramref name="count"/> rows of the scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumProducts(ref double weights, ref double z0, int first, int n, ref double acc0, int slot, int count, int scaleByA)
    {
        ref double s0 = ref Unsafe.Add(ref acc0, slot * 4);
        var a0 = Vector256.LoadUnsafe(ref s0);
        var a1 = n > 1 ? Vector256.LoadUnsafe(ref s0, 4) : default;
        var a2 = n > 2 ? Vector256.LoadUnsafe(ref s0, 8) : default;
        var a3 = n > 3 ? Vector256.LoadUnsafe(ref s0, 12) : default;
        ref double f0 = ref Unsafe.Add(ref z0, first * SubRows);
        ref double fa = ref Unsafe.Add(ref z0, Math.Max(scaleByA, 0) * SubRows);
        bool scaled = scaleByA >= 0;
        for (int i = 0; i < count; i += 4)
        {
            var u = Vector256.LoadUnsafe(ref weights, (nuint)i);
            if (scaled) u *= Vector256.LoadUnsafe(ref fa, (nuint)i);
            a0 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)i), a0);
            if (n > 1) a1 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)(SubRows + i)), a1);
            if (n > 2) a2 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)(2 * SubRows + i)), a2);
            if (n > 3) a3 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)(3 * SubRows + i)), a3);
        }
        a0.StoreUnsafe(ref s0);
        if (n > 1) a1.StoreUnsafe(ref s0, 4);
        if (n > 2) a2.StoreUnsafe(ref s0, 8);
        if (n > 3) a3.StoreUnsafe(ref s0, 12);
    }
}
