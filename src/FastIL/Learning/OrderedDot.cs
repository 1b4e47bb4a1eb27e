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
