using System.Numerics.Tensors;
using FastIL.Learning;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// <see cref="ColumnOps"/> (the fit's element-wise passes, compiled optimized on first call) against the scalar formula
/// and TensorPrimitives, which those passes replaced: the same bits for every length around the vector widths, in
/// float32 and float64.
/// </summary>
public class ColumnOpsTests
{
    [Fact]
    public void ElementWisePasses_GiveTheScalarFormulasBits()
    {
        var rng = new System.Random(5);
        for (int n = 0; n <= 70; n++)
        {
            double[] x = Draw(rng, n), y = Draw(rng, n), acc = Draw(rng, n);
            float[] xf = [.. x.Select(v => (float)v)], yf = [.. y.Select(v => (float)v)], accf = [.. acc.Select(v => (float)v)];
            double c = rng.NextDouble() * 3 - 1.5;
            float cf = (float)c;

            var got = (double[])acc.Clone();
            ColumnOps.MultiplyAdd<double>(x, c, got);
            var tp = new double[n];
            TensorPrimitives.MultiplyAdd(x, c, acc, tp);
            for (int i = 0; i < n; i++) { Assert.Equal(Bits(x[i] * c + acc[i]), Bits(got[i])); Assert.Equal(Bits(tp[i]), Bits(got[i])); }

            var gotf = (float[])accf.Clone();
            ColumnOps.MultiplyAdd<float>(xf, cf, gotf);
            for (int i = 0; i < n; i++) Assert.Equal(BitConverter.SingleToInt32Bits(xf[i] * cf + accf[i]), BitConverter.SingleToInt32Bits(gotf[i]));

            ColumnOps.Multiply<double>(x, c, got);
            for (int i = 0; i < n; i++) Assert.Equal(Bits(x[i] * c), Bits(got[i]));
            ColumnOps.Multiply<double>(x, y, got);
            for (int i = 0; i < n; i++) Assert.Equal(Bits(x[i] * y[i]), Bits(got[i]));
            ColumnOps.Subtract<double>(x, y, got);
            var tpSub = new double[n];
            TensorPrimitives.Subtract(x, y, tpSub);
            for (int i = 0; i < n; i++) { Assert.Equal(Bits(x[i] - y[i]), Bits(got[i])); Assert.Equal(Bits(tpSub[i]), Bits(got[i])); }
            ColumnOps.Multiply<float>(xf, yf, gotf);
            for (int i = 0; i < n; i++) Assert.Equal(BitConverter.SingleToInt32Bits(xf[i] * yf[i]), BitConverter.SingleToInt32Bits(gotf[i]));

            float shiftf = (float)(rng.NextDouble() - 0.5);
            ColumnOps.Affine<float>(xf, cf, shiftf, gotf);
            var tpf = new float[n];
            TensorPrimitives.Multiply(xf, cf, tpf);
            TensorPrimitives.Add(tpf, shiftf, tpf);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(xf[i] * cf + shiftf), BitConverter.SingleToInt32Bits(gotf[i]));
                Assert.Equal(BitConverter.SingleToInt32Bits(tpf[i]), BitConverter.SingleToInt32Bits(gotf[i]));
            }

            double mean = rng.NextDouble(), scale = 1 / (0.5 + rng.NextDouble());
            foreach (bool standardize in new[] { false, true })
            {
                ColumnOps.Widen(xf, got, standardize, mean, scale);
                for (int i = 0; i < n; i++) Assert.Equal(Bits(standardize ? ((double)xf[i] - mean) * scale : xf[i]), Bits(got[i]));
            }
        }
    }

    [Fact]
    public void MismatchedLengths_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ColumnOps.MultiplyAdd<double>(new double[3], 1.0, new double[4]));
        Assert.Throws<ArgumentException>(() => ColumnOps.Multiply<double>(new double[3], new double[3], new double[2]));
        Assert.Throws<ArgumentException>(() => ColumnOps.Subtract<double>(new double[3], new double[2], new double[3]));
        Assert.Throws<ArgumentException>(() => ColumnOps.Widen(new float[3], new double[2], false, 0, 1));
    }

    private static double[] Draw(System.Random rng, int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 20 - 10)];

    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);
}
