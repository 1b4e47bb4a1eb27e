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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T y, Span<T> acc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != acc.Length) throw new ArgumentException("spans of different lengths");
        ref T rx = ref MemoryMarshal.GetReference(x), ra = ref MemoryMarshal.GetReference(acc);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> vy = Vector512.Create(y);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref rx, (nuint)i) * vy + Vector512.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref ra, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> vy = Vector256.Create(y);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * vy + Vector256.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref ra, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ra, i) = Unsafe.Add(ref rx, i) * y + Unsafe.Add(ref ra, i);
    }

    /// <summary>destination[i] = x[i]·scale + shift (two roundings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Affine<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != destination.Length) throw new ArgumentException("spans of different lengths");
        ref T rx = ref MemoryMarshal.GetReference(x), rd = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> va = Vector512.Create(scale), vb = Vector512.Create(shift);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref rx, (nuint)i) * va + vb).StoreUnsafe(ref rd, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> va = Vector256.Create(scale), vb = Vector256.Create(shift);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * va + vb).StoreUnsafe(ref rd, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref rx, i) * scale + shift;
    }

    /// <summary>destination[i] = x[i]·y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != destination.Length) throw new ArgumentException("spans of different lengths");
        ref T rx = ref MemoryMarshal.GetReference(x), rd = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> vy = Vector512.Create(y);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref rx, (nuint)i) * vy).StoreUnsafe(ref rd, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> vy = Vector256.Create(y);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * vy).StoreUnsafe(ref rd, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref rx, i) * y;
    }

    /// <summary>destination[i] = x[i]·y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != destination.Length || y.Length != destination.Length) throw new ArgumentException("spans of different lengths");
        ref T rx = ref MemoryMarshal.GetReference(x), ry = ref MemoryMarshal.GetReference(y), rd = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref rx, (nuint)i) * Vector512.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rd, i) = Unsafe.Add(ref rx, i) * Unsafe.Add(ref ry, i);
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
