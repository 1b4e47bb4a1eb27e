using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Kernels.MathKernels;

/// <summary>
/// exp(x) for x ≤ 0 in double precision, small enough to inline into hot loops (the BCL's vector Exp is an
/// out-of-line call, and every call spills the caller's live vector registers). Reduction x = k·ln2 + r with
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

    // 1/k! for k = 12 … 2, then 1, 1 (Horner from the top).
    private static ReadOnlySpan<double> C => [1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1.0, 1.0];

    /// <summary>Scalar reference (x ≤ 0; NaN gives NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ExpNonPositive(double x)
    {
        if (x < MinArg) return 0.0;
        double k = Math.Round(x * Log2E, MidpointRounding.ToEven);
        double r = Math.FusedMultiplyAdd(-k, Ln2Hi, x);
        r = Math.FusedMultiplyAdd(-k, Ln2Lo, r);
        ReadOnlySpan<double> c = C;
        double p = c[0];
        for (int i = 1; i < c.Length; i++) p = Math.FusedMultiplyAdd(p, r, c[i]);
        long bits = BitConverter.DoubleToInt64Bits(p) + ((long)k << 52);
        return BitConverter.Int64BitsToDouble(bits);
    }

    /// <summary>Four lanes (x ≤ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ExpNonPositive(Vector256<double> x)
    {
        var tooSmall = Vector256.LessThan(x, Vector256.Create(MinArg));
        var xc = Vector256.Max(x, Vector256.Create(MinArg));
        var k = Vector256.Round(xc * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Hi), xc);
        r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(Ln2Lo), r);
        ReadOnlySpan<double> c = C;
        var p = Vector256.Create(c[0]);
        for (int i = 1; i < c.Length; i++) p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(c[i]));
        var scaled = (p.AsInt64() + Vector256.ShiftLeft(Vector256.ConvertToInt64(k), 52)).AsDouble();
        return Vector256.ConditionalSelect(tooSmall, Vector256<double>.Zero, scaled);
    }
}
