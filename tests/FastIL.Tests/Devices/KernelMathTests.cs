using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Kernels.Gpu;
using FastIL.Kernels.Lanes;
using FastIL.Kernels.MathKernels;
using Xunit;

namespace FastIL.Tests.Devices;

public class KernelMathTests
{
    private static IEnumerable<float> Specials()
    {
        float[] s = [0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, float.MaxValue, -float.MaxValue, 1e-38f, 3.4e38f, 0.5f, 1.5f, -2.5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        return s;
    }

    [Fact]
    public void SoftFma_IsBitIdenticalToTheHardwareFma()
    {
        var rnd = new System.Random(11);
        float R() => rnd.Next(4) switch
        {
            0 => (float)(rnd.NextDouble() * 2 - 1),
            1 => BitConverter.Int32BitsToSingle(rnd.Next()) * (rnd.Next(2) == 0 ? 1 : -1),
            2 => (float)Math.ScaleB(rnd.NextDouble() - 0.5, rnd.Next(-150, 128)),
            _ => (float)rnd.Next(-1000, 1000),
        };
        for (int k = 0; k < 2_000_000; k++)
        {
            float a = R(), b = R(), c = R();
            // Products near c's magnitude make the cancellation cases that break naive double emulation.
            if (k % 3 == 0) c = -(float)((double)a * b);
            float x = MathF.FusedMultiplyAdd(a, b, c), y = Ieee.SoftFma(a, b, c);
            // NaN payloads are not IEEE-specified (and PTX's fma returns the canonical NaN): NaN-ness must agree.
            Assert.True(float.IsNaN(x) ? float.IsNaN(y) : BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y), $"fma({a:R}, {b:R}, {c:R}): {x:R} vs {y:R}");
        }
        foreach (float a in Specials()) foreach (float b in Specials()) foreach (float c in Specials())
        {
            float x = MathF.FusedMultiplyAdd(a, b, c), y = Ieee.SoftFma(a, b, c);
            Assert.True(float.IsNaN(x) ? float.IsNaN(y) : BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y), $"fma({a}, {b}, {c}): {x} vs {y}");
        }
    }

    [Fact]
    public void G32_SinCos_MatchesTheScalarReferenceBitForBit()
    {
        var rnd = new System.Random(3);
        for (int k = 0; k < 200_000; k++)
        {
            float x = (float)((rnd.NextDouble() * 2 - 1) * Math.Pow(10, rnd.Next(-3, 5)));
            FastSinCos.SinCos(x, out float s, out float c);
            G32.SinCos(new G32(x), out G32 gs, out G32 gc);
            Assert.Equal(BitConverter.SingleToInt32Bits(s), BitConverter.SingleToInt32Bits(gs.V));
            Assert.Equal(BitConverter.SingleToInt32Bits(c), BitConverter.SingleToInt32Bits(gc.V));
        }
    }

    private static void AssertSameSteps<TDyn>(int stateSize) where TDyn : struct, IEnvDynamics
    {
        var rnd = new System.Random(7);
        for (int k = 0; k < 20_000; k++)
        {
            float[] v = [.. Enumerable.Range(0, 4).Select(_ => (float)(rnd.NextDouble() * 4 - 2))];
            float a = (float)rnd.Next(0, 3);
            EnvState<F32> f = new() { S0 = new(v[0]), S1 = new(v[1]), S2 = new(v[2]), S3 = new(v[3]) };
            EnvState<G32> g = new() { S0 = new(v[0]), S1 = new(v[1]), S2 = new(v[2]), S3 = new(v[3]) };
            TDyn.Step(ref f, new F32(a), out F32 rf, out F32 tf);
            TDyn.Step(ref g, new G32(a), out G32 rg, out G32 tg);
            Assert.Equal([f.S0.V, f.S1.V, f.S2.V, f.S3.V, rf.V, tf.V], [g.S0.V, g.S1.V, g.S2.V, g.S3.V, rg.V, tg.V]);
            TDyn.Observe(in f, out EnvObs<F32> of);
            TDyn.Observe(in g, out EnvObs<G32> og);
            Assert.Equal([of.O0.V, of.O1.V, of.O2.V, of.O3.V, of.O4.V, of.O5.V], [og.O0.V, og.O1.V, og.O2.V, og.O3.V, og.O4.V, og.O5.V]);
        }
    }

    [Fact]
    public void G32_Dynamics_MatchTheF32Reference()
    {
        AssertSameSteps<CartPoleDynamics>(4);
        AssertSameSteps<AcrobotDynamics>(4);
        AssertSameSteps<PendulumDynamics>(2);
        AssertSameSteps<MountainCarDynamics>(2);
        AssertSameSteps<MountainCarContinuousDynamics>(2);
    }

    [Fact]
    public void LaneAtan2_IsAccurate_AndEveryLaneTypeAgrees()
    {
        var rnd = new System.Random(5);
        var ys = new float[4096]; var xs = new float[4096];
        for (int i = 0; i < ys.Length; i++) { ys[i] = (float)(rnd.NextDouble() * 4 - 2); xs[i] = (float)(rnd.NextDouble() * 4 - 2); }
        xs[0] = 0; ys[0] = 1; xs[1] = 0; ys[1] = -1; xs[2] = -1; ys[2] = 0; xs[3] = 0; ys[3] = 0; xs[4] = -1; ys[4] = -0f;
        for (int i = 0; i < ys.Length; i++)
        {
            float r = LaneAtan.Atan2(new F32(ys[i]), new F32(xs[i])).V;
            double exact = xs[i] == 0 && ys[i] == 0 ? 0 : Math.Atan2(ys[i], xs[i]);
            if (i == 4) exact = Math.PI;   // atan2(−0, −1): the lane version treats −0 as 0 (θ = π, as Pendulum needs)
            Assert.True(Math.Abs(r - exact) <= 4e-7 * Math.Max(1, Math.Abs(exact)), $"atan2({ys[i]}, {xs[i]}) = {r}, exact {exact}");
            Assert.Equal(r, LaneAtan.Atan2(new G32(ys[i]), new G32(xs[i])).V);
        }
        for (int i = 0; i + 16 <= ys.Length; i += 16)
        {
            var v = LaneAtan.Atan2(V512F32.Load(ref ys[i]), V512F32.Load(ref xs[i]));
            var o = new float[16];
            V512F32.Store(v, ref o[0]);
            for (int l = 0; l < 16; l++) Assert.Equal(LaneAtan.Atan2(new F32(ys[i + l]), new F32(xs[i + l])).V, o[l]);
        }
    }

    [Fact]
    public void ExpertRules_GiveTheSameActionWhereverARowSits()
    {
        var expert = FastIL.Experts.BuiltinExperts.For(FastIL.Envs.EnvRegistry.Pendulum, 64);
        var rnd = new System.Random(2);
        var cols = Enumerable.Range(0, 3).Select(_ => new float[37]).ToArray();
        for (int i = 0; i < 37; i++) { double th = rnd.NextDouble() * 6 - 3; cols[0][i] = (float)Math.Cos(th); cols[1][i] = (float)Math.Sin(th); cols[2][i] = (float)(rnd.NextDouble() * 16 - 8); }
        var all = new float[37];
        expert.Act(new FastIL.Policies.ArrayColumns(cols, 37), all);
        for (int i = 0; i < 37; i++)
        {
            var one = new float[1];
            expert.Act(new FastIL.Policies.ArrayColumns([[cols[0][i]], [cols[1][i]], [cols[2][i]]], 1), one);
            Assert.Equal(all[i], one[0]);
        }
    }
}
