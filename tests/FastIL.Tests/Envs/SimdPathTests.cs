using System.Runtime.Intrinsics;
using FastIL.Envs;
using FastIL.Kernels.MathKernels;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>The Vector256 and Vector512 paths against the scalar reference: bit-identical, by design.</summary>
public class SimdPathTests
{
    private static (float[][] Obs, double[] Rewards, bool[] Term, bool[] Trunc, long Episodes) Roll(string envId, SimdPath path, int n, int steps, AutoResetMode mode)
    {
        using var env = EnvRegistry.Create(envId, n, new EnvOptions { Path = path, AutoReset = mode });
        env.Reset(42);
        var spec = env.Spec;
        var ia = new int[n];
        var fa = new float[n];
        var rewardSum = new double[n];
        var r = new double[n];
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < n; i++)
            {
                double u = FastIL.Random.CounterRng.Uniform(7, (ulong)i, (ulong)s, 0);
                // Out-of-range continuous actions too, to exercise the clipping.
                if (spec.IsDiscrete) ia[i] = (int)(u * spec.ActionCount);
                else fa[i] = (float)(3 * spec.ActionLow + (3 * spec.ActionHigh - 3 * spec.ActionLow) * u);
            }
            if (spec.IsDiscrete) env.Step(ia); else env.Step(fa);
            env.CopyRewards(r);
            for (int i = 0; i < n; i++) rewardSum[i] += r[i];
        }
        var obs = Enumerable.Range(0, spec.ObservationSize).Select(j => env.Observation(j).ToArray()).ToArray();
        return (obs, rewardSum, env.Terminated.ToArray(), env.Truncated.ToArray(), env.EpisodesCompleted);
    }

    [Theory]
    [MemberData(nameof(TestData.Envs), MemberType = typeof(TestData))]
    public void VectorPaths_AreBitIdenticalToScalar_OverEpisodesWithResets(string envId)
    {
        // 67 lanes: eight Vector512 blocks, one spare Vector256 block and a scalar tail of 3.
        const int n = 67, steps = 600;
        var scalar = Roll(envId, SimdPath.Scalar, n, steps, AutoResetMode.NextStep);
        Assert.True(scalar.Episodes > 0, "the rollout should cross episode boundaries");
        foreach (var path in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            var v = Roll(envId, path, n, steps, AutoResetMode.NextStep);
            for (int j = 0; j < scalar.Obs.Length; j++) Assert.Equal(scalar.Obs[j], v.Obs[j]);
            Assert.Equal(scalar.Rewards, v.Rewards);
            Assert.Equal(scalar.Term, v.Term);
            Assert.Equal(scalar.Trunc, v.Trunc);
            Assert.Equal(scalar.Episodes, v.Episodes);
        }
    }

    /// <summary>Everything a batch exposes after each step, for one path and auto-reset mode.</summary>
    private static List<string> Trace(string envId, SimdPath path, int n, int steps, AutoResetMode mode, int maxSteps)
    {
        using var env = EnvRegistry.Create(envId, n, new EnvOptions { Path = path, AutoReset = mode, MaxEpisodeSteps = maxSteps });
        env.Reset(1234);
        var spec = env.Spec;
        var ia = new int[n];
        var fa = new float[n];
        var mask = new bool[n];
        var trace = new List<string>();
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < n; i++)
            {
                double u = FastIL.Random.CounterRng.Uniform(11, (ulong)i, (ulong)s, 0);
                if (spec.IsDiscrete) ia[i] = (int)(u * spec.ActionCount);
                else fa[i] = (float)(2 * spec.ActionLow + (2 * spec.ActionHigh - 2 * spec.ActionLow) * u);
            }
            if (spec.IsDiscrete) env.Step(ia); else env.Step(fa);
            var sb = new System.Text.StringBuilder();
            for (int i = 0; i < n; i++)
            {
                sb.Append(env.Reward(i).ToString("R")).Append(env.Terminated[i] ? 'T' : '-').Append(env.Truncated[i] ? 'X' : '-')
                  .Append(env.EpisodeReturn(i).ToString("R")).Append('/').Append(env.EpisodeLength(i))
                  .Append('|').Append(env.FinalReturn(i).ToString("R")).Append('/').Append(env.FinalLength(i));
                for (int j = 0; j < spec.ObservationSize; j++) sb.Append(',').Append(BitConverter.SingleToInt32Bits(env.Observation(j)[i]));
                if (mode == AutoResetMode.SameStep)
                    for (int j = 0; j < spec.ObservationSize; j++) sb.Append(';').Append(BitConverter.SingleToInt32Bits(env.FinalObservation(j)[i]));
                sb.Append(' ');
            }
            sb.Append(env.EpisodesCompleted);
            trace.Add(sb.ToString());
            if (mode == AutoResetMode.Disabled && s % 5 == 4)
            {
                for (int i = 0; i < n; i++) mask[i] = env.Terminated[i] || env.Truncated[i];
                env.Reset(mask);
            }
        }
        return trace;
    }

    public static IEnumerable<object[]> EnvsAndModes()
    {
        foreach (var e in TestData.Envs())
            foreach (var m in new[] { AutoResetMode.NextStep, AutoResetMode.SameStep, AutoResetMode.Disabled })
                yield return [e[0], m];
    }

    [Theory]
    [MemberData(nameof(EnvsAndModes))]
    public void VectorPaths_MatchScalar_EveryStep_InEveryAutoResetMode_AcrossChunks(string envId, AutoResetMode mode)
    {
        // 2083 lanes: two full 1024-lane chunks of the blocked loop and a partial one whose 35 lanes end in a
        // Vector512 block, a Vector256 block and a scalar tail; a 30-step limit makes truncations common.
        const int n = 2083, steps = 70, limit = 30;
        var scalar = Trace(envId, SimdPath.Scalar, n, steps, mode, limit);
        Assert.Contains(scalar, line => line.Contains('X'));
        foreach (var path in new[] { SimdPath.Vector256, SimdPath.Vector512 })
        {
            var v = Trace(envId, path, n, steps, mode, limit);
            for (int s = 0; s < steps; s++) Assert.True(scalar[s] == v[s], $"{path}, {mode}: step {s} differs from the scalar path");
        }
    }

    [Fact]
    public void FlagBytes_GatherAndLoad_InvertStore_ForEveryPattern()
    {
        var a = new byte[16];
        var b = new byte[16];
        for (uint m = 0; m < 256; m++)
        {
            FlagBytes.Store(ref a[0], m, 8);
            ulong v = BitConverter.ToUInt64(a, 0);
            Assert.Equal(m, FlagBytes.Gather(v));
            for (int k = 0; k < 8; k++) Assert.Equal((m >> k) & 1, (uint)a[k]);
        }
        for (int t = 0; t < 2000; t++)
        {
            uint ma = (uint)FastIL.Random.CounterRng.Bits(5, (ulong)t, 0, 0) & 0xFFFF, mb = (uint)FastIL.Random.CounterRng.Bits(5, (ulong)t, 1, 0) & 0xFFFF;
            FlagBytes.Store(ref a[0], ma, 16);
            FlagBytes.Store(ref b[0], mb, 16);
            Assert.Equal(ma | mb, FlagBytes.Load(ref a[0], ref b[0], 16));
            Assert.Equal((ma | mb) & 0xFF, FlagBytes.Load(ref a[0], ref b[0], 8));
            Assert.Equal((ma | mb) & 1, FlagBytes.Load(ref a[0], ref b[0], 1));
        }
    }

    [Fact]
    public void FastSinCos_Vector256AndVector512_MatchScalarBitForBit()
    {
        var xs = new float[4096];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)((FastIL.Random.CounterRng.Uniform(1, 0, (ulong)i, 0) - 0.5) * Math.Pow(10, i % 6));
        xs[0] = 0; xs[1] = -0f; xs[2] = float.NaN; xs[3] = float.PositiveInfinity; xs[4] = MathF.PI / 4; xs[5] = 1e5f;
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            FastSinCos.SinCos(Vector256.Create(xs.AsSpan(i, 8)), out var s8, out var c8);
            FastSinCos.SinCos(Vector512.Create(xs.AsSpan(i, 16)), out var s16, out var c16);
            for (int k = 0; k < 16; k++)
            {
                FastSinCos.SinCos(xs[i + k], out float s, out float c);
                if (k < 8)
                {
                    AssertSameBits(s, s8[k]);
                    AssertSameBits(c, c8[k]);
                }
                AssertSameBits(s, s16[k]);
                AssertSameBits(c, c16[k]);
            }
        }
    }

    // NaN sign and payload bits carry no meaning (x86 makes a negative default NaN); everything else must match exactly.
    private static void AssertSameBits(float expected, float actual)
    {
        if (float.IsNaN(expected)) Assert.True(float.IsNaN(actual));
        else Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
    }

    [Fact]
    public void FastSinCos_IsWithinTwoUlpOfCorrectlyRounded_ForModerateArguments()
    {
        for (int i = 0; i < 200_000; i++)
        {
            float x = (float)((FastIL.Random.CounterRng.Uniform(3, 0, (ulong)i, 0) - 0.5) * 2 * (i % 2 == 0 ? 10 : 1e5));
            FastSinCos.SinCos(x, out float s, out float c);
            float es = (float)Math.Sin(x), ec = (float)Math.Cos(x);
            // Error measured in ulps of the result, with an absolute floor near zero crossings.
            Assert.True(Math.Abs(s - es) <= Math.Max(2 * MathF.BitIncrement(MathF.Abs(es)) - 2 * MathF.Abs(es), 1e-7f * MathF.Max(1, MathF.Abs(x) / 1e3f)), $"sin({x:R}) = {s:R}, expected {es:R}");
            Assert.True(Math.Abs(c - ec) <= Math.Max(2 * MathF.BitIncrement(MathF.Abs(ec)) - 2 * MathF.Abs(ec), 1e-7f * MathF.Max(1, MathF.Abs(x) / 1e3f)), $"cos({x:R}) = {c:R}, expected {ec:R}");
        }
    }

    [Fact]
    public void ForcingVectorPathsInFloat64_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => EnvRegistry.Create("CartPole-v1", 8, new EnvOptions { Precision = Precision.Float64, Path = SimdPath.Vector256 }));
        Assert.Contains("float32-only", e.Message);
    }
}

public class FastExpTests
{
    [Fact]
    public void FastExp_IsAccurate_AndVectorMatchesScalar()
    {
        double worst = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = -FastIL.Random.CounterRng.Uniform(5, (ulong)i, 0, 0) * (i % 3 == 0 ? 1 : i % 3 == 1 ? 40 : 720);
            double e = FastIL.Kernels.MathKernels.FastExp.ExpNonPositive(x);
            var v = FastIL.Kernels.MathKernels.FastExp.ExpNonPositive(System.Runtime.Intrinsics.Vector256.Create(x));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e), BitConverter.DoubleToInt64Bits(v[2]));
            var v8 = FastIL.Kernels.MathKernels.FastExp.ExpNonPositive(System.Runtime.Intrinsics.Vector512.Create(x));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e), BitConverter.DoubleToInt64Bits(v8[5]));
            double exact = Math.Exp(x);
            if (x < -708) { Assert.Equal(0.0, e); continue; }
            worst = Math.Max(worst, Math.Abs(e - exact) / exact);
        }
        Assert.True(worst < 1e-15, $"worst relative error {worst}");
        Assert.Equal(1.0, FastIL.Kernels.MathKernels.FastExp.ExpNonPositive(0.0));
    }
}
