using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastIL.Kernels.MathKernels;
using FastIL.Policies;

namespace FastIL.Learning;

public sealed partial class Trainer
{
    /// <summary>Rows of a sub-block: its features, residuals and Hessian weights stay in L1 between the two phases.</summary>
    private const int SubRows = 256;

    [ThreadStatic] private static double[]? t_sub;

    /// <summary>
    /// The kernel for two-class problems (logistic, or softmax with K = 2). Both depend on the rows only through the
    /// margin d = z₁ − z₀: −log p_y = log(1 + e^{−|d|}) + max(0, ±d), the class-1 residual r = w·(p₁ − [y = 1]) is minus
    /// the class-0 one, and the Hessian weight is w·p₀·p₁ for every block. So one dot product, one exp, F + 1 gradient
    /// and (F + 1)(F + 2)/2 Hessian sums per row serve both classes, with no loop over classes (the general
    /// <see cref="FusedRows"/> kernel does K of each). Returns the rows handled (a multiple of four).
    /// <para>
    /// Every sum (loss, gradient, Hessian) has eight lanes, row i of the block in lane i mod 8, whatever the vector
    /// width: eight rows per Vector512 where it is accelerated, else the same lanes as two Vector256 halves. So the bits
    /// are the same on both kinds of machine, for any thread count and blocking. Blocked per <see cref="SubRows"/> rows,
    /// so that every loop keeps its values in registers: phase 1 computes each row's features, margin, residual and
    /// Hessian weight into an L1 scratch and adds its loss terms (<see cref="MarginsSmallWide{TF}"/>,
    /// <see cref="MarginsSmall{TF}"/> or <see cref="MarginsFromScratch"/>); phase 2 runs the gradient and Hessian sums
    /// over the scratch (<see cref="SmallSums{TF}"/> or <see cref="SumProducts"/>).
    /// Each phase is its own method: a call inside a loop makes the JIT keep every vector of the whole method on the
    /// stack. The loss's logs are taken once per block, of the running product of s = 1 + e^{−|d|} ∈ [1, 2] in each
    /// lane (weighted rows take one log each, <see cref="WeightedLoss"/>).
    /// </para>
    /// </summary>
    private int BinaryRows<TF>(Span<double> part, int r0, int len) where TF : struct, IDim
    {
        int n4 = len & ~3;
        if (n4 == 0) return 0;
        int f = TF.Value > 0 ? TF.Value : _design.Features, fe = f + 1;
        bool softmax = _design.Kind == PolicyKind.Softmax, withHessian = _withHessian;
        double[] theta = _evalTheta;
        // Coefficients of the margin: softmax rows are θ[0..f) and θ[f..2f), biases θ[2f], θ[2f+1]; logistic: θ[0..f), θ[f].
        Span<double> coef = stackalloc double[fe];
        for (int k = 0; k < f; k++) coef[k] = softmax ? theta[f + k] - theta[k] : theta[k];
        coef[f] = softmax ? theta[2 * f + 1] - theta[2 * f] : theta[f];
        // Every sum has eight lanes (row i of the block in lane i mod 8): slot a at [8a, 8a + 8).
        Span<double> gacc = GradientAccumulators(fe * Lanes);
        int pairsAB = HessianPairsAB;
        Span<double> hacc = withHessian ? BinaryHessianAccumulators(pairsAB * Lanes) : default;
        // Scratch: feature a of row i at [a·SubRows + i] (a = f: the bias feature, 1), then the residuals, the Hessian
        // weights, and (weighted rows) the loss's max(0, ±d) terms and the s = 1 + e^{−|d|} whose logs the loss adds.
        int need = (fe + 4) * SubRows;
        if (t_sub is null || t_sub.Length < need) t_sub = new double[need];
        double[] sub = t_sub;
        sub.AsSpan(f * SubRows, SubRows).Fill(1.0);
        var block = new BinaryBlock
        {
            Z = ref MemoryMarshal.GetArrayDataReference(sub),
            Res = ref sub[fe * SubRows],
            C = ref sub[(fe + 1) * SubRows],
            M = ref sub[(fe + 2) * SubRows],
            S = ref sub[(fe + 3) * SubRows],
            Labels = ref MemoryMarshal.GetArrayDataReference(_design.Labels),
            Weights = ref MemoryMarshal.GetArrayDataReference(_design.W),
            Weighted = _design.Weighted,
            WithHessian = withHessian,
            Prefetch = !Options.NoPrefetch,
            PrefetchDistance = _warmup ? WarmupPrefetchDistance(r0) : PrefetchRows,
            LossLo = Vector256<double>.Zero,
            LossHi = Vector256<double>.Zero,
            ProdLo = Vector256<double>.One,
            ProdHi = Vector256<double>.One,
        };
        bool direct = _design.Direct;
        float[][] fcols = direct ? _design.Data!.RawColumns : [];
        // Small direct problems (up to four features) fuse the float32 loads into phase 1.
        bool small = TF.Value is > 0 and <= SmallSumsMaxExtended - 1 && !Options.GeneralSums;
        var margin = direct && small ? MarginCoefficients.Create(coef, _design.Shift, _design.Scale, f) : default;
        // Eight rows per Vector512, or the same eight lanes as two Vector256 halves: the same bits either way.
        bool wide = Vector512.IsHardwareAccelerated && !Options.GeneralSums && !Options.NarrowVectors;
        double[][] cols = _design.Phi;
        ref double g0 = ref MemoryMarshal.GetReference(gacc);
        ref double h0 = ref withHessian ? ref MemoryMarshal.GetReference(hacc) : ref g0;
        for (int sb = 0; sb < n4; sb += SubRows)
        {
            int count = Math.Min(SubRows, n4 - sb), at = r0 + sb;
            if (direct && small)
            {
                if (wide) MarginsSmallWide<TF>(ref block, in margin, fcols, at, count);
                else MarginsSmall<TF>(ref block, in margin, fcols, at, count);
            }
            else
            {
                // The sub-block's features into the scratch, a column at a time: the float32 columns widened and
                // standardized (direct mode), or the design matrix's doubles copied.
                for (int k = 0; k < f; k++)
                {
                    var dst = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref block.Z, k * SubRows), count);
                    if (direct) WidenColumn(fcols[k].AsSpan(at, count), _design.Shift[k], _design.Scale[k], dst);
                    else cols[k].AsSpan(at, count).CopyTo(dst);
                }
                MarginsFromScratch(ref block, coef, at, count);
            }
            if (block.Weighted) WeightedLoss(ref block, at, count);
            if (small) SmallSums<TF>(ref block, ref g0, ref h0, count, wide);
            else
                for (int half = 0; half < 2; half++)
                {
                    // Gradient sums Σ r·φ_a, then Hessian sums Σ (c·φ_a)·φ_b, up to four per pass.
                    for (int a = 0; a < fe; a += 4)
                        SumProducts(ref block.Res, ref block.Z, a, Math.Min(4, fe - a), ref g0, a, half * 4, count, scaleByA: -1);
                    if (!withHessian) continue;
                    int ab = 0;
                    for (int a = 0; a < fe; a++)
                        for (int b = a; b < fe; b += 4)
                        {
                            int nb = Math.Min(4, fe - b);
                            SumProducts(ref block.C, ref block.Z, b, nb, ref h0, ab, half * 4, count, scaleByA: a);
                            ab += nb;
                        }
                }
        }
        // Loss: per lane Σ max(0, ±d) + log Π s (s ∈ [1, 2], at most BlockRows / 8 factors: no overflow), lanes folded.
        var loss = (block.LossLo + Vector256.Log(block.ProdLo)) + (block.LossHi + Vector256.Log(block.ProdHi));
        part[0] += Fold4(loss);
        part[1] += Vector256.Sum(block.Hits);   // exact: a count
        // The class-1 row gets the residual sums, the class-0 row (softmax) their negation.
        Span<double> grad = part[2..];
        int rows = softmax ? 2 : 1;
        for (int a = 0; a < fe; a++)
        {
            double g = Fold8(gacc, a);
            int w1 = a < f ? (rows - 1) * f + a : rows * f + rows - 1;
            grad[w1] += g;
            if (softmax) grad[a < f ? a : 2 * f] -= g;
        }
        // The Hessian's eight lanes folded into the four-lane accumulators that StoreHessian (and the span path's tail
        // rows, lane 0) use.
        if (withHessian)
        {
            Span<double> h4 = HessianAccumulators();
            for (int ab = 0; ab < pairsAB; ab++)
                for (int j = 0; j < 4; j++) h4[ab * 4 + j] = hacc[ab * Lanes + j] + hacc[ab * Lanes + 4 + j];
        }
        return n4;
    }

    /// <summary>Lanes of every sum of the two-class kernel: a Vector512, or two Vector256 halves.</summary>
    private const int Lanes = 8;

    [ThreadStatic] private static double[]? t_hacc8;

    /// <summary>The calling thread's eight-lane Hessian sums of the two-class kernel, cleared.</summary>
    private static Span<double> BinaryHessianAccumulators(int length)
    {
        if (t_hacc8 is null || t_hacc8.Length < length) t_hacc8 = new double[Math.Max(length, 64)];
        Span<double> h = t_hacc8.AsSpan(0, length);
        h.Clear();
        return h;
    }

    /// <summary>Slot <paramref name="slot"/>'s eight lanes: lanes i and i + 4 first, then the four-lane fold.</summary>
    private static double Fold8(ReadOnlySpan<double> acc, int slot)
    {
        int o = slot * Lanes;
        return Fold4(Vector256.Create(acc[o] + acc[o + 4], acc[o + 1] + acc[o + 5], acc[o + 2] + acc[o + 6], acc[o + 3] + acc[o + 7]));
    }

    private static double Fold4(Vector256<double> v) => (v[0] + v[1]) + (v[2] + v[3]);

    /// <summary>The two-class kernel's scratch columns, inputs and the loss and hit sums that run across sub-blocks.</summary>
    private ref struct BinaryBlock
    {
        /// <summary>Features: feature a of scratch row i at [a·SubRows + i].</summary>
        public ref double Z;
        /// <summary>Residuals w·(p₁ − [y = 1]), Hessian weights w·p₀·p₁, loss terms max(0, ±d) and s = 1 + e^{−|d|}.</summary>
        public ref double Res, C, M, S;
        /// <summary>The data set's labels and row weights, from row 0.</summary>
        public ref int Labels;
        public ref double Weights;
        public bool Weighted, WithHessian, Prefetch;
        /// <summary>How many rows ahead phase 1 prefetches (<see cref="PrefetchAhead"/>).</summary>
        public int PrefetchDistance;
        /// <summary>
        /// The loss's lanes 0–3 and 4–7 (row i in lane i mod 8): Σ w·max(0, ±d) (plus Σ w·log s when weighted), and
        /// (unweighted) the running products of s, whose logs are taken once per block.
        /// </summary>
        public Vector256<double> LossLo, LossHi, ProdLo, ProdHi;
        public Vector256<long> Hits;
    }

    /// <summary>The margin's coefficients and the standardization of up to four features, broadcast once per call.</summary>
    private readonly struct MarginCoefficients
    {
        public readonly Vector256<double> Bias, C0, C1, C2, C3, Shift0, Shift1, Shift2, Shift3, Scale0, Scale1, Scale2, Scale3;
        public readonly bool Standardized;

        private MarginCoefficients(ReadOnlySpan<double> coef, double[] shift, double[] scale, int f)
        {
            // Features beyond f repeat the last one; the kernels never use them.
            int k1 = Math.Min(1, f - 1), k2 = Math.Min(2, f - 1), k3 = Math.Min(3, f - 1);
            Bias = Vector256.Create(coef[f]);
            C0 = Vector256.Create(coef[0]); C1 = Vector256.Create(coef[k1]); C2 = Vector256.Create(coef[k2]); C3 = Vector256.Create(coef[k3]);
            Shift0 = Vector256.Create(shift[0]); Shift1 = Vector256.Create(shift[k1]); Shift2 = Vector256.Create(shift[k2]); Shift3 = Vector256.Create(shift[k3]);
            Scale0 = Vector256.Create(scale[0]); Scale1 = Vector256.Create(scale[k1]); Scale2 = Vector256.Create(scale[k2]); Scale3 = Vector256.Create(scale[k3]);
            bool standardized = false;
            for (int k = 0; k < f; k++) standardized |= shift[k] != 0.0 || scale[k] != 1.0;
            Standardized = standardized;
        }

        public static MarginCoefficients Create(ReadOnlySpan<double> coef, double[] shift, double[] scale, int f) => new(coef, shift, scale, f);
    }

    /// <summary>
    /// Phase 1 for up to four features read straight from the float32 columns, scratch rows
    /// [<paramref name="from"/>, <paramref name="count"/>): each row's features are widened, standardized, stored to the
    /// scratch for phase 2 and used for the margin while in registers (the FMAs of <see cref="MarginsFromScratch"/>, in
    /// its order).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MarginsSmall<TF>(ref BinaryBlock block, in MarginCoefficients m, float[][] cols, int at, int count, int from = 0) where TF : struct, IDim
    {
        int f = TF.Value;
        ref float x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[0]), at);
        ref float x1 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[Math.Min(1, f - 1)]), at);
        ref float x2 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[Math.Min(2, f - 1)]), at);
        ref float x3 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[Math.Min(3, f - 1)]), at);
        ref double z = ref block.Z;
        bool standardized = m.Standardized, weighted = block.Weighted, withHessian = block.WithHessian, prefetch = block.Prefetch;
        int ahead = block.PrefetchDistance;
        var bias = m.Bias; var c0 = m.C0; var c1 = m.C1; var c2 = m.C2; var c3 = m.C3;
        var sh0 = m.Shift0; var sh1 = m.Shift1; var sh2 = m.Shift2; var sh3 = m.Shift3;
        var sc0 = m.Scale0; var sc1 = m.Scale1; var sc2 = m.Scale2; var sc3 = m.Scale3;
        var hits = block.Hits;
        // The loss's lanes 0–3 take the groups at rows ≡ 0 (mod 8), lanes 4–7 the others (the loops start at a row ≡ 0).
        var (lossLo, lossHi, prodLo, prodHi) = (block.LossLo, block.LossHi, block.ProdLo, block.ProdHi);
        ref int labels = ref Unsafe.Add(ref block.Labels, at);
        ref double weights = ref Unsafe.Add(ref block.Weights, weighted ? at : 0);
        for (int i = from; i < count; i += 4)
        {
            if (prefetch && (i & 15) == 0) PrefetchAhead(ref x0, ref x1, ref x2, ref x3, ref labels, i + ahead);
            var d = Feature(ref x0, ref z, i, 0, standardized, sh0, sc0, c0, bias);
            if (f > 1) d = Feature(ref x1, ref z, i, 1, standardized, sh1, sc1, c1, d);
            if (f > 2) d = Feature(ref x2, ref z, i, 2, standardized, sh2, sc2, c2, d);
            if (f > 3) d = Feature(ref x3, ref z, i, 3, standardized, sh3, sc3, c3, d);
            if ((i & 4) == 0) RowTerms(d, ref labels, ref weights, i, weighted, withHessian, ref block, ref hits, ref lossLo, ref prodLo);
            else RowTerms(d, ref labels, ref weights, i, weighted, withHessian, ref block, ref hits, ref lossHi, ref prodHi);
        }
        block.Hits = hits;
        (block.LossLo, block.LossHi, block.ProdLo, block.ProdHi) = (lossLo, lossHi, prodLo, prodHi);
    }

    /// <summary>
    /// <see cref="MarginsSmall{TF}"/> eight rows at a time (Vector512), then four for a remaining group: every row's
    /// features, margin, loss terms, residual and Hessian weight are the same operations on the same values, so the same
    /// bits (tested against the four-row loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MarginsSmallWide<TF>(ref BinaryBlock block, in MarginCoefficients m, float[][] cols, int at, int count) where TF : struct, IDim
    {
        int f = TF.Value;
        ref float x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[0]), at);
        ref float x1 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[Math.Min(1, f - 1)]), at);
        ref float x2 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[Math.Min(2, f - 1)]), at);
        ref float x3 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols[Math.Min(3, f - 1)]), at);
        ref double z = ref block.Z;
        bool standardized = m.Standardized, weighted = block.Weighted, withHessian = block.WithHessian, prefetch = block.Prefetch;
        int ahead = block.PrefetchDistance;
        var bias = Wide(m.Bias); var c0 = Wide(m.C0); var c1 = Wide(m.C1); var c2 = Wide(m.C2); var c3 = Wide(m.C3);
        var sh0 = Wide(m.Shift0); var sh1 = Wide(m.Shift1); var sh2 = Wide(m.Shift2); var sh3 = Wide(m.Shift3);
        var sc0 = Wide(m.Scale0); var sc1 = Wide(m.Scale1); var sc2 = Wide(m.Scale2); var sc3 = Wide(m.Scale3);
        var hits = Vector512<long>.Zero;
        var one = Vector512<double>.One;
        var lossM = Vector512.Create(block.LossLo, block.LossHi);
        var prod = Vector512.Create(block.ProdLo, block.ProdHi);
        ref int labels = ref Unsafe.Add(ref block.Labels, at);
        ref double weights = ref Unsafe.Add(ref block.Weights, weighted ? at : 0);
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            if (prefetch && (i & 15) == 0) PrefetchAhead(ref x0, ref x1, ref x2, ref x3, ref labels, i + ahead);
            var d = Feature8(ref x0, ref z, i, 0, standardized, sh0, sc0, c0, bias);
            if (f > 1) d = Feature8(ref x1, ref z, i, 1, standardized, sh1, sc1, c1, d);
            if (f > 2) d = Feature8(ref x2, ref z, i, 2, standardized, sh2, sc2, c2, d);
            if (f > 3) d = Feature8(ref x3, ref z, i, 3, standardized, sh3, sc3, c3, d);
            // RowTerms, eight rows wide.
            var isOne = Vector512.Equals(Vector512.WidenLower(Vector256.LoadUnsafe(ref labels, (nuint)i).ToVector512Unsafe()), Vector512<long>.One).AsDouble();
            var positive = Vector512.GreaterThan(d, Vector512<double>.Zero);
            var e = FastExp.ExpNonPositive(-Vector512.Abs(d));
            var s = one + e;
            var w = weighted ? Vector512.LoadUnsafe(ref weights, (nuint)i) : one;
            var mTerm = Vector512.Max(Vector512.ConditionalSelect(isOne, -d, d), Vector512<double>.Zero);
            if (weighted)
            {
                mTerm.StoreUnsafe(ref block.M, (nuint)i);
                s.StoreUnsafe(ref block.S, (nuint)i);
            }
            else
            {
                lossM += mTerm;
                prod *= s;
            }
            hits -= (~(isOne ^ positive)).AsInt64();
            // One Vector512 division. An earlier host's tuning preferred two Vector256 ones; on the Zen 4 and Xeon hosts
            // of 2026-12-04 one division was 4–5 % and 1–6 % faster per refit (bench/RESULTS.md, "the fit's floor on the Zen 4 host").
            // Division is correctly rounded either way, so the bits are the same and the choice is free.
            var invS = one / s;
            var eInvS = e * invS;
            var p1 = Vector512.ConditionalSelect(positive, invS, eInvS);
            // Unweighted rows skip the multiplication by w = 1 (exact either way: the same bits).
            var res = p1 - (one & isOne);
            (weighted ? w * res : res).StoreUnsafe(ref block.Res, (nuint)i);
            if (withHessian)
            {
                var c = invS * eInvS;
                (weighted ? w * c : c).StoreUnsafe(ref block.C, (nuint)i);
            }
        }
        block.Hits += hits.GetLower() + hits.GetUpper();
        (block.LossLo, block.LossHi) = (lossM.GetLower(), lossM.GetUpper());
        (block.ProdLo, block.ProdHi) = (prod.GetLower(), prod.GetUpper());
        // One group of four rows left (counts are multiples of four; its row is a multiple of eight, so its lanes are
        // 0–3): the four-row loop does it.
        if (i < count) MarginsSmall<TF>(ref block, in m, cols, at, count, from: i);
    }

    /// <summary>
    /// Asks for the cache lines of the input columns and labels at row <paramref name="row"/>, ahead of the rows phase 1
    /// reads (one line holds 16 rows of a column): <see cref="PrefetchRows"/> rows ahead, or during a warm-up the same
    /// place in the next block's slice (<see cref="WarmupPrefetchDistance"/>). Phase 1 reads five streams slowly enough, between its exps and divisions, that the hardware
    /// prefetcher falls behind at sizes beyond the caches (`TrainerScaleBench`: `float32` against `float32-noprefetch`).
    /// Prefetches never fault, so reading past the data set's end is harmless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchAhead(ref float x0, ref float x1, ref float x2, ref float x3, ref int labels, int row)
    {
        if (!Sse.IsSupported) return;
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref x0, row)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref x1, row)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref x2, row)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref x3, row)));
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref labels, row)));
    }

    /// <summary>How far ahead phase 1 prefetches: one block (while tuning, 2048 to 16384 rows did alike and 1024 less well).</summary>
    private const int PrefetchRows = BlockRows;

    /// <summary>
    /// Feature <paramref name="slot"/> of four rows from <paramref name="i"/>: widened and standardized
    /// (<see cref="Widen"/>), stored to the scratch for phase 2, and added to the margin: fma(φ, coef, d).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Feature(ref float x, ref double z, int i, int slot, bool standardized,
        Vector256<double> shift, Vector256<double> scale, Vector256<double> coef, Vector256<double> d)
    {
        var v = Widen(ref x, i, standardized, shift, scale);
        v.StoreUnsafe(ref z, (nuint)(slot * SubRows + i));
        return Vector256.FusedMultiplyAdd(v, coef, d);
    }

    /// <summary><see cref="Feature"/> for eight rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Feature8(ref float x, ref double z, int i, int slot, bool standardized,
        Vector512<double> shift, Vector512<double> scale, Vector512<double> coef, Vector512<double> d)
    {
        var v = Widen8(ref x, i, standardized, shift, scale);
        v.StoreUnsafe(ref z, (nuint)(slot * SubRows + i));
        return Vector512.FusedMultiplyAdd(v, coef, d);
    }

    /// <summary>A broadcast four-lane value as eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Wide(Vector256<double> broadcast) => Vector512.Create(broadcast.ToScalar());

    /// <summary>Eight float32 features widened exactly, then (x − shift)·scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Widen8(ref float src, int i, bool standardized, Vector512<double> shift, Vector512<double> scale)
    {
        var x = Vector512.WidenLower(Vector256.LoadUnsafe(ref src, (nuint)i).ToVector512Unsafe());
        return standardized ? (x - shift) * scale : x;
    }

    /// <summary>Phase 1 with the features already in the scratch (any feature count, or the design matrix).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MarginsFromScratch(ref BinaryBlock block, scoped ReadOnlySpan<double> coef, int at, int count)
    {
        int f = coef.Length - 1;
        ref double cf = ref MemoryMarshal.GetReference(coef);
        ref double z = ref block.Z;
        bool weighted = block.Weighted, withHessian = block.WithHessian;
        var hits = block.Hits;
        // The loss's lanes 0–3 take the groups at rows ≡ 0 (mod 8), lanes 4–7 the others (the loops start at a row ≡ 0).
        var (lossLo, lossHi, prodLo, prodHi) = (block.LossLo, block.LossHi, block.ProdLo, block.ProdHi);
        ref int labels = ref Unsafe.Add(ref block.Labels, at);
        ref double weights = ref Unsafe.Add(ref block.Weights, weighted ? at : 0);
        for (int i = 0; i < count; i += 4)
        {
            var d = Vector256.Create(Unsafe.Add(ref cf, f));
            for (int k = 0; k < f; k++)
                d = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref z, (nuint)(k * SubRows + i)), Vector256.Create(Unsafe.Add(ref cf, k)), d);
            if ((i & 4) == 0) RowTerms(d, ref labels, ref weights, i, weighted, withHessian, ref block, ref hits, ref lossLo, ref prodLo);
            else RowTerms(d, ref labels, ref weights, i, weighted, withHessian, ref block, ref hits, ref lossHi, ref prodHi);
        }
        block.Hits = hits;
        (block.LossLo, block.LossHi, block.ProdLo, block.ProdHi) = (lossLo, lossHi, prodLo, prodHi);
    }

    /// <summary>Exact widening of a float32 column, then (x − shift)·scale: the design matrix's values, bit for bit.</summary>
    private static void WidenColumn(ReadOnlySpan<float> src, double shift, double scale, Span<double> dst)
    {
        bool standardized = shift != 0.0 || scale != 1.0;
        var sh = Vector256.Create(shift);
        var sc = Vector256.Create(scale);
        ref float s = ref MemoryMarshal.GetReference(src);
        ref double d = ref MemoryMarshal.GetReference(dst);
        for (int i = 0; i < src.Length; i += 4) Widen(ref s, i, standardized, sh, sc).StoreUnsafe(ref d, (nuint)i);
    }

    /// <summary>Four float32 features widened exactly, then (x − shift)·scale: the design matrix's value, bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(ref float src, int i, bool standardized, Vector256<double> shift, Vector256<double> scale)
    {
        var x = Vector256.WidenLower(Vector128.LoadUnsafe(ref src, (nuint)i).ToVector256Unsafe());
        return standardized ? (x - shift) * scale : x;
    }

    /// <summary>
    /// One group of four rows' terms from their margins d: the loss's max(0, ±d) and s = 1 + e^{−|d|} (added to
    /// <paramref name="lossAcc"/> and multiplied into <paramref name="prodAcc"/>, the group's half of the loss lanes; stored
    /// for <see cref="WeightedLoss"/> when rows are weighted), the hit count, the class-1 residual w·(p₁ − [y = 1]) and the
    /// Hessian weight w·p₀·p₁, stored at scratch row <paramref name="i"/>. <paramref name="labels"/> and
    /// <paramref name="weights"/> start at the sub-block's row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowTerms(Vector256<double> d, ref int labels, ref double weights, int i, bool weighted, bool withHessian,
        ref BinaryBlock block, ref Vector256<long> hits, ref Vector256<double> lossAcc, ref Vector256<double> prodAcc)
    {
        var one = Vector256<double>.One;
        var isOne = Vector256.Equals(Vector256.WidenLower(Vector128.LoadUnsafe(ref labels, (nuint)i).ToVector256Unsafe()), Vector256<long>.One).AsDouble();
        var positive = Vector256.GreaterThan(d, Vector256<double>.Zero);
        var e = FastExp.ExpNonPositive(-Vector256.Abs(d));
        var s = one + e;
        var w = weighted ? Vector256.LoadUnsafe(ref weights, (nuint)i) : one;
        // −log p_y = log s + max(0, y = 1 ? −d : d); the greedy prediction is class 1 iff d > 0 (ties go to class 0).
        var mTerm = Vector256.Max(Vector256.ConditionalSelect(isOne, -d, d), Vector256<double>.Zero);
        if (weighted)
        {
            mTerm.StoreUnsafe(ref block.M, (nuint)i);
            s.StoreUnsafe(ref block.S, (nuint)i);
        }
        else
        {
            lossAcc += mTerm;
            prodAcc *= s;
        }
        hits -= (~(isOne ^ positive)).AsInt64();   // a hit's mask is −1
        var invS = one / s;
        var eInvS = e * invS;
        var p1 = Vector256.ConditionalSelect(positive, invS, eInvS);
        // Unweighted rows skip the multiplication by w = 1 (exact either way: the same bits).
        var res = p1 - (one & isOne);
        (weighted ? w * res : res).StoreUnsafe(ref block.Res, (nuint)i);
        if (withHessian)
        {
            var c = invS * eInvS;   // p₀·p₁: one of them is 1/s, the other e/s
            (weighted ? w * c : c).StoreUnsafe(ref block.C, (nuint)i);
        }
    }

    /// <summary>
    /// The weighted loss of a sub-block, Σ w·max(0, ±d) + w·log s per row (no product: the weights differ), row i in
    /// lane i mod 8 as the unweighted loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WeightedLoss(ref BinaryBlock block, int at, int count)
    {
        ref double weights = ref Unsafe.Add(ref block.Weights, at);
        for (int half = 0; half < 2; half++)
        {
            var lossAcc = half == 0 ? block.LossLo : block.LossHi;
            for (int i = half * 4; i < count; i += Lanes)
            {
                var w = Vector256.LoadUnsafe(ref weights, (nuint)i);
                lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref block.M, (nuint)i), lossAcc);
                lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.Log(Vector256.LoadUnsafe(ref block.S, (nuint)i)), lossAcc);
            }
            if (half == 0) block.LossLo = lossAcc; else block.LossHi = lossAcc;
        }
    }

    /// <summary>
    /// Adds Σ_i u_i·φ_{first+j}(i) (for j &lt; <paramref name="n"/> ≤ 4) to the eight-lane accumulator slots
    /// <paramref name="slot"/>…<paramref name="slot"/> + n − 1, where u = <paramref name="weights"/> — or, when
    /// <paramref name="scaleByA"/> ≥ 0, u = weights·φ_scaleByA (the Hessian's c·φ_a, rounded as one product). One call
    /// does one half: the groups of four rows from <paramref name="from"/> (0 or 4) in steps of eight, into lanes
    /// from…from + 3. The sums stay in registers over the <paramref name="count"/> rows of the scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumProducts(ref double weights, ref double z0, int first, int n, ref double acc0, int slot, int from, int count, int scaleByA)
    {
        ref double s0 = ref Unsafe.Add(ref acc0, slot * Lanes + from);
        var a0 = Vector256.LoadUnsafe(ref s0);
        var a1 = n > 1 ? Vector256.LoadUnsafe(ref s0, Lanes) : default;
        var a2 = n > 2 ? Vector256.LoadUnsafe(ref s0, 2 * Lanes) : default;
        var a3 = n > 3 ? Vector256.LoadUnsafe(ref s0, 3 * Lanes) : default;
        ref double f0 = ref Unsafe.Add(ref z0, first * SubRows);
        ref double fa = ref Unsafe.Add(ref z0, Math.Max(scaleByA, 0) * SubRows);
        bool scaled = scaleByA >= 0;
        for (int i = from; i < count; i += Lanes)
        {
            var u = Vector256.LoadUnsafe(ref weights, (nuint)i);
            if (scaled) u *= Vector256.LoadUnsafe(ref fa, (nuint)i);
            a0 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)i), a0);
            if (n > 1) a1 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)(SubRows + i)), a1);
            if (n > 2) a2 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)(2 * SubRows + i)), a2);
            if (n > 3) a3 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref f0, (nuint)(3 * SubRows + i)), a3);
        }
        a0.StoreUnsafe(ref s0);
        if (n > 1) a1.StoreUnsafe(ref s0, Lanes);
        if (n > 2) a2.StoreUnsafe(ref s0, 2 * Lanes);
        if (n > 3) a3.StoreUnsafe(ref s0, 3 * Lanes);
    }
}
