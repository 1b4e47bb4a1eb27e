using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Kernels.MathKernels;

/// <summary>
/// Float32 sine and cosine computed together: Cody–Waite reduction by π/2 in three fused steps, then the
/// Cephes minimax polynomials on [-π/4, π/4]. The scalar, Vector256 and Vector512 versions perform the same
/// IEEE operations in the same order (fused where written fused), so they agree bit for bit.
/// </summary>
/// <remarks>
/// Accuracy: within 2 ulp of the correctly rounded result for |x| ≤ 1e5 (tested against <see cref="Math.Sin"/>
/// in double); beyond that the three-part reduction loses bits gradually. Classic-control states stay far below.
/// </remarks>
public static class FastSinCos
{
    // 2/π rounded to float.
    private const float TwoOverPi = 0.636619772367581343f;
    // π/2 = P1 + P2 + P3 with each part a float (P1 = float(π/2), P2 = float(π/2 − P1), P3 = the next 24 bits).
    private static float P1 => BitConverter.Int32BitsToSingle(0x3FC90FDB);
    private static float P2 => BitConverter.Int32BitsToSingle(unchecked((int)0xB33BBD2E));
    private static float P3 => BitConverter.Int32BitsToSingle(unchecked((int)0xA7772CED));

    private const float S1 = -1.6666654611e-1f, S2 = 8.3321608736e-3f, S3 = -1.9515295891e-4f;
    private const float C1 = 4.166664568298827e-2f, C2 = -1.388731625493765e-3f, C3 = 2.443315711809948e-5f;

    /// <summary>Scalar reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SinCos(float x, out float sin, out float cos)
    {
        float j = MathF.Round(x * TwoOverPi, MidpointRounding.ToEven);
        float y = MathF.FusedMultiplyAdd(-j, P1, x);
        y = MathF.FusedMultiplyAdd(-j, P2, y);
        y = MathF.FusedMultiplyAdd(-j, P3, y);
        float z = y * y;
        float ps = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(S3, z, S2), z, S1);
        float s = MathF.FusedMultiplyAdd(ps * z, y, y);
        float pc = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(C3, z, C2), z, C1);
        float c = MathF.FusedMultiplyAdd(pc * z, z, MathF.FusedMultiplyAdd(-0.5f, z, 1f));
        // Quadrant from the low bits of j; float→int conversion of huge/NaN j only affects garbage-in lanes.
        int q = float.IsFinite(j) && MathF.Abs(j) < 2.1e9f ? (int)j : 0;
        bool swap = (q & 1) != 0;
        float sinBase = swap ? c : s;
        float cosBase = swap ? s : c;
        sin = (q & 2) != 0 ? -sinBase : sinBase;
        cos = ((q + 1) & 2) != 0 ? -cosBase : cosBase;
    }

    /// <summary>Eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SinCos(Vector256<float> x, out Vector256<float> sin, out Vector256<float> cos)
    {
        Vector256<float> j = Vector256.Round(x * Vector256.Create(TwoOverPi));
        Vector256<float> nj = -j;
        Vector256<float> y = Vector256.FusedMultiplyAdd(nj, Vector256.Create(P1), x);
        y = Vector256.FusedMultiplyAdd(nj, Vector256.Create(P2), y);
        y = Vector256.FusedMultiplyAdd(nj, Vector256.Create(P3), y);
        Vector256<float> z = y * y;
        Vector256<float> ps = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(S3), z, Vector256.Create(S2)), z, Vector256.Create(S1));
        Vector256<float> s = Vector256.FusedMultiplyAdd(ps * z, y, y);
        Vector256<float> pc = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(C3), z, Vector256.Create(C2)), z, Vector256.Create(C1));
        Vector256<float> c = Vector256.FusedMultiplyAdd(pc * z, z, Vector256.FusedMultiplyAdd(Vector256.Create(-0.5f), z, Vector256<float>.One));
        // Non-finite j (NaN/inf input) gives quadrant 0, as in the scalar path.
        Vector256<int> q = Vector256.ConvertToInt32(j) & Vector256.Equals(j, j).AsInt32() & Vector256.LessThan(Vector256.Abs(j), Vector256.Create(2.1e9f)).AsInt32();
        Vector256<float> swap = Vector256.Equals(q & Vector256<int>.One, Vector256<int>.One).AsSingle();
        Vector256<float> sinBase = Vector256.ConditionalSelect(swap, c, s);
        Vector256<float> cosBase = Vector256.ConditionalSelect(swap, s, c);
        Vector256<float> signSin = (Vector256.ShiftLeft(q & Vector256.Create(2), 30)).AsSingle();
        Vector256<float> signCos = (Vector256.ShiftLeft((q + Vector256<int>.One) & Vector256.Create(2), 30)).AsSingle();
        sin = sinBase ^ signSin;
        cos = cosBase ^ signCos;
    }

    /// <summary>Sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SinCos(Vector512<float> x, out Vector512<float> sin, out Vector512<float> cos)
    {
        Vector512<float> j = Vector512.Round(x * Vector512.Create(TwoOverPi));
        Vector512<float> nj = -j;
        Vector512<float> y = Vector512.FusedMultiplyAdd(nj, Vector512.Create(P1), x);
        y = Vector512.FusedMultiplyAdd(nj, Vector512.Create(P2), y);
        y = Vector512.FusedMultiplyAdd(nj, Vector512.Create(P3), y);
        Vector512<float> z = y * y;
        Vector512<float> ps = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(S3), z, Vector512.Create(S2)), z, Vector512.Create(S1));
        Vector512<float> s = Vector512.FusedMultiplyAdd(ps * z, y, y);
        Vector512<float> pc = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(C3), z, Vector512.Create(C2)), z, Vector512.Create(C1));
        Vector512<float> c = Vector512.FusedMultiplyAdd(pc * z, z, Vector512.FusedMultiplyAdd(Vector512.Create(-0.5f), z, Vector512<float>.One));
        Vector512<int> q = Vector512.ConvertToInt32(j) & Vector512.Equals(j, j).AsInt32() & Vector512.LessThan(Vector512.Abs(j), Vector512.Create(2.1e9f)).AsInt32();
        Vector512<float> swap = Vector512.Equals(q & Vector512<int>.One, Vector512<int>.One).AsSingle();
        Vector512<float> sinBase = Vector512.ConditionalSelect(swap, c, s);
        Vector512<float> cosBase = Vector512.ConditionalSelect(swap, s, c);
        Vector512<float> signSin = (Vector512.ShiftLeft(q & Vector512.Create(2), 30)).AsSingle();
        Vector512<float> signCos = (Vector512.ShiftLeft((q + Vector512<int>.One) & Vector512.Create(2), 30)).AsSingle();
        sin = sinBase ^ signSin;
        cos = cosBase ^ signCos;
    }

    /// <summary>
    /// cos over a column, sixteen or eight lanes at a time and the tail one by one: every element gets the same
    /// bits wherever it sits (the BCL's vectorized cos takes another algorithm for its scalar tail). Used by
    /// random-Fourier-feature inference, which the ILGPU kernels reproduce with the same polynomial.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Cos(ReadOnlySpan<float> x, Span<float> destination)
    {
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) { SinCos(Vector512.Create(x.Slice(i, 16)), out _, out var c); c.CopyTo(destination.Slice(i, 16)); }
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) { SinCos(Vector256.Create(x.Slice(i, 8)), out _, out var c); c.CopyTo(destination.Slice(i, 8)); }
        for (; i < n; i++) { SinCos(x[i], out _, out float c); destination[i] = c; }
    }
}
