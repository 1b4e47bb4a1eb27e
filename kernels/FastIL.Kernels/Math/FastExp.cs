using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Kernels.MathKernels;

/// <summary>
/// exp(x) for x ≤ 0 in double precision, small enough to inline into hot loops (the BCL's vector Exp is an
/// out-of-line call, and every call spills the caller's live vector registers). Reduction x = k·ln2 + r (k by the shifter trick) with
/// ln2 split in two parts, |r| ≤ ln2/2, then a degree-12 Taylor polynomial (truncation error below 2e-16
/// relative), then scaling by 2^k through the exponent bits. Results below 2^-1022 flush to 0.
/// The scalar and vector versions perform the same operations, so they agree bit for bit.
/// </summary>
public static class FastExp
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 0.693147180369123816490;      // ln2 with its low 32 bits cleared
    private const double Ln2Lo = 1.90821492927058770002e-10;   // ln2 − Ln2Hi
    private const double MinArg = -708.0;                       // exp(−708) ≈ 3.3e−308: still normal
    // 1.5·2^52: adding it rounds to an integer held in the low mantissa bits (no float→int conversion, which
    // AVX2 lacks for 64-bit lanes); those bits shifted into the exponent field multiply by 2^k.
    private const double Shifter = 6755399441055744.0;
    private const double C12 = 1.0 / 479001600, C11 = 1.0 / 39916800, C10 = 1.0 / 3628800, C9 = 1.0 / 362880, C8 = 1.0 / 40320,
        C7 = 1.0 / 5040, C6 = 1.0 / 720, C5 = 1.0 / 120, C4 = 1.0 / 24, C3 = 1.0 / 6, C2 = 0.5;

    /// <summary>Scalar reference (x ≤ 0; NaN gives NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double ExpNonPositive(double x)
    {
        bool tooSmall = x < MinArg;
        double xc = Math.Max(x, MinArg);
        double kd = Math.FusedMultiplyAdd(xc, Log2E, Shifter);
        double k = kd - Shifter;
        double r = Math.FusedMultiplyAdd(-k, Ln2Hi, xc);
        r = Math.FusedMultiplyAdd(-k, Ln2Lo, r);
        // Estrin's scheme: the same degree-12 polynomial with a dependency depth of five instead of twelve.
        double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
        double q0 = Math.FusedMultiplyAdd(r, 1.0, 1.0), q1 = Math.FusedMultiplyAdd(C3, r, C2), q2 = Math.FusedMultiplyAdd(C5, r, C4);
        double q3 = Math.FusedMultiplyAdd(C7, r, C6), q4 = Math.FusedMultiplyAdd(C9, r, C8), q5 = Math.FusedMultiplyAdd(C11, r, C10);
        double s0 = Math.FusedMultiplyAdd(q1, r2, q0), s1 = Math.FusedMultiplyAdd(q3, r2, q2), s2 = Math.FusedMultiplyAdd(q5, r2, q4);
        double t0 = Math.FusedMultiplyAdd(s1, r4, s0), t1 = Math.FusedMultiplyAdd(C12, r4, s2);
        double p = Math.FusedMultiplyAdd(t1, r8, t0);
        double scaled = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(p) + (BitConverter.DoubleToInt64Bits(kd) << 52));
        return tooSmall ? 0.0 : scaled;
    }

    /// <summary>Four lanes (x ≤ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> ExpNonPositive(Vector256<double> x)
    {
        var tooSmall = Vector256.LessThan(x, Vector256.Create(MinArg));
        var xc = Vector256.Max(x, Vector256.Create(MinArg));
        var kd = Vector256.FusedMultiplyAdd(xc, Vector256.Create(Log2E), Vector256.Create(Shifter));
        var k = kd - Vector256.Create(Shifter);
        var r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Hi), xc);
        r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Lo), r);
        var r2 = r * r; var r4 = r2 * r2; var r8 = r4 * r4;
        var q0 = Vector256.FusedMultiplyAdd(r, Vector256<double>.One, Vector256<double>.One);
        var q1 = Vector256.FusedMultiplyAdd(Vector256.Create(C3), r, Vector256.Create(C2));
        var q2 = Vector256.FusedMultiplyAdd(Vector256.Create(C5), r, Vector256.Create(C4));
        var q3 = Vector256.FusedMultiplyAdd(Vector256.Create(C7), r, Vector256.Create(C6));
        var q4 = Vector256.FusedMultiplyAdd(Vector256.Create(C9), r, Vector256.Create(C8));
        var q5 = Vector256.FusedMultiplyAdd(Vector256.Create(C11), r, Vector256.Create(C10));
        var s0 = Vector256.FusedMultiplyAdd(q1, r2, q0);
        var s1 = Vector256.FusedMultiplyAdd(q3, r2, q2);
        var s2 = Vector256.FusedMultiplyAdd(q5, r2, q4);
        var t0 = Vector256.FusedMultiplyAdd(s1, r4, s0);
        var t1 = Vector256.FusedMultiplyAdd(Vector256.Create(C12), r4, s2);
        var p = Vector256.FusedMultiplyAdd(t1, r8, t0);
        var scaled = (p.AsInt64() + Vector256.ShiftLeft(kd.AsInt64(), 52)).AsDouble();
        return Vector256.ConditionalSelect(tooSmall, Vector256<double>.Zero, scaled);
    }

    /// <summary>Eight lanes (x ≤ 0): the four-lane version's operations, lane for lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> ExpNonPositive(Vector512<double> x)
    {
        var tooSmall = Vector512.LessThan(x, Vector512.Create(MinArg));
        var xc = Vector512.Max(x, Vector512.Create(MinArg));
        var kd = Vector512.FusedMultiplyAdd(xc, Vector512.Create(Log2E), Vector512.Create(Shifter));
        var k = kd - Vector512.Create(Shifter);
        var r = Vector512.FusedMultiplyAdd(-k, Vector512.Create(Ln2Hi), xc);
        r = Vector512.FusedMultiplyAdd(-k, Vector512.Create(Ln2Lo), r);
        var r2 = r * r; var r4 = r2 * r2; var r8 = r4 * r4;
        var q0 = Vector512.FusedMultiplyAdd(r, Vector512<double>.One, Vector512<double>.One);
        var q1 = Vector512.FusedMultiplyAdd(Vector512.Create(C3), r, Vector512.Create(C2));
        var q2 = Vector512.FusedMultiplyAdd(Vector512.Create(C5), r, Vector512.Create(C4));
        var q3 = Vector512.FusedMultiplyAdd(Vector512.Create(C7), r, Vector512.Create(C6));
        var q4 = Vector512.FusedMultiplyAdd(Vector512.Create(C9), r, Vector512.Create(C8));
        var q5 = Vector512.FusedMultiplyAdd(Vector512.Create(C11), r, Vector512.Create(C10));
        var s0 = Vector512.FusedMultiplyAdd(q1, r2, q0);
        var s1 = Vector512.FusedMultiplyAdd(q3, r2, q2);
        var s2 = Vector512.FusedMultiplyAdd(q5, r2, q4);
        var t0 = Vector512.FusedMultiplyAdd(s1, r4, s0);
        var t1 = Vector512.FusedMultiplyAdd(Vector512.Create(C12), r4, s2);
        var p = Vector512.FusedMultiplyAdd(t1, r8, t0);
        var scaled = (p.AsInt64() + Vector512.ShiftLeft(kd.AsInt64(), 52)).AsDouble();
        return Vector512.ConditionalSelect(tooSmall, Vector512<double>.Zero, scaled);
    }
}
