namespace FastIL.Policies;

/// <summary>
/// cos over a double column with results that depend only on the values: the C library's cos, element by element.
/// The BCL's vectorized cos is not reproducible within a process: its ReadyToRun code and the tier-1 code the JIT
/// later produces for the same method round differently (fused or unfused polynomial steps), and it takes a scalar
/// algorithm for elements before the first 64-byte boundary. Random-Fourier-feature fits then differed in their last
/// bits from one run to the next in the same process, breaking "same seed, same result".
/// </summary>
internal static class AlignedCos
{
    public static void Apply(Span<double> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = Math.Cos(x[i]);
    }
}
