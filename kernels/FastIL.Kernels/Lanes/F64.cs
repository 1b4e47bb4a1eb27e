using System.Runtime.CompilerServices;

namespace FastIL.Kernels.Lanes;

/// <summary>
/// One float64 lane using the C library's <see cref="Math.Sin"/> and <see cref="Math.Cos"/>: the precision mode that
/// reproduces Gymnasium's internal states. Masks are 1 (true) and 0 (false).
/// </summary>
public readonly struct F64 : ILane<F64, double>
{
    /// <summary>The lane's value.</summary>
    public readonly double V;

    /// <summary>Wraps a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public F64(double v) => V = v;

    /// <inheritdoc/>
    public static int Count => 1;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Const(double value) => new(value);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator +(F64 a, F64 b) => new(a.V + b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator -(F64 a, F64 b) => new(a.V - b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator *(F64 a, F64 b) => new(a.V * b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator /(F64 a, F64 b) => new(a.V / b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 operator -(F64 a) => new(-a.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(F64 x, out F64 sin, out F64 cos) { sin = new(Math.Sin(x.V)); cos = new(Math.Cos(x.V)); }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Sin(F64 x) => new(Math.Sin(x.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Cos(F64 x) => new(Math.Cos(x.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Floor(F64 x) => new(Math.Floor(x.V));
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static F64 FloorMod(F64 a, double m)
    {
        // Exactly CPython's float_rem / NumPy's npy_divmod: fmod (exact), then shift into [0, m).
        double r = a.V % m;
        if (r != 0) { if (r < 0) r += m; }
        else r = 0.0;
        return new(r);
    }
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 LessThan(F64 a, F64 b) => M(a.V < b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 GreaterThan(F64 a, F64 b) => M(a.V > b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 GreaterOrEqual(F64 a, F64 b) => M(a.V >= b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Equal(F64 a, F64 b) => M(a.V == b.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 GreaterThanReal(F64 x, double c) => M(x.V > c);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 GreaterOrEqualReal(F64 x, double c) => M(x.V >= c);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 LessThanReal(F64 x, double c) => M(x.V < c);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 And(F64 a, F64 b) => M(a.V != 0 & b.V != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Or(F64 a, F64 b) => M(a.V != 0 | b.V != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Select(F64 m, F64 t, F64 f) => m.V != 0 ? t : f;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AnyTrue(F64 m) => m.V != 0;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static uint MaskBits(F64 m) => m.V != 0 ? 1u : 0u;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 MaskFromBits(uint bits) => M((bits & 1) != 0);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 RoundToSingle(F64 x) => new((float)x.V);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 Load(ref double source) => new(source);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static F64 LoadInt(ref int source) => new(source);
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(F64 value, ref double destination) => destination = value.V;
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreSingle(F64 value, ref float destination) => destination = (float)value.V;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static F64 M(bool b) => new(b ? 1.0 : 0.0);
}
