using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Learning;

/// <summary>
/// The few float64 vector operations the trainer's sums need, over one register of either width, so that one generic
/// loop serves both (the struct type argument specializes it; each operation inlines to one instruction).
/// </summary>
internal interface ISumLanes<TSelf> where TSelf : struct, ISumLanes<TSelf>
{
    /// <summary>Loads the lanes from <paramref name="src"/> + <paramref name="i"/>.</summary>
    static abstract TSelf Load(ref double src, nuint i);
    /// <summary>Stores the lanes to <paramref name="dst"/> + <paramref name="i"/>.</summary>
    static abstract void Store(TSelf v, ref double dst, nuint i);
    /// <summary>a·b + c, rounded once.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    /// <summary>a·b.</summary>
    static abstract TSelf Multiply(TSelf a, TSelf b);
}

/// <summary>Four float64 lanes (Vector256): one half of the trainer's eight-lane sums.</summary>
internal readonly struct SumLanes4(Vector256<double> v) : ISumLanes<SumLanes4>
{
    private readonly Vector256<double> _v = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static SumLanes4 Load(ref double src, nuint i) => new(Vector256.LoadUnsafe(ref src, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(SumLanes4 v, ref double dst, nuint i) => v._v.StoreUnsafe(ref dst, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static SumLanes4 Fma(SumLanes4 a, SumLanes4 b, SumLanes4 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static SumLanes4 Multiply(SumLanes4 a, SumLanes4 b) => new(a._v * b._v);
}

/// <summary>Eight float64 lanes (Vector512): both halves of the trainer's eight-lane sums at once.</summary>
internal readonly struct SumLanes8(Vector512<double> v) : ISumLanes<SumLanes8>
{
    private readonly Vector512<double> _v = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static SumLanes8 Load(ref double src, nuint i) => new(Vector512.LoadUnsafe(ref src, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(SumLanes8 v, ref double dst, nuint i) => v._v.StoreUnsafe(ref dst, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static SumLanes8 Fma(SumLanes8 a, SumLanes8 b, SumLanes8 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static SumLanes8 Multiply(SumLanes8 a, SumLanes8 b) => new(a._v * b._v);
}
