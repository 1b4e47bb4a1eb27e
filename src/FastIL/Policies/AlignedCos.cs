using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace FastIL.Policies;

/// <summary>
/// cos over a double column with results that depend only on the values and the column's length. The BCL's
/// vectorized cos computes the elements before the first 64-byte boundary and after the last full vector with
/// another (scalar) algorithm, so its bits depended on where the array happened to lie in memory: a pooled design
/// matrix made random-Fourier-feature fits differ in the last bits from run to run. Here every chunk of 4096
/// elements is copied to a 64-byte-aligned buffer first, so the vector/scalar split is a function of the index alone.
/// </summary>
internal static class AlignedCos
{
    private const int Chunk = 4096;

    public static unsafe void Apply(Span<double> x)
    {
        if (x.IsEmpty) return;
        double* buffer = (double*)NativeMemory.AlignedAlloc(Chunk * sizeof(double), 64);
        try
        {
            var scratch = new Span<double>(buffer, Chunk);
            for (int start = 0; start < x.Length; start += Chunk)
            {
                Span<double> part = x.Slice(start, Math.Min(Chunk, x.Length - start));
                Span<double> s = scratch[..part.Length];
                part.CopyTo(s);
                TensorPrimitives.Cos<double>(s, s);
                s.CopyTo(part);
            }
        }
        finally { NativeMemory.AlignedFree(buffer); }
    }
}
