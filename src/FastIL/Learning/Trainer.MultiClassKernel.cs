using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.MathKernels;

namespace FastIL.Learning;

public sealed partial class Trainer
{
    [ThreadStatic] private static double[]? t_multi;

    /// <summary>
    /// The fused kernel for softmax policies with three or more classes (two-class problems take
    /// <see cref="BinaryRows"/>) without an entropy bonus. Returns the rows handled (a multiple of four);
    /// <see cref="SpanRows{TLoss}"/> does the rest.
    /// <para>
    /// Every sum has four lanes, row i of the block in lane i mod 4, and adds its rows in order. Blocked per
    /// <see cref="SubRows"/> rows in two phases, like the two-class kernel: phase 1 (<see cref="MultiClassTerms{TF}"/>)
    /// takes four rows at a time through the logits, a stable log-sum-exp, the weighted NLL, the greedy hit, and writes
    /// the residuals w·(p_r − [y = r]) and, for Newton, the Hessian weights w·(p_r·[r = s] − p_r·p_s) to an L1 scratch;
    /// phase 2 (<see cref="ProductSums{TN}"/>) runs each group of up to six sums over the sub-block with its
    /// accumulators in registers. An accumulator sees the same products in the same order as when every row updated
    /// every sum in memory, so the bits do not depend on the blocking.
    /// </para>
    /// </summary>
    private int FusedRows<TF>(Span<double> part, int r0, int len) where TF : struct, IDim
    {
        int n4 = len & ~3;
        if (n4 == 0) return 0;
        int rows = _design.Rows, f = TF.Value > 0 ? TF.Value : _design.Features, fe = f + 1, p = rows * f + rows;
        int pairsRS = HessianPairsRS, pairsAB = HessianPairsAB;
        bool withHessian = _withHessian;
        Span<double> gacc = GradientAccumulators(rows * fe * 4);
        Span<double> hacc = withHessian ? HessianAccumulators() : default;
        // Scratch: feature a of row i at [a·SubRows + i] (a = f: the bias feature, 1), then residual r at
        // [(fe + r)·SubRows + i], then Hessian weight k at [(fe + rows + k)·SubRows + i].
        int resAt = fe * SubRows, weightsAt = resAt + rows * SubRows;
        int need = weightsAt + (withHessian ? pairsRS : 0) * SubRows;
        if (t_multi is null || t_multi.Length < need) t_multi = new double[need];
        double[] scratch = t_multi;
        scratch.AsSpan(f * SubRows, SubRows).Fill(1.0);
        Span<double> z = stackalloc double[rows * 4];
        var state = new MultiClassState { LossAcc = Vector256<double>.Zero, Hits = Vector256<double>.Zero, SProduct = Vector256<double>.One };
        bool direct = _design.Direct;
        float[][] fcols = direct ? _design.Data!.RawColumns : [];
        double[][] cols = _design.Phi;
        ref double g0 = ref MemoryMarshal.GetReference(gacc);
        ref double h0 = ref withHessian ? ref MemoryMarshal.GetReference(hacc) : ref g0;
        ref double sc = ref MemoryMarshal.GetArrayDataReference(scratch);
        for (int sb = 0; sb < n4; sb += SubRows)
        {
            int count = Math.Min(SubRows, n4 - sb), at = r0 + sb;
            // The sub-block's features into the scratch: the float32 columns widened and standardized (direct mode,
            // the design matrix's two roundings), or the design matrix's doubles copied.
            for (int k = 0; k < f; k++)
            {
                Span<double> dst = scratch.AsSpan(k * SubRows, count);
                if (direct) WidenColumn(fcols[k].AsSpan(at, count), _design.Shift[k], _design.Scale[k], dst);
                else cols[k].AsSpan(at, count).CopyTo(dst);
            }
            if (rows == 3) MultiClassTerms3<TF>(ref state, at, count, scratch);
            else MultiClassTerms<TF>(ref state, z, at, count, scratch);
            // Gradient sums Σ res_r·φ_a: for each feature, the classes six at a time.
            for (int a = 0; a < fe; a++)
                for (int r = 0; r < rows; r += SumsPerPass)
                    ProductSumsFor(Math.Min(SumsPerPass, rows - r), ref Unsafe.Add(ref sc, a * SubRows), ref sc, false, ref Unsafe.Add(ref sc, resAt + r * SubRows),
                        ref Unsafe.Add(ref g0, (r * fe + a) * 4), fe * 4, count);
            if (!withHessian) continue;
            // Hessian sums Σ c_k·(φ_a·φ_b) for extended-feature pairs a ≤ b, the class pairs six at a time (all three
            // classes' six in one pass).
            int ab = 0;
            for (int a = 0; a < fe; a++)
                for (int b = a; b < fe; b++, ab++)
                    for (int k = 0; k < pairsRS; k += SumsPerPass)
                        ProductSumsFor(Math.Min(SumsPerPass, pairsRS - k), ref Unsafe.Add(ref sc, a * SubRows), ref Unsafe.Add(ref sc, b * SubRows), true,
                            ref Unsafe.Add(ref sc, weightsAt + k * SubRows), ref Unsafe.Add(ref h0, (k * pairsAB + ab) * 4), pairsAB * 4, count);
        }
        if (state.Pending > 0) state.LossAcc += Vector256.Log(state.SProduct);
        part[0] += Vector256.Sum(state.LossAcc);
        part[1] += Vector256.Sum(state.Hits);
        Span<double> grad = part.Slice(2, p);
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < f; k++) grad[r * f + k] += HSum(gacc, (r * fe + k) * 4);
            grad[rows * f + r] += HSum(gacc, (r * fe + f) * 4);
        }
        return n4;
    }

    /// <summary>The loss's running sums, carried from sub-block to sub-block.</summary>
    private struct MultiClassState
    {
        public Vector256<double> LossAcc, Hits, SProduct;
        public int Pending;
    }

    /// <summary>
    /// Phase 1 of <see cref="FusedRows{TF}"/> for rows [<paramref name="at"/>, <paramref name="at"/> +
    /// <paramref name="count"/>), four at a time, from their features in <paramref name="scratch"/>: loss and hits into
    /// <paramref name="state"/>, residuals and Hessian weights into <paramref name="scratch"/> (<paramref name="z"/>: the
    /// four rows' logits, then probabilities).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void MultiClassTerms<TF>(ref MultiClassState state, Span<double> z, int at, int count, double[] scratch) where TF : struct, IDim
    {
        int rows = _design.Rows, classes = rows, f = TF.Value > 0 ? TF.Value : _design.Features, fe = f + 1;
        int resAt = fe * SubRows, weightsAt = resAt + rows * SubRows;
        bool weighted = _design.Weighted, withHessian = _withHessian;
        ref double th = ref MemoryMarshal.GetArrayDataReference(_evalTheta);
        ref int lab = ref MemoryMarshal.GetArrayDataReference(_design.Labels);
        ref double wts = ref MemoryMarshal.GetArrayDataReference(_design.W);
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double sc = ref MemoryMarshal.GetArrayDataReference(scratch);
        var one = Vector256<double>.One;
        var lossAcc = state.LossAcc;
        var hits = state.Hits;
        var sProduct = state.SProduct;
        int pending = state.Pending;
        for (int i = 0; i < count; i += 4)
        {
            int row = at + i;
            // Logits z_r = b_r + Σ_k θ[r·F + k]·φ_k, the features in order.
            for (int r = 0; r < rows; r++)
            {
                var acc = Vector256.Create(Unsafe.Add(ref th, rows * f + r));
                for (int k = 0; k < f; k++)
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref sc, (nuint)(k * SubRows + i)), Vector256.Create(Unsafe.Add(ref th, r * f + k)), acc);
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
            var w = weighted ? Vector256.LoadUnsafe(ref wts, (nuint)row) : one;
            (lossAcc, sProduct, pending) = AddGroupLoss(lossAcc, sProduct, pending, w, zy, m, s, weighted);
            // Probabilities p_c = e_c / s (over the logits), residuals w·(p_r − [y = r]) and Hessian weights.
            var invS = one / s;
            for (int c = 0; c < classes; c++)
            {
                var pc = Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)) * invS;
                pc.StoreUnsafe(ref zr, (nuint)(c * 4));
                (w * (pc - (one & Vector256.Equals(y, Vector256.Create((double)c))))).StoreUnsafe(ref sc, (nuint)(resAt + c * SubRows + i));
            }
            if (withHessian)
            {
                int k = 0;
                for (int r = 0; r < rows; r++)
                {
                    var pr = Vector256.LoadUnsafe(ref zr, (nuint)(r * 4));
                    for (int s2 = r; s2 < rows; s2++, k++)
                    {
                        var ps = Vector256.LoadUnsafe(ref zr, (nuint)(s2 * 4));
                        (w * (r == s2 ? pr * (one - ps) : -(pr * ps))).StoreUnsafe(ref sc, (nuint)(weightsAt + k * SubRows + i));
                    }
                }
            }
        }
        state.LossAcc = lossAcc;
        state.Hits = hits;
        state.SProduct = sProduct;
        state.Pending = pending;
    }

    /// <summary>
    /// <see cref="MultiClassTerms{TF}"/> for three classes (MountainCar's and Acrobot's actions), with the classes'
    /// values in registers instead of a loop over a scratch: the same operations in the same order, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void MultiClassTerms3<TF>(ref MultiClassState state, int at, int count, double[] scratch) where TF : struct, IDim
    {
        int f = TF.Value > 0 ? TF.Value : _design.Features, fe = f + 1;
        int resAt = fe * SubRows, weightsAt = resAt + 3 * SubRows;
        bool weighted = _design.Weighted, withHessian = _withHessian;
        double[] theta = _evalTheta;
        ref double th = ref MemoryMarshal.GetArrayDataReference(theta);
        ref int lab = ref MemoryMarshal.GetArrayDataReference(_design.Labels);
        ref double wts = ref MemoryMarshal.GetArrayDataReference(_design.W);
        ref double sc = ref MemoryMarshal.GetArrayDataReference(scratch);
        var one = Vector256<double>.One;
        var c0 = Vector256<double>.Zero;
        var c1 = Vector256.Create(1.0);
        var c2 = Vector256.Create(2.0);
        var bias0 = Vector256.Create(theta[3 * f]);
        var bias1 = Vector256.Create(theta[3 * f + 1]);
        var bias2 = Vector256.Create(theta[3 * f + 2]);
        var lossAcc = state.LossAcc;
        var hits = state.Hits;
        var sProduct = state.SProduct;
        int pending = state.Pending;
        for (int i = 0; i < count; i += 4)
        {
            int row = at + i;
            // Logits z_r = b_r + Σ_k θ[r·F + k]·φ_k, the features in order for each class.
            var z0 = bias0;
            var z1 = bias1;
            var z2 = bias2;
            for (int k = 0; k < f; k++)
            {
                var x = Vector256.LoadUnsafe(ref sc, (nuint)(k * SubRows + i));
                z0 = Vector256.FusedMultiplyAdd(x, Vector256.Create(Unsafe.Add(ref th, k)), z0);
                z1 = Vector256.FusedMultiplyAdd(x, Vector256.Create(Unsafe.Add(ref th, f + k)), z1);
                z2 = Vector256.FusedMultiplyAdd(x, Vector256.Create(Unsafe.Add(ref th, 2 * f + k)), z2);
            }
            var y = Vector256.ConvertToDouble(Vector256.WidenLower(Vector128.LoadUnsafe(ref lab, (nuint)row).ToVector256Unsafe()));
            var m = Vector256.Max(Vector256.Max(z0, z1), z2);
            var is0 = Vector256.Equals(y, c0);
            var is1 = Vector256.Equals(y, c1);
            var is2 = Vector256.Equals(y, c2);
            var zy = Vector256.ConditionalSelect(is2, z2, Vector256.ConditionalSelect(is1, z1, Vector256.ConditionalSelect(is0, z0, Vector256<double>.Zero)));
            // Greedy hit: y is the first maximum (classes before y strictly below, after y not above).
            var ok = (Vector256.ConditionalSelect(Vector256.GreaterThan(y, c0), Vector256.LessThan(z0, zy), Vector256.LessThanOrEqual(z0, zy)) | is0)
                & (Vector256.ConditionalSelect(Vector256.GreaterThan(y, c1), Vector256.LessThan(z1, zy), Vector256.LessThanOrEqual(z1, zy)) | is1)
                & (Vector256.ConditionalSelect(Vector256.GreaterThan(y, c2), Vector256.LessThan(z2, zy), Vector256.LessThanOrEqual(z2, zy)) | is2);
            hits += one & ok;
            var e0 = FastExp.ExpNonPositive(z0 - m);
            var e1 = FastExp.ExpNonPositive(z1 - m);
            var e2 = FastExp.ExpNonPositive(z2 - m);
            var s = Vector256<double>.Zero;
            s += e0;
            s += e1;
            s += e2;
            var w = weighted ? Vector256.LoadUnsafe(ref wts, (nuint)row) : one;
            (lossAcc, sProduct, pending) = AddGroupLoss(lossAcc, sProduct, pending, w, zy, m, s, weighted);
            var invS = one / s;
            var p0 = e0 * invS;
            var p1 = e1 * invS;
            var p2 = e2 * invS;
            (w * (p0 - (one & is0))).StoreUnsafe(ref sc, (nuint)(resAt + i));
            (w * (p1 - (one & is1))).StoreUnsafe(ref sc, (nuint)(resAt + SubRows + i));
            (w * (p2 - (one & is2))).StoreUnsafe(ref sc, (nuint)(resAt + 2 * SubRows + i));
            if (withHessian)
            {
                (w * (p0 * (one - p0))).StoreUnsafe(ref sc, (nuint)(weightsAt + i));
                (w * -(p0 * p1)).StoreUnsafe(ref sc, (nuint)(weightsAt + SubRows + i));
                (w * -(p0 * p2)).StoreUnsafe(ref sc, (nuint)(weightsAt + 2 * SubRows + i));
                (w * (p1 * (one - p1))).StoreUnsafe(ref sc, (nuint)(weightsAt + 3 * SubRows + i));
                (w * -(p1 * p2)).StoreUnsafe(ref sc, (nuint)(weightsAt + 4 * SubRows + i));
                (w * (p2 * (one - p2))).StoreUnsafe(ref sc, (nuint)(weightsAt + 5 * SubRows + i));
            }
        }
        state.LossAcc = lossAcc;
        state.Hits = hits;
        state.SProduct = sProduct;
        state.Pending = pending;
    }

    /// <summary>
    /// Adds four rows' −log p_y = log s − (z_y − m), weighted by <paramref name="w"/>, to the loss's lanes. Unweighted,
    /// the logs of eight groups are taken at once as the log of the product of their s (each in [1, K], so the product
    /// cannot overflow): <paramref name="sProduct"/> and <paramref name="pending"/> carry it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> LossAcc, Vector256<double> SProduct, int Pending) AddGroupLoss(Vector256<double> lossAcc, Vector256<double> sProduct, int pending,
        Vector256<double> w, Vector256<double> zy, Vector256<double> m, Vector256<double> s, bool weighted)
    {
        lossAcc -= w * (zy - m);
        if (weighted) return (Vector256.FusedMultiplyAdd(w, Vector256.Log(s), lossAcc), sProduct, pending);
        sProduct *= s;
        if (++pending == 8) return (lossAcc + Vector256.Log(sProduct), Vector256<double>.One, 0);
        return (lossAcc, sProduct, pending);
    }

    /// <summary>Sums per call of <see cref="ProductSums{TN}"/>: six accumulators and their operands fit in registers.</summary>
    private const int SumsPerPass = 6;

    /// <summary><see cref="ProductSums{TN}"/> for <paramref name="n"/> (1 to <see cref="SumsPerPass"/>) sums.</summary>
    private static void ProductSumsFor(int n, ref double x, ref double x2, bool product, ref double coef, ref double acc, int accStride, int count)
    {
        switch (n)
        {
            case 6: ProductSums<Dim6>(ref x, ref x2, product, ref coef, ref acc, accStride, count); break;
            case 5: ProductSums<Dim5>(ref x, ref x2, product, ref coef, ref acc, accStride, count); break;
            case 4: ProductSums<Dim4>(ref x, ref x2, product, ref coef, ref acc, accStride, count); break;
            case 3: ProductSums<Dim3>(ref x, ref x2, product, ref coef, ref acc, accStride, count); break;
            case 2: ProductSums<Dim2>(ref x, ref x2, product, ref coef, ref acc, accStride, count); break;
            default: ProductSums<Dim1>(ref x, ref x2, product, ref coef, ref acc, accStride, count); break;
        }
    }

    /// <summary>
    /// Phase 2 of <see cref="FusedRows{TF}"/>: for j &lt; <typeparamref name="TN"/>, the four-lane sum at
    /// <paramref name="acc"/> + j·<paramref name="accStride"/> gains c_j·v over the sub-block's rows in order, where c_j
    /// is the scratch column at <paramref name="coef"/> + j·<see cref="SubRows"/> and v is the column
    /// <paramref name="x"/>, or the rounded product x·<paramref name="x2"/> when <paramref name="product"/>. The sums
    /// stay in registers for the whole sub-block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductSums<TN>(ref double x, ref double x2, bool product, ref double coef, ref double acc, int accStride, int count) where TN : struct, IDim
    {
        int n = TN.Value;
        var a0 = Vector256.LoadUnsafe(ref acc);
        var a1 = n > 1 ? Vector256.LoadUnsafe(ref Unsafe.Add(ref acc, accStride)) : default;
        var a2 = n > 2 ? Vector256.LoadUnsafe(ref Unsafe.Add(ref acc, 2 * accStride)) : default;
        var a3 = n > 3 ? Vector256.LoadUnsafe(ref Unsafe.Add(ref acc, 3 * accStride)) : default;
        var a4 = n > 4 ? Vector256.LoadUnsafe(ref Unsafe.Add(ref acc, 4 * accStride)) : default;
        var a5 = n > 5 ? Vector256.LoadUnsafe(ref Unsafe.Add(ref acc, 5 * accStride)) : default;
        ref double c1 = ref Unsafe.Add(ref coef, SubRows);
        ref double c2 = ref Unsafe.Add(ref coef, 2 * SubRows);
        ref double c3 = ref Unsafe.Add(ref coef, 3 * SubRows);
        ref double c4 = ref Unsafe.Add(ref coef, 4 * SubRows);
        ref double c5 = ref Unsafe.Add(ref coef, 5 * SubRows);
        for (int i = 0; i < count; i += 4)
        {
            var v = Vector256.LoadUnsafe(ref x, (nuint)i);
            if (product) v *= Vector256.LoadUnsafe(ref x2, (nuint)i);
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref coef, (nuint)i), v, a0);
            if (n > 1) a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref c1, (nuint)i), v, a1);
            if (n > 2) a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref c2, (nuint)i), v, a2);
            if (n > 3) a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref c3, (nuint)i), v, a3);
            if (n > 4) a4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref c4, (nuint)i), v, a4);
            if (n > 5) a5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref c5, (nuint)i), v, a5);
        }
        a0.StoreUnsafe(ref acc);
        if (n > 1) a1.StoreUnsafe(ref Unsafe.Add(ref acc, accStride));
        if (n > 2) a2.StoreUnsafe(ref Unsafe.Add(ref acc, 2 * accStride));
        if (n > 3) a3.StoreUnsafe(ref Unsafe.Add(ref acc, 3 * accStride));
        if (n > 4) a4.StoreUnsafe(ref Unsafe.Add(ref acc, 4 * accStride));
        if (n > 5) a5.StoreUnsafe(ref Unsafe.Add(ref acc, 5 * accStride));
    }
}
