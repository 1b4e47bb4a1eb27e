using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.MathKernels;

namespace FastIL.Kernels.Lanes;

/// <summary>
/// Eight float32 lanes in a <see cref="Vector256{T}"/>. Same rounding as <see cref="F32"/> in every operation, so results
/// are bit-identical to the scalar reference. Masks are all-ones lanes.
/// </summary>
public readonly struct V256F32 : ILane<V256F32, float>
{
    /// <summary>The lanes.</summary>
    public readonly Vector256<float> V;

    /// <summary>Wraps a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V256F32(Vector256<float> v) => V = v;

    /// <inheritdoc/>
    public static int Count => Vector256<float>.Count;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Const(double value) => new(Vector256.Create((float)value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 operator +(V256F32 a, V256F32 b) => new(a.V + b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 operator -(V256F32 a, V256F32 b) => new(a.V - b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 operator *(V256F32 a, V256F32 b) => new(a.V * b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 operator /(V256F32 a, V256F32 b) => new(a.V / b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 operator -(V256F32 a) => new(-a.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(V256F32 x, out V256F32 sin, out V256F32 cos)
    {
        FastSinCos.SinCos(x.V, out Vector256<float> s, out Vector256<float> c);
        sin = new(s);
        cos = new(c);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Sin(V256F32 x) { FastSinCos.SinCos(x.V, out Vector256<float> s, out _); return new(s); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Cos(V256F32 x) { FastSinCos.SinCos(x.V, out _, out Vector256<float> c); return new(c); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Floor(V256F32 x) => new(Vector256.Floor(x.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256F32 FloorMod(V256F32 a, double m)
    {
        Vector256<float> mf = Vector256.Create((float)m);
        Vector256<float> r = a.V - Vector256.Floor(a.V / mf) * mf;
        r = Vector256.ConditionalSelect(Vector256.LessThan(r, Vector256<float>.Zero), r + mf, r);
        r = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(r, mf), r - mf, r);
        return new(r);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 LessThan(V256F32 a, V256F32 b) => new(Vector256.LessThan(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 GreaterThan(V256F32 a, V256F32 b) => new(Vector256.GreaterThan(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 GreaterOrEqual(V256F32 a, V256F32 b) => new(Vector256.GreaterThanOrEqual(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Equal(V256F32 a, V256F32 b) => new(Vector256.Equals(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256F32 GreaterThanReal(V256F32 x, double c)
    {
        float t = RealHelpers.SingleThresholdAbove(c, out bool inclusive);
        return new(inclusive ? Vector256.GreaterThanOrEqual(x.V, Vector256.Create(t)) : Vector256.GreaterThan(x.V, Vector256.Create(t)));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256F32 GreaterOrEqualReal(V256F32 x, double c)
    {
        float t = (float)c;
        return new(t < c ? Vector256.GreaterThan(x.V, Vector256.Create(t)) : Vector256.GreaterThanOrEqual(x.V, Vector256.Create(t)));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256F32 LessThanReal(V256F32 x, double c)
    {
        float t = (float)c;
        return new(t < c ? Vector256.LessThanOrEqual(x.V, Vector256.Create(t)) : Vector256.LessThan(x.V, Vector256.Create(t)));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 And(V256F32 a, V256F32 b) => new(a.V & b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Or(V256F32 a, V256F32 b) => new(a.V | b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Select(V256F32 m, V256F32 t, V256F32 f) => new(Vector256.ConditionalSelect(m.V, t.V, f.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(V256F32 m) => m.V.AsInt32() != Vector256<int>.Zero;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint MaskBits(V256F32 m) => (uint)Vector256.ExtractMostSignificantBits(m.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256F32 MaskFromBits(uint bits)
    {
        var lane = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
        return new(Vector256.Equals(Vector256.Create((int)bits) & lane, lane).AsSingle());
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 RoundToSingle(V256F32 x) => x;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 Load(ref float source) => new(Vector256.LoadUnsafe(ref source));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256F32 LoadInt(ref int source) => new(Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref source)));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V256F32 value, ref float destination) => value.V.StoreUnsafe(ref destination);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreSingle(V256F32 value, ref float destination) => value.V.StoreUnsafe(ref destination);
}
