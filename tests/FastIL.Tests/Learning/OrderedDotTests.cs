using FastIL.Learning;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// <see cref="OrderedDot"/>: the ridge's dot products. <see cref="OrderedDot.Dot4"/> computes four at once and must give
/// each one <see cref="OrderedDot.Dot"/>'s bits, for lengths around the eight-element vector steps; a dot product's
/// rounding depends only on its length, not on where its data sits.
/// </summary>
public class OrderedDotTests
{
    [Fact]
    public void Dot4_GivesEachProductDotsBits()
    {
        var rng = new System.Random(9);
        var results = new double[4];
        for (int n = 0; n <= 80; n++)
        {
            double[] a = Draw(rng, n);
            double[][] b = [Draw(rng, n), Draw(rng, n), Draw(rng, n), Draw(rng, n)];
            OrderedDot.Dot4(a, b[0], b[1], b[2], b[3], results);
            for (int j = 0; j < 4; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(OrderedDot.Dot(a, b[j])), BitConverter.DoubleToInt64Bits(results[j]));
        }
    }

    [Fact]
    public void Dot_DependsOnlyOnTheLength()
    {
        var rng = new System.Random(4);
        double[] a = Draw(rng, 37), b = Draw(rng, 37);
        double[] shiftedA = [0, 0, 0, .. a], shiftedB = [0, 0, 0, .. b];
        Assert.Equal(OrderedDot.Dot(a, b), OrderedDot.Dot(shiftedA.AsSpan(3), shiftedB.AsSpan(3)));
        // Not the naive left-to-right sum in general: eight lanes, then the tail.
        double naive = 0;
        for (int i = 0; i < 37; i++) naive += a[i] * b[i];
        Assert.Equal(naive, OrderedDot.Dot(a, b), 12);
    }

    [Fact]
    public void MismatchedLengths_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => OrderedDot.Dot4(new double[3], new double[3], new double[3], new double[2], new double[3], new double[4]));
    }

    private static double[] Draw(System.Random rng, int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 2)];
}
