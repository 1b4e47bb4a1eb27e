using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.MathKernels;

namespace FastIL.Kernels.Lanes;

/// <summary>
/// Sixteen float32 lanes as two <see cref="Vector256{T}"/> registers: every operation is issued twice on
/// independent data, which hides the latency of long dependency chains (divisions, the sincos polynomial) on
/// AVX2 machines. Same rounding as <see cref="F32"/> in every operation. Masks are all-ones lanes.
/// </summary>
public readonly struct V256x2F32 : ILane<V256x2F32, float>
{
    /// <summary>Lanes 0–7.</summary>
    public readonly Vector256<float> A;
    /// <summary>Lanes 8–15.</summary>
    public readonly Vector256<float> B;

    /// <summary>Wraps two registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public V256x2F32(Vector256<float> a, Vector256<float> b) { A = a; B = b; }

    private static V256F32 Lo(V256x2F32 x) => new(x.A);
    private static V256F32 Hi(V256x2F32 x) => new(x.B);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V256x2F32 Of(V256F32 a, V256F32 b) => new(a.V, b.V);

    /// <inheritdoc/>
    public static int Count => 16;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Const(double value) { var c = Vector256.Create((float)value); return new(c, c); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 operator +(V256x2F32 a, V256x2F32 b) => new(a.A + b.A, a.B + b.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 operator -(V256x2F32 a, V256x2F32 b) => new(a.A - b.A, a.B - b.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 operator *(V256x2F32 a, V256x2F32 b) => new(a.A * b.A, a.B * b.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 operator /(V256x2F32 a, V256x2F32 b) => new(a.A / b.A, a.B / b.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 operator -(V256x2F32 a) => new(-a.A, -a.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(V256x2F32 x, out V256x2F32 sin, out V256x2F32 cos)
    {
        FastSinCos.SinCos(x.A, out var sa, out var ca);
        FastSinCos.SinCos(x.B, out var sb, out var cb);
        sin = new(sa, sb);
        cos = new(ca, cb);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Sin(V256x2F32 x) { SinCos(x, out var s, out _); return s; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Cos(V256x2F32 x) { SinCos(x, out _, out var c); return c; }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Floor(V256x2F32 x) => new(Vector256.Floor(x.A), Vector256.Floor(x.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 FloorMod(V256x2F32 a, double m) => Of(V256F32.FloorMod(Lo(a), m), V256F32.FloorMod(Hi(a), m));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 LessThan(V256x2F32 a, V256x2F32 b) => new(Vector256.LessThan(a.A, b.A), Vector256.LessThan(a.B, b.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 GreaterThan(V256x2F32 a, V256x2F32 b) => new(Vector256.GreaterThan(a.A, b.A), Vector256.GreaterThan(a.B, b.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 GreaterOrEqual(V256x2F32 a, V256x2F32 b) => new(Vector256.GreaterThanOrEqual(a.A, b.A), Vector256.GreaterThanOrEqual(a.B, b.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Equal(V256x2F32 a, V256x2F32 b) => new(Vector256.Equals(a.A, b.A), Vector256.Equals(a.B, b.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 GreaterThanReal(V256x2F32 x, double c) => Of(V256F32.GreaterThanReal(Lo(x), c), V256F32.GreaterThanReal(Hi(x), c));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 GreaterOrEqualReal(V256x2F32 x, double c) => Of(V256F32.GreaterOrEqualReal(Lo(x), c), V256F32.GreaterOrEqualReal(Hi(x), c));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 LessThanReal(V256x2F32 x, double c) => Of(V256F32.LessThanReal(Lo(x), c), V256F32.LessThanReal(Hi(x), c));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 And(V256x2F32 a, V256x2F32 b) => new(a.A & b.A, a.B & b.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Or(V256x2F32 a, V256x2F32 b) => new(a.A | b.A, a.B | b.B);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Select(V256x2F32 m, V256x2F32 t, V256x2F32 f) => new(Vector256.ConditionalSelect(m.A, t.A, f.A), Vector256.ConditionalSelect(m.B, t.B, f.B));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(V256x2F32 m) => (m.A.AsInt32() | m.B.AsInt32()) != Vector256<int>.Zero;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint MaskBits(V256x2F32 m) => Vector256.ExtractMostSignificantBits(m.A) | (Vector256.ExtractMostSignificantBits(m.B) << 8);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256x2F32 MaskFromBits(uint bits)
    {
        var lane = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
        var lo = Vector256.Create((int)bits) & lane;
        var hi = Vector256.Create((int)(bits >> 8)) & lane;
        return new(Vector256.Equals(lo, lane).AsSingle(), Vector256.Equals(hi, lane).AsSingle());
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 RoundToSingle(V256x2F32 x) => x;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 Load(ref float source) => new(Vector256.LoadUnsafe(ref source), Vector256.LoadUnsafe(ref source, 8));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256x2F32 LoadInt(ref int source) => new(Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref source)), Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref source, 8)));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V256x2F32 value, ref float destination) { value.A.StoreUnsafe(ref destination); value.B.StoreUnsafe(ref destination, 8); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreSingle(V256x2F32 value, ref float destination) => Store(value, ref destination);
}
