using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Kernels.MathKernels;

/// <summary>
/// Float64 cosine over columns with the same IEEE operations on every path (scalar, Vector256, Vector512), so an
/// element's bits never depend on where it sits or which code the JIT produced: reduction by π/2 in three fused
/// steps, then fdlibm's kernel polynomials on [−π/4, π/4], every multiply-add fused. For random-Fourier-feature
/// training, where the BCL's vectorized cos differed between its ReadyToRun and tier-1 code and by alignment.
/// </summary>
/// <remarks>Within 2 ulp of the correctly rounded cosine for |x| ≤ 1e5 (tested against <see cref="Math.Cos"/>).</remarks>
public static class FastCos64
{
    private const double TwoOverPi = 0.63661977236758134308;
    // π/2 = P1 + P2 + P3, each a double (P1 the nearest double to π/2, then the next two 53-bit pieces).
    private const double P1 = 1.5707963267948966, P2 = 6.123233995736766e-17, P3 = -1.4973849048591698e-33;
    // fdlibm's __kernel_sin and __kernel_cos coefficients.
    private const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04,
        S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
    private const double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05,
        C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;

    /// <summary>cos of one value: the scalar reference of the vector paths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double Cos(double x)
    {
        double j = Math.Round(x * TwoOverPi, MidpointRounding.ToEven);
        double y = Math.FusedMultiplyAdd(-j, P1, x);
        y = Math.FusedMultiplyAdd(-j, P2, y);
        y = Math.FusedMultiplyAdd(-j, P3, y);
        double z = y * y;
        double ps = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(S6, z, S5), z, S4), z, S3), z, S2), z, S1);
        double s = Math.FusedMultiplyAdd(ps * z, y, y);
        double pc = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(C6, z, C5), z, C4), z, C3), z, C2), z, C1);
        double c = Math.FusedMultiplyAdd(pc * z, z, Math.FusedMultiplyAdd(-0.5, z, 1.0));
        long q = double.IsFinite(j) && Math.Abs(j) < 4e18 ? (long)j : 0;
        // cos(y + qπ/2): q mod 4 = 0 → c, 1 → −s, 2 → −c, 3 → s.
        double b = (q & 1) != 0 ? s : c;
        return ((q + 1) & 2) != 0 ? -b : b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<double> Cos(Vector256<double> x)
    {
        Vector256<double> j = Vector256.Round(x * Vector256.Create(TwoOverPi)), nj = -j;
        Vector256<double> y = Vector256.FusedMultiplyAdd(nj, Vector256.Create(P1), x);
        y = Vector256.FusedMultiplyAdd(nj, Vector256.Create(P2), y);
        y = Vector256.FusedMultiplyAdd(nj, Vector256.Create(P3), y);
        Vector256<double> z = y * y;
        Vector256<double> ps = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(
            Vector256.Create(S6), z, Vector256.Create(S5)), z, Vector256.Create(S4)), z, Vector256.Create(S3)), z, Vector256.Create(S2)), z, Vector256.Create(S1));
        Vector256<double> s = Vector256.FusedMultiplyAdd(ps * z, y, y);
        Vector256<double> pc = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(
            Vector256.Create(C6), z, Vector256.Create(C5)), z, Vector256.Create(C4)), z, Vector256.Create(C3)), z, Vector256.Create(C2)), z, Vector256.Create(C1));
        Vector256<double> c = Vector256.FusedMultiplyAdd(pc * z, z, Vector256.FusedMultiplyAdd(Vector256.Create(-0.5), z, Vector256<double>.One));
        Vector256<long> q = Vector256.ConvertToInt64(j) & Vector256.Equals(j, j).AsInt64() & Vector256.LessThan(Vector256.Abs(j), Vector256.Create(4e18)).AsInt64();
        Vector256<double> odd = Vector256.Equals(q & Vector256<long>.One, Vector256<long>.One).AsDouble();
        Vector256<double> b = Vector256.ConditionalSelect(odd, s, c);
        Vector256<double> sign = Vector256.ShiftLeft((q + Vector256<long>.One) & Vector256.Create(2L), 62).AsDouble();
        return b ^ sign;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<double> Cos(Vector512<double> x)
    {
        Vector512<double> j = Vector512.Round(x * Vector512.Create(TwoOverPi)), nj = -j;
        Vector512<double> y = Vector512.FusedMultiplyAdd(nj, Vector512.Create(P1), x);
        y = Vector512.FusedMultiplyAdd(nj, Vector512.Create(P2), y);
        y = Vector512.FusedMultiplyAdd(nj, Vector512.Create(P3), y);
        Vector512<double> z = y * y;
        Vector512<double> ps = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(
            Vector512.Create(S6), z, Vector512.Create(S5)), z, Vector512.Create(S4)), z, Vector512.Create(S3)), z, Vector512.Create(S2)), z, Vector512.Create(S1));
        Vector512<double> s = Vector512.FusedMultiplyAdd(ps * z, y, y);
        Vector512<double> pc = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(
            Vector512.Create(C6), z, Vector512.Create(C5)), z, Vector512.Create(C4)), z, Vector512.Create(C3)), z, Vector512.Create(C2)), z, Vector512.Create(C1));
        Vector512<double> c = Vector512.FusedMultiplyAdd(pc * z, z, Vector512.FusedMultiplyAdd(Vector512.Create(-0.5), z, Vector512<double>.One));
        Vector512<long> q = Vector512.ConvertToInt64(j) & Vector512.Equals(j, j).AsInt64() & Vector512.LessThan(Vector512.Abs(j), Vector512.Create(4e18)).AsInt64();
        Vector512<double> odd = Vector512.Equals(q & Vector512<long>.One, Vector512<long>.One).AsDouble();
        Vector512<double> b = Vector512.ConditionalSelect(odd, s, c);
        Vector512<double> sign = Vector512.ShiftLeft((q + Vector512<long>.One) & Vector512.Create(2L), 62).AsDouble();
        return b ^ sign;
    }

    /// <summary>cos of every element, in place or into <paramref name="destination"/>; identical bits on every path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Cos(ReadOnlySpan<double> x, Span<double> destination)
    {
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Cos(Vector512.Create(x.Slice(i, 8))).CopyTo(destination.Slice(i, 8));
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 4; i += 4) Cos(Vector256.Create(x.Slice(i, 4))).CopyTo(destination.Slice(i, 4));
        for (; i < n; i++) destination[i] = Cos(x[i]);
    }

    /// <summary>The Vector256 path alone over a column (for the agreement tests on machines with AVX-512).</summary>
    public static void CosVector256(ReadOnlySpan<double> x, Span<double> destination)
    {
        int n = x.Length, i = 0;
        for (; i <= n - 4; i += 4) Cos(Vector256.Create(x.Slice(i, 4))).CopyTo(destination.Slice(i, 4));
        for (; i < n; i++) destination[i] = Cos(x[i]);
    }
}
