using System.Numerics.Tensors;
using FastIL.Learning;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// <see cref="ParameterOps"/> (plain loops on parameter-length vectors) against TensorPrimitives, which they replaced in
/// the solvers and the objective: the same bits for every length around the vector widths, in place or not.
/// </summary>
public class ParameterOpsTests
{
    [Fact]
    public void EveryOperation_GivesTensorPrimitivesBits()
    {
        var rng = new System.Random(9);
        for (int n = 0; n <= 70; n++)
        {
            double[] x = Draw(rng, n), y = Draw(rng, n), acc = Draw(rng, n);
            double s = rng.NextDouble() * 3 - 1.5;
            double[] got = new double[n], want = new double[n];

            Array.Copy(acc, got, n);
            ParameterOps.Add(x, got);
            TensorPrimitives.Add(acc, x, want);
            AssertSameBits(want, got);

            ParameterOps.Multiply(x, s, got);
            TensorPrimitives.Multiply(x, s, want);
            AssertSameBits(want, got);

            ParameterOps.MultiplyAdd(x, s, acc, got);
            TensorPrimitives.MultiplyAdd(x, s, acc, want);
            AssertSameBits(want, got);

            ParameterOps.Negate(x, got);
            TensorPrimitives.Negate(x, want);
            AssertSameBits(want, got);

            ParameterOps.Subtract(x, y, got);
            TensorPrimitives.Subtract(x, y, want);
            AssertSameBits(want, got);

            // In place, as the solvers call them (destination = an input).
            double[] inPlace = (double[])acc.Clone(), reference = (double[])acc.Clone();
            ParameterOps.MultiplyAdd(x, s, inPlace, inPlace);
            TensorPrimitives.MultiplyAdd(x, s, reference, reference);
            AssertSameBits(reference, inPlace);
            ParameterOps.Multiply(inPlace, s, inPlace);
            TensorPrimitives.Multiply(reference, s, reference);
            AssertSameBits(reference, inPlace);
        }
    }

    [Fact]
    public void AShortDestination_IsRefused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => ParameterOps.Negate(new double[4], new double[3]));

    private static void AssertSameBits(double[] want, double[] got)
    {
        for (int i = 0; i < want.Length; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(want[i]), BitConverter.DoubleToInt64Bits(got[i]));
    }

    private static double[] Draw(System.Random rng, int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 20 - 10)];
}
