using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastIL.Learning;

/// <summary>
/// Dot products and sums whose rounding depends only on the length: eight lanes (two Vector256 accumulators, lane i
/// summing elements ≡ i mod 8), combined in a fixed order, then the tail in index order. TensorPrimitives' reductions
/// gave last-bit differences from fit to fit when the design matrix came from another pooled buffer, which broke
/// "same seed, same result" for ridge fits.
/// </summary>
internal static class OrderedDot
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("spans of different lengths");
        ref double ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b);
        int n = a.Length, i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                s0 += Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i);
                s1 += Vector256.LoadUnsafe(ref ra, (nuint)(i + 4)) * Vector256.LoadUnsafe(ref rb, (nuint)(i + 4));
            }
            sum = Reduce(s0, s1);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }

    /// <summary>
    /// The four dot products a·b0 … a·b3, each with <see cref="Dot"/>'s rounding exactly (its own two accumulators, the
    /// same reduction, the same tail), computed together so that every element of <paramref name="a"/> is loaded once
    /// for four products: the ridge's normal matrix is bound by loads, not arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4(ReadOnlySpan<double> a, ReadOnlySpan<double> b0, ReadOnlySpan<double> b1, ReadOnlySpan<double> b2, ReadOnlySpan<double> b3, Span<double> results)
    {
        int n = a.Length, i = 0;
        if (b0.Length != n || b1.Length != n || b2.Length != n || b3.Length != n) throw new ArgumentException("spans of different lengths");
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double r0 = ref MemoryMarshal.GetReference(b0), r1 = ref MemoryMarshal.GetReference(b1);
        ref double r2 = ref MemoryMarshal.GetReference(b2), r3 = ref MemoryMarshal.GetReference(b3);
        double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<double> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
            for (; i <= n - 8; i += 8)
            {
                Vector256<double> lo = Vector256.LoadUnsafe(ref ra, (nuint)i), hi = Vector256.LoadUnsafe(ref ra, (nuint)(i + 4));
                s00 += lo * Vector256.LoadUnsafe(ref r0, (nuint)i);
                s01 += hi * Vector256.LoadUnsafe(ref r0, (nuint)(i + 4));
                s10 += lo * Vector256.LoadUnsafe(ref r1, (nuint)i);
                s11 += hi * Vector256.LoadUnsafe(ref r1, (nuint)(i + 4));
                s20 += lo * Vector256.LoadUnsafe(ref r2, (nuint)i);
                s21 += hi * Vector256.LoadUnsafe(ref r2, (nuint)(i + 4));
                s30 += lo * Vector256.LoadUnsafe(ref r3, (nuint)i);
                s31 += hi * Vector256.LoadUnsafe(ref r3, (nuint)(i + 4));
            }
            d0 = Reduce(s00, s01); d1 = Reduce(s10, s11); d2 = Reduce(s20, s21); d3 = Reduce(s30, s31);
        }
        for (; i < n; i++)
        {
            double x = Unsafe.Add(ref ra, i);
            d0 += x * Unsafe.Add(ref r0, i);
            d1 += x * Unsafe.Add(ref r1, i);
            d2 += x * Unsafe.Add(ref r2, i);
            d3 += x * Unsafe.Add(ref r3, i);
        }
        results[0] = d0; results[1] = d1; results[2] = d2; results[3] = d3;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sum(ReadOnlySpan<double> a)
    {
        ref double ra = ref MemoryMarshal.GetReference(a);
        int n = a.Length, i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                s0 += Vector256.LoadUnsafe(ref ra, (nuint)i);
                s1 += Vector256.LoadUnsafe(ref ra, (nuint)(i + 4));
            }
            sum = Reduce(s0, s1);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref ra, i);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Reduce(Vector256<double> s0, Vector256<double> s1)
    {
        Vector256<double> s = s0 + s1;
        return (s.GetElement(0) + s.GetElement(1)) + (s.GetElement(2) + s.GetElement(3));
    }
}
