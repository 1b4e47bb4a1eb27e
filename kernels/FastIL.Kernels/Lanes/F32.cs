using System.Runtime.CompilerServices;
using FastIL.Kernels.MathKernels;

namespace FastIL.Kernels.Lanes;

/// <summary>
/// One float32 lane: the scalar reference of the SIMD paths. Uses <see cref="FastSinCos"/> (the same polynomial,
/// same fused operations as the vector paths), so scalar and SIMD results are bit-identical. Masks are 1 and 0.
/// </summary>
public readonly struct F32 : ILane<F32, float>
{
    /// <summary>The lane's value.</summary>
    public readonly float V;

    /// <summary>Wraps a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public F32(float v) => V = v;

    /// <inheritdoc/>
    public static int Count => 1;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Const(double value) => new((float)value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator +(F32 a, F32 b) => new(a.V + b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator -(F32 a, F32 b) => new(a.V - b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator *(F32 a, F32 b) => new(a.V * b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator /(F32 a, F32 b) => new(a.V / b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 operator -(F32 a) => new(-a.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(F32 x, out F32 sin, out F32 cos)
    {
        FastSinCos.SinCos(x.V, out float s, out float c);
        sin = new(s);
        cos = new(c);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Sin(F32 x) { FastSinCos.SinCos(x.V, out float s, out _); return new(s); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Cos(F32 x) { FastSinCos.SinCos(x.V, out _, out float c); return new(c); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Floor(F32 x) => new(MathF.Floor(x.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32 FloorMod(F32 a, double m)
    {
        // a − floor(a/m)·m, then nudged into [0, m): the same operations as the vector lanes.
        float mf = (float)m;
        float r = a.V - MathF.Floor(a.V / mf) * mf;
        r = r < 0 ? r + mf : r;
        r = r >= mf ? r - mf : r;
        return new(r);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 LessThan(F32 a, F32 b) => M(a.V < b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 GreaterThan(F32 a, F32 b) => M(a.V > b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 GreaterOrEqual(F32 a, F32 b) => M(a.V >= b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Equal(F32 a, F32 b) => M(a.V == b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32 GreaterThanReal(F32 x, double c)
    {
        float t = RealHelpers.SingleThresholdAbove(c, out bool inclusive);
        return M(inclusive ? x.V >= t : x.V > t);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32 GreaterOrEqualReal(F32 x, double c)
    {
        // x >= c  <=>  !(c > x)  <=>  x > t' with t' the largest float below c ... expressed through the float nearest c:
        float t = (float)c;
        return M(t < c ? x.V > t : x.V >= t);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F32 LessThanReal(F32 x, double c)
    {
        float t = (float)c;
        return M(t < c ? x.V <= t : x.V < t);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 And(F32 a, F32 b) => M(a.V != 0 & b.V != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Or(F32 a, F32 b) => M(a.V != 0 | b.V != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Select(F32 m, F32 t, F32 f) => m.V != 0 ? t : f;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(F32 m) => m.V != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint MaskBits(F32 m) => m.V != 0 ? 1u : 0u;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 MaskFromBits(uint bits) => M((bits & 1) != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 RoundToSingle(F32 x) => x;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 Load(ref float source) => new(source);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F32 LoadInt(ref int source) => new(source);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(F32 value, ref float destination) => destination = value.V;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreSingle(F32 value, ref float destination) => destination = value.V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static F32 M(bool b) => new(b ? 1f : 0f);
}
