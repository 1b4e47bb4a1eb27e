using FastIL.Kernels.MathKernels;
using Xunit;

namespace FastIL.Tests.Learning;

public class FastCos64Tests
{
    private static double[] Inputs()
    {
        var rnd = new System.Random(9);
        var x = new double[20_003];
        for (int i = 0; i < x.Length; i++) x[i] = (rnd.NextDouble() * 2 - 1) * Math.Pow(10, rnd.Next(-6, 6));
        x[0] = 0; x[1] = Math.PI / 4; x[2] = -Math.PI / 2; x[3] = Math.PI; x[4] = 3 * Math.PI / 2; x[5] = 1e5; x[6] = -0.0;
        return x;
    }

    [Fact]
    public void EveryPath_GivesTheScalarReferencesBits()
    {
        double[] x = Inputs(), auto = new double[x.Length], v256 = new double[x.Length];
        FastCos64.Cos(x, auto);
        FastCos64.CosVector256(x, v256);
        for (int i = 0; i < x.Length; i++)
        {
            double r = FastCos64.Cos(x[i]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(r), BitConverter.DoubleToInt64Bits(auto[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(r), BitConverter.DoubleToInt64Bits(v256[i]));
        }
    }

    [Fact]
    public void Accuracy_Within2UlpOfTheCLibrary_ForArgumentsUpTo1e5()
    {
        foreach (double v in Inputs())
        {
            double ours = FastCos64.Cos(v), libm = Math.Cos(v);
            double ulp = Math.BitIncrement(Math.Abs(libm)) - Math.Abs(libm);
            Assert.True(Math.Abs(ours - libm) <= 2 * ulp + 1e-300, $"cos({v:R}) = {ours:R}, libm {libm:R}");
        }
    }
}
