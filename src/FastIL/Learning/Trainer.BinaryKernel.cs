using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.MathKernels;
using FastIL.Policies;

namespace FastIL.Learning;

public sealed partial class Trainer
{
    /// <summary>
    /// The fused kernel for two-class problems (logistic, or softmax with K = 2), four rows at a time. Both depend on
    /// the rows only through the margin d = z₁ − z₀: −log p_y = log(1 + e^{−|d|}) + max(0, ±d), the class-1 residual
    /// r = w·(p₁ − [y = 1]) is minus the class-0 one, and the Hessian weight is w·p₀·p₁ for every block. So one dot
    /// product, one exp, F + 1 gradient and (F + 1)(F + 2)/2 Hessian sums per row serve both classes, with no loop over
    /// classes (the general <see cref="FusedRows"/> kernel does K of each). Returns the rows handled (a multiple of four).
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
        Span<double> phiv = stackalloc double[fe * 4];
        ref double g0 = ref MemoryMarshal.GetReference(gacc);
        ref double h0 = ref MemoryMarshal.GetReference(hacc);
        ref double pv = ref MemoryMarshal.GetReference(phiv);
        ref double cf = ref MemoryMarshal.GetReference(coef);
        ref int lab = ref MemoryMarshal.GetArrayDataReference(_labels);
        ref double wt = ref MemoryMarshal.GetArrayDataReference(_w);
        double[][] cols = _phi;
        var one = Vector256<double>.One;
        var lossAcc = Vector256<double>.Zero;
        var hits = Vector256<double>.Zero;
        var sProduct = one;
        int pending = 0;
        one.StoreUnsafe(ref pv, (nuint)(f * 4));
        for (int i = 0; i < n4; i += 4)
        {
            int row = r0 + i;
            var d = Vector256.Create(Unsafe.Add(ref cf, f));
            for (int k = 0; k < f; k++)
            {
                var x = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(cols[k]), (nuint)row);
                x.StoreUnsafe(ref pv, (nuint)(k * 4));
                d = Vector256.FusedMultiplyAdd(x, Vector256.Create(Unsafe.Add(ref cf, k)), d);
            }
            var isOne = Vector256.Equals(Vector256.ConvertToDouble(Vector256.WidenLower(Vector128.LoadUnsafe(ref lab, (nuint)row).ToVector256Unsafe())), one);
            var positive = Vector256.GreaterThan(d, Vector256<double>.Zero);
            var e = FastExp.ExpNonPositive(-Vector256.Abs(d));
            var s = one + e;
            var w = weighted ? Vector256.LoadUnsafe(ref wt, (nuint)row) : one;
            // −log p_y = log s + max(0, y = 1 ? −d : d); the greedy prediction is class 1 iff d > 0 (ties go to class 0).
            lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.Max(Vector256.ConditionalSelect(isOne, -d, d), Vector256<double>.Zero), lossAcc);
            if (weighted) lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.Log(s), lossAcc);
            else
            {
                sProduct *= s;   // s ∈ [1, 2]: the log of eight products at once cannot overflow
                if (++pending == 8) { lossAcc += Vector256.Log(sProduct); sProduct = one; pending = 0; }
            }
            hits += Vector256.AndNot(one, isOne ^ positive);
            var invS = one / s;
            var eInvS = e * invS;
            var p1 = Vector256.ConditionalSelect(positive, invS, eInvS);
            var res = w * (p1 - (one & isOne));
            for (int a = 0; a < fe; a++)
            {
                ref double slot = ref Unsafe.Add(ref g0, a * 4);
                Vector256.FusedMultiplyAdd(res, Vector256.LoadUnsafe(ref pv, (nuint)(a * 4)), Vector256.LoadUnsafe(ref slot)).StoreUnsafe(ref slot);
            }
            if (withHessian)
            {
                var c = w * (invS * eInvS);   // w·p₀·p₁: one of them is 1/s, the other e/s
                int ab = 0;
                for (int a = 0; a < fe; a++)
                {
                    var ca = c * Vector256.LoadUnsafe(ref pv, (nuint)(a * 4));
                    for (int b = a; b < fe; b++, ab++)
                    {
                        ref double slot = ref Unsafe.Add(ref h0, ab * 4);
                        Vector256.FusedMultiplyAdd(ca, Vector256.LoadUnsafe(ref pv, (nuint)(b * 4)), Vector256.LoadUnsafe(ref slot)).StoreUnsafe(ref slot);
                    }
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
}
