using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastIL.Learning;

/// <summary>
/// Element-wise column operations of the fit's preparation, the feature maps and the policy's column passes, compiled fully optimized on their first
/// call. TensorPrimitives does the same arithmetic, but its generic kernels are this assembly's instantiations: a
/// short process (one <c>fastil dagger</c>) ran them as unoptimized tier-0 code until the runtime's tiering delay
/// passed, which made a Pendulum fit a third slower. Each element is rounded exactly as the scalar formula (one
/// rounding per operation, no fused multiply-add), so the results are TensorPrimitives' bit for bit on every SIMD width.
/// </summary>
internal static class ColumnOps
{
    /// <summary>acc[i] = x[i]·y + acc[i] (two roundings).</summary>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T y, Span<T> acc) where T : unmanaged, IFloatingPointIeee754<T>
        => Map(x, acc, new MultiplyAddOp<T>(y));

    /// <summary>destination[i] = x[i]·scale + shift (two roundings).</summary>
    public static void Affine<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => Map(x, destination, new AffineOp<T>(scale, shift));

    /// <summary>destination[i] = x[i]·y.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => Map(x, destination, new MultiplyOp<T>(y));

    /// <summary>An element-wise operation d = f(x, d) at every width (operator structs, TensorPrimitives' pattern).</summary>
    private interface IMapOp<T> where T : unmanaged
    {
        /// <summary>Whether f reads d (else d is only written, and the driver does not load it).</summary>
        static abstract bool ReadsDestination { get; }
        T Invoke(T x, T d);
        Vector256<T> Invoke(Vector256<T> x, Vector256<T> d);
        Vector512<T> Invoke(Vector512<T> x, Vector512<T> d);
    }

    private readonly struct MultiplyAddOp<T>(T y) : IMapOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool ReadsDestination => true;
        public T Invoke(T x, T d) => x * y + d;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> d) => x * Vector256.Create(y) + d;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> d) => x * Vector512.Create(y) + d;
    }

    private readonly struct AffineOp<T>(T scale, T shift) : IMapOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool ReadsDestination => false;
        public T Invoke(T x, T d) => x * scale + shift;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> d) => x * Vector256.Create(scale) + Vector256.Create(shift);
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> d) => x * Vector512.Create(scale) + Vector512.Create(shift);
    }

    // Not an affine map with a zero shift: adding +0 would turn a −0 product into +0.
    private readonly struct MultiplyOp<T>(T y) : IMapOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool ReadsDestination => false;
        public T Invoke(T x, T d) => x * y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> d) => x * Vector256.Create(y);
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> d) => x * Vector512.Create(y);
    }

    private readonly struct ProductOp<T> : IZipOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y) => x * y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
    }

    /// <summary>d[i] = op(x[i], d[i]): Vector512, else Vector256, then the tail one by one (the same roundings at every width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> d, TOp op) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IMapOp<T>
    {
        if (x.Length != d.Length) throw new ArgumentException("spans of different lengths");
        ref T rx = ref MemoryMarshal.GetReference(x), rd = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref rx, (nuint)i), TOp.ReadsDestination ? Vector512.LoadUnsafe(ref rd, (nuint)i) : default).StoreUnsafe(ref rd, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref rx, (nuint)i), TOp.ReadsDestination ? Vector256.LoadUnsafe(ref rd, (nuint)i) : default).StoreUnsafe(ref rd, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rd, i) = op.Invoke(Unsafe.Add(ref rx, i), TOp.ReadsDestination ? Unsafe.Add(ref rd, i) : default);
    }

    /// <summary>destination[i] = x[i] − y[i].</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => Zip(x, y, destination, new SubtractOp<T>());

    /// <summary>destination[i] = x[i]·y[i].</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
        => Zip(x, y, destination, new ProductOp<T>());

    /// <summary>A two-column element-wise operation d = f(x, y) at every width.</summary>
    private interface IZipOp<T> where T : unmanaged
    {
        T Invoke(T x, T y);
        Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
        Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
    }

    private readonly struct SubtractOp<T> : IZipOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y) => x - y;
        public Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x - y;
        public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
    }

    /// <summary>d[i] = op(x[i], y[i]): Vector512, else Vector256, then the tail one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Zip<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d, TOp op) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IZipOp<T>
    {
        if (x.Length != d.Length || y.Length != d.Length) throw new ArgumentException("spans of different lengths");
        ref T rx = ref MemoryMarshal.GetReference(x), ry = ref MemoryMarshal.GetReference(y), rd = ref MemoryMarshal.GetReference(d);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                op.Invoke(Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                op.Invoke(Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rd, i) = op.Invoke(Unsafe.Add(ref rx, i), Unsafe.Add(ref ry, i));
    }

    /// <summary>z[i] = (double)x[i] (exact), then, when <paramref name="standardize"/>, z[i] = (z[i] − mean)·scale (two roundings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ReadOnlySpan<float> x, Span<double> z, bool standardize, double mean, double scale)
    {
        if (x.Length != z.Length) throw new ArgumentException("spans of different lengths");
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref double rz = ref MemoryMarshal.GetReference(z);
        int n = x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> vm = Vector256.Create(mean), vs = Vector256.Create(scale);
            for (; i <= n - 4; i += 4)
            {
                Vector256<double> v = Vector256.WidenLower(Vector128.LoadUnsafe(ref rx, (nuint)i).ToVector256Unsafe());
                if (standardize) v = (v - vm) * vs;
                v.StoreUnsafe(ref rz, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double v = Unsafe.Add(ref rx, i);
            Unsafe.Add(ref rz, i) = standardize ? (v - mean) * scale : v;
        }
    }
}
