namespace FastIL.Kernels.Lanes;

/// <summary>
/// The arithmetic that environment dynamics are written against, once. A value of <typeparamref name="TSelf"/>
/// holds <see cref="Count"/> lanes: one number (the scalar reference, usable inside ILGPU kernels) or a SIMD
/// register. Every operation is lane-wise and must round exactly like the scalar reference, so that every
/// instantiation of the same dynamics produces bit-identical results.
/// </summary>
/// <remarks>
/// Comparisons return a <em>mask</em> of the same type: its representation is the implementation's business
/// (all-ones bits for SIMD, 1/0 for scalars); masks are only consumed by <see cref="Select"/>, <see cref="And"/>,
/// <see cref="Or"/>, <see cref="AnyTrue"/> and <see cref="MaskBits"/>.
/// </remarks>
public interface IReal<TSelf> where TSelf : struct, IReal<TSelf>
{
    /// <summary>Number of lanes in one value.</summary>
    static abstract int Count { get; }

    /// <summary>Broadcasts a constant, rounded to the lane's precision (nearest).</summary>
    static abstract TSelf Const(double value);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);
    /// <summary>Lane-wise difference.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);
    /// <summary>Lane-wise product (never fused with a neighbouring addition).</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);
    /// <summary>Lane-wise quotient.</summary>
    static abstract TSelf operator /(TSelf a, TSelf b);
    /// <summary>Lane-wise negation.</summary>
    static abstract TSelf operator -(TSelf a);

    /// <summary>Sine and cosine together (one range reduction).</summary>
    static abstract void SinCos(TSelf x, out TSelf sin, out TSelf cos);
    /// <summary>Sine.</summary>
    static abstract TSelf Sin(TSelf x);
    /// <summary>Cosine.</summary>
    static abstract TSelf Cos(TSelf x);
    /// <summary>Largest integer not greater than x.</summary>
    static abstract TSelf Floor(TSelf x);
    /// <summary>Floored modulo by a positive m, result in [0, m) (Python's <c>a % m</c>).</summary>
    static abstract TSelf FloorMod(TSelf a, double m);

    /// <summary>Mask of a &lt; b.</summary>
    static abstract TSelf LessThan(TSelf a, TSelf b);
    /// <summary>Mask of a &gt; b.</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    /// <summary>Mask of a &gt;= b.</summary>
    static abstract TSelf GreaterOrEqual(TSelf a, TSelf b);
    /// <summary>Mask of a == b.</summary>
    static abstract TSelf Equal(TSelf a, TSelf b);
    /// <summary>Mask of x &gt; c where c is compared as the exact real number, not its rounding to the lane's precision.</summary>
    static abstract TSelf GreaterThanReal(TSelf x, double c);
    /// <summary>Mask of x &gt;= c where c is compared as the exact real number.</summary>
    static abstract TSelf GreaterOrEqualReal(TSelf x, double c);
    /// <summary>Mask of x &lt; c where c is compared as the exact real number.</summary>
    static abstract TSelf LessThanReal(TSelf x, double c);

    /// <summary>Lane-wise logical and of two masks.</summary>
    static abstract TSelf And(TSelf a, TSelf b);
    /// <summary>Lane-wise logical or of two masks.</summary>
    static abstract TSelf Or(TSelf a, TSelf b);
    /// <summary>Lane-wise <c>mask ? ifTrue : ifFalse</c>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);
    /// <summary>True when any lane of the mask is set.</summary>
    static abstract bool AnyTrue(TSelf mask);
    /// <summary>Bit i set when lane i of the mask is set.</summary>
    static abstract uint MaskBits(TSelf mask);
    /// <summary>The mask whose lane i is set when bit i of <paramref name="bits"/> is set (inverse of <see cref="MaskBits"/>).</summary>
    static abstract TSelf MaskFromBits(uint bits);

    /// <summary>Rounds every lane to the nearest float32 value (identity for float32 lanes).</summary>
    static abstract TSelf RoundToSingle(TSelf x);
}

/// <summary>Lanes that load from and store to columns of <typeparamref name="T"/> (the precision of the state).</summary>
public interface ILane<TSelf, T> : IReal<TSelf> where TSelf : struct, ILane<TSelf, T> where T : unmanaged
{
    /// <summary>Loads <see cref="IReal{TSelf}.Count"/> consecutive elements.</summary>
    static abstract TSelf Load(ref T source);
    /// <summary>Loads <see cref="IReal{TSelf}.Count"/> consecutive integers (discrete actions) as numbers.</summary>
    static abstract TSelf LoadInt(ref int source);
    /// <summary>Stores <see cref="IReal{TSelf}.Count"/> consecutive elements.</summary>
    static abstract void Store(TSelf value, ref T destination);
    /// <summary>Stores the lanes rounded to float32 (observations are float32 in every precision).</summary>
    static abstract void StoreSingle(TSelf value, ref float destination);
}

/// <summary>Shared helpers for <see cref="IReal{TSelf}"/> implementations.</summary>
public static class RealHelpers
{
    /// <summary>
    /// The float32 threshold t and strictness that make <c>x OP t</c> on floats equal to comparing x with the
    /// real number <paramref name="c"/>: e.g. float(2.4) &gt; 2.4, so "x &gt; 2.4" is "x &gt;= float(2.4)" on floats.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static float SingleThresholdAbove(double c, out bool inclusive)
    {
        float t = (float)c;
        // x > c  <=>  x >= t when t > c (t is the smallest float above c), else x > t.
        inclusive = t > c;
        return t;
    }
}
