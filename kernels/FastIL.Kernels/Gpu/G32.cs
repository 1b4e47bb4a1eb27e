using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Gpu;

/// <summary>
/// One float32 lane for ILGPU kernels: the same arithmetic as <see cref="F32"/> (the scalar reference of the SIMD
/// paths), with every rounding operation going through <see cref="Ieee"/> so that PTX keeps it unfused. Sine and
/// cosine are <see cref="MathKernels.FastSinCos"/>'s polynomial, step for step. Masks are 1 and 0.
/// </summary>
public readonly struct G32 : IReal<G32>
{
    /// <summary>The lane's value.</summary>
    public readonly float V;

    /// <summary>Wraps a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public G32(float v) => V = v;

    // FastSinCos' constants (see there): 2/π, π/2 in three parts, the Cephes polynomials.
    private const float TwoOverPi = 0.636619772367581343f;
    private const int P1Bits = 0x3FC90FDB, P2Bits = unchecked((int)0xB33BBD2E), P3Bits = unchecked((int)0xA7772CED);
    private const float S1 = -1.6666654611e-1f, S2 = 8.3321608736e-3f, S3 = -1.9515295891e-4f;
    private const float C1 = 4.166664568298827e-2f, C2 = -1.388731625493765e-3f, C3 = 2.443315711809948e-5f;

    /// <inheritdoc/>
    public static int Count => 1;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 Const(double value) => new((float)value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 operator +(G32 a, G32 b) => new(Ieee.Add(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 operator -(G32 a, G32 b) => new(Ieee.Sub(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 operator *(G32 a, G32 b) => new(Ieee.Mul(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 operator /(G32 a, G32 b) => new(Ieee.Div(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 operator -(G32 a) => new(-a.V);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(G32 x, out G32 sin, out G32 cos)
    {
        float xv = x.V;
        float j = Ieee.RoundEven(Ieee.Mul(xv, TwoOverPi));
        float nj = -j;
        float y = Ieee.Fma(nj, BitConverter.Int32BitsToSingle(P1Bits), xv);
        y = Ieee.Fma(nj, BitConverter.Int32BitsToSingle(P2Bits), y);
        y = Ieee.Fma(nj, BitConverter.Int32BitsToSingle(P3Bits), y);
        float z = Ieee.Mul(y, y);
        float ps = Ieee.Fma(Ieee.Fma(S3, z, S2), z, S1);
        float s = Ieee.Fma(Ieee.Mul(ps, z), y, y);
        float pc = Ieee.Fma(Ieee.Fma(C3, z, C2), z, C1);
        float c = Ieee.Fma(Ieee.Mul(pc, z), z, Ieee.Fma(-0.5f, z, 1f));
        int q = float.IsFinite(j) && MathF.Abs(j) < 2.1e9f ? (int)j : 0;
        bool swap = (q & 1) != 0;
        float sinBase = swap ? c : s;
        float cosBase = swap ? s : c;
        sin = new((q & 2) != 0 ? -sinBase : sinBase);
        cos = new(((q + 1) & 2) != 0 ? -cosBase : cosBase);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 Sin(G32 x) { SinCos(x, out G32 s, out _); return s; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 Cos(G32 x) { SinCos(x, out _, out G32 c); return c; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 Floor(G32 x) => new(Ieee.Floor(x.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static G32 FloorMod(G32 a, double m)
    {
        float mf = (float)m;
        float r = Ieee.Sub(a.V, Ieee.Mul(Ieee.Floor(Ieee.Div(a.V, mf)), mf));
        r = r < 0 ? Ieee.Add(r, mf) : r;
        r = r >= mf ? Ieee.Sub(r, mf) : r;
        return new(r);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 LessThan(G32 a, G32 b) => M(a.V < b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 GreaterThan(G32 a, G32 b) => M(a.V > b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 GreaterOrEqual(G32 a, G32 b) => M(a.V >= b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 Equal(G32 a, G32 b) => M(a.V == b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static G32 GreaterThanReal(G32 x, double c)
    {
        float t = RealHelpers.SingleThresholdAbove(c, out bool inclusive);
        return M(inclusive ? x.V >= t : x.V > t);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static G32 GreaterOrEqualReal(G32 x, double c)
    {
        float t = (float)c;
        return M(t < c ? x.V > t : x.V >= t);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static G32 LessThanReal(G32 x, double c)
    {
        float t = (float)c;
        return M(t < c ? x.V <= t : x.V < t);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 And(G32 a, G32 b) => M(a.V != 0 & b.V != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 Or(G32 a, G32 b) => M(a.V != 0 | b.V != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 Select(G32 m, G32 t, G32 f) => m.V != 0 ? t : f;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(G32 m) => m.V != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint MaskBits(G32 m) => m.V != 0 ? 1u : 0u;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 MaskFromBits(uint bits) => M((bits & 1) != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static G32 RoundToSingle(G32 x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static G32 M(bool b) => new(b ? 1f : 0f);
}
