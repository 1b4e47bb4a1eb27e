using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.MathKernels;

namespace FastIL.Kernels.Lanes;

/// <summary>
/// Sixteen float32 lanes in a <see cref="Vector512{T}"/>. Same rounding as <see cref="F32"/> in every operation, so results
/// are bit-identical to the scalar reference. Masks are all-ones lanes.
/// </summary>
public readonly struct V512F32 : ILane<V512F32, float>
{
    /// <summary>The lanes.</summary>
    public readonly Vector512<float> V;

    /// <summary>Wraps a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V512F32(Vector512<float> v) => V = v;

    /// <inheritdoc/>
    public static int Count => Vector512<float>.Count;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Const(double value) => new(Vector512.Create((float)value));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 operator +(V512F32 a, V512F32 b) => new(a.V + b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 operator -(V512F32 a, V512F32 b) => new(a.V - b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 operator *(V512F32 a, V512F32 b) => new(a.V * b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 operator /(V512F32 a, V512F32 b) => new(a.V / b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 operator -(V512F32 a) => new(-a.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(V512F32 x, out V512F32 sin, out V512F32 cos)
    {
        FastSinCos.SinCos(x.V, out Vector512<float> s, out Vector512<float> c);
        sin = new(s);
        cos = new(c);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Sin(V512F32 x) { FastSinCos.SinCos(x.V, out Vector512<float> s, out _); return new(s); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Cos(V512F32 x) { FastSinCos.SinCos(x.V, out _, out Vector512<float> c); return new(c); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Floor(V512F32 x) => new(Vector512.Floor(x.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512F32 FloorMod(V512F32 a, double m)
    {
        Vector512<float> mf = Vector512.Create((float)m);
        Vector512<float> r = a.V - Vector512.Floor(a.V / mf) * mf;
        r = Vector512.ConditionalSelect(Vector512.LessThan(r, Vector512<float>.Zero), r + mf, r);
        r = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(r, mf), r - mf, r);
        return new(r);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 LessThan(V512F32 a, V512F32 b) => new(Vector512.LessThan(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 GreaterThan(V512F32 a, V512F32 b) => new(Vector512.GreaterThan(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 GreaterOrEqual(V512F32 a, V512F32 b) => new(Vector512.GreaterThanOrEqual(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Equal(V512F32 a, V512F32 b) => new(Vector512.Equals(a.V, b.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512F32 GreaterThanReal(V512F32 x, double c)
    {
        float t = RealHelpers.SingleThresholdAbove(c, out bool inclusive);
        return new(inclusive ? Vector512.GreaterThanOrEqual(x.V, Vector512.Create(t)) : Vector512.GreaterThan(x.V, Vector512.Create(t)));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512F32 GreaterOrEqualReal(V512F32 x, double c)
    {
        float t = (float)c;
        return new(t < c ? Vector512.GreaterThan(x.V, Vector512.Create(t)) : Vector512.GreaterThanOrEqual(x.V, Vector512.Create(t)));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512F32 LessThanReal(V512F32 x, double c)
    {
        float t = (float)c;
        return new(t < c ? Vector512.LessThanOrEqual(x.V, Vector512.Create(t)) : Vector512.LessThan(x.V, Vector512.Create(t)));
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 And(V512F32 a, V512F32 b) => new(a.V & b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Or(V512F32 a, V512F32 b) => new(a.V | b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Select(V512F32 m, V512F32 t, V512F32 f) => new(Vector512.ConditionalSelect(m.V, t.V, f.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(V512F32 m) => m.V.AsInt32() != Vector512<int>.Zero;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint MaskBits(V512F32 m) => (uint)Vector512.ExtractMostSignificantBits(m.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512F32 MaskFromBits(uint bits)
    {
        var lane = Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);
        return new(Vector512.Equals(Vector512.Create((int)bits) & lane, lane).AsSingle());
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 RoundToSingle(V512F32 x) => x;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 Load(ref float source) => new(Vector512.LoadUnsafe(ref source));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512F32 LoadInt(ref int source) => new(Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref source)));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V512F32 value, ref float destination) => value.V.StoreUnsafe(ref destination);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreSingle(V512F32 value, ref float destination) => value.V.StoreUnsafe(ref destination);
}
