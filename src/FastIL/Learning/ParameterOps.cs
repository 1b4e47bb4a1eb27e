using System.Runtime.CompilerServices;

namespace FastIL.Learning;

/// <summary>
/// Element-wise operations on parameter-length vectors (gradients, Hessians, search directions: a few to a few thousand
/// values, next to millions of rows), as plain loops.
/// </summary>
/// <remarks>
/// Why not TensorPrimitives: each of its operations is a chain of generic methods that a fresh process compiles at tier
/// 0 and again at tier 1. A JIT event trace of the large CartPole run (`DOTNET_EnableEventPipe` with the JIT keyword)
/// put the solvers' and the objective's Add, Multiply, MultiplyAdd and Negate at about 30 ms of compiling, for vectors
/// of 5 values. These loops compile with their callers. Each element is one IEEE operation (MultiplyAdd rounds the
/// product, then the sum, as TensorPrimitives' does: `ColumnOpsTests`), so the bits are the same as before.
/// </remarks>
internal static class ParameterOps
{
    /// <summary><paramref name="acc"/>[i] += <paramref name="x"/>[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<double> x, Span<double> acc)
    {
        acc = acc[..x.Length];
        for (int i = 0; i < x.Length; i++) acc[i] += x[i];
    }

    /// <summary><paramref name="destination"/>[i] = <paramref name="x"/>[i] · <paramref name="s"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Multiply(ReadOnlySpan<double> x, double s, Span<double> destination)
    {
        destination = destination[..x.Length];
        for (int i = 0; i < x.Length; i++) destination[i] = x[i] * s;
    }

    /// <summary><paramref name="destination"/>[i] = <paramref name="x"/>[i] · <paramref name="s"/> + <paramref name="addend"/>[i] (two roundings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ReadOnlySpan<double> x, double s, ReadOnlySpan<double> addend, Span<double> destination)
    {
        addend = addend[..x.Length];
        destination = destination[..x.Length];
        for (int i = 0; i < x.Length; i++) destination[i] = x[i] * s + addend[i];
    }

    /// <summary><paramref name="destination"/>[i] = −<paramref name="x"/>[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Negate(ReadOnlySpan<double> x, Span<double> destination)
    {
        destination = destination[..x.Length];
        for (int i = 0; i < x.Length; i++) destination[i] = -x[i];
    }

    /// <summary><paramref name="destination"/>[i] = <paramref name="x"/>[i] − <paramref name="y"/>[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Subtract(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> destination)
    {
        y = y[..x.Length];
        destination = destination[..x.Length];
        for (int i = 0; i < x.Length; i++) destination[i] = x[i] - y[i];
    }
}
