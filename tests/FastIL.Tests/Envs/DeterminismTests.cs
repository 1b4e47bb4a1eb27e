using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>Same seed ⇒ same columns, whatever the thread count, batch split or path; observations in their space.</summary>
public class DeterminismTests
{
    private static float[][] Roll(string envId, ulong seed, int n, int steps, int threads = 1, long firstLane = 0, int laneOffsetForActions = 0)
    {
        using var env = EnvRegistry.Create(envId, n, new EnvOptions { Threads = threads, FirstLane = firstLane });
        env.Reset(seed);
        var ia = new int[n]; var fa = new float[n];
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < n; i++)
            {
                double u = FastIL.Random.CounterRng.Uniform(99, (ulong)(i + laneOffsetForActions), (ulong)s, 0);
                if (env.Spec.IsDiscrete) ia[i] = (int)(u * env.Spec.ActionCount);
                else fa[i] = (float)(env.Spec.ActionLow + (env.Spec.ActionHigh - env.Spec.ActionLow) * u);
            }
            if (env.Spec.IsDiscrete) env.Step(ia); else env.Step(fa);
        }
        return Enumerable.Range(0, env.Spec.ObservationSize).Select(j => env.Observation(j).ToArray()).ToArray();
    }

    [Theory]
    [MemberData(nameof(TestData.Envs), MemberType = typeof(TestData))]
    public void SameSeed_SameColumns_ForAnyThreadCountAndBatchSplit(string envId)
    {
        const int n = 1000, steps = 250;
        var one = Roll(envId, 5, n, steps);
        var again = Roll(envId, 5, n, steps);
        var twoThreads = Roll(envId, 5, n, steps, threads: 2);
        var fourThreads = Roll(envId, 5, n, steps, threads: 4);
        // The same lanes as two batches: [0, 613) and [613, 1000) with FirstLane = 613.
        var left = Roll(envId, 5, 613, steps);
        var right = Roll(envId, 5, n - 613, steps, firstLane: 613, laneOffsetForActions: 613);
        for (int j = 0; j < one.Length; j++)
        {
            Assert.Equal(one[j], again[j]);
            Assert.Equal(one[j], twoThreads[j]);
            Assert.Equal(one[j], fourThreads[j]);
            Assert.Equal(one[j], left[j].Concat(right[j]).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Envs), MemberType = typeof(TestData))]
    public void DifferentSeeds_GiveDifferentTrajectories(string envId)
    {
        var a = Roll(envId, 1, 64, 10);
        var b = Roll(envId, 2, 64, 10);
        Assert.NotEqual(a[0], b[0]);
    }

    [Theory]
    [MemberData(nameof(TestData.Envs), MemberType = typeof(TestData))]
    public void Observations_StayInsideTheObservationSpace(string envId)
    {
        using var env = EnvRegistry.Create(envId, 256);
        env.Reset(3);
        var spec = env.Spec;
        var ia = new int[256]; var fa = new float[256];
        for (int s = 0; s < 1200; s++)
        {
            for (int i = 0; i < 256; i++)
            {
                double u = FastIL.Random.CounterRng.Uniform(4, (ulong)i, (ulong)s, 0);
                ia[i] = spec.IsDiscrete ? (int)(u * spec.ActionCount) : 0;
                fa[i] = (float)(spec.ActionLow + (spec.ActionHigh - spec.ActionLow) * u);
            }
            if (spec.IsDiscrete) env.Step(ia); else env.Step(fa);
            for (int j = 0; j < spec.ObservationSize; j++)
                foreach (float o in env.Observation(j))
                    Assert.InRange(o, spec.ObservationLow[j], spec.ObservationHigh[j]);
        }
    }

    [Fact]
    public void ResetStates_FollowTheResetDistribution()
    {
        using var env = EnvRegistry.Create("Pendulum-v1", 4096, new EnvOptions { Precision = Precision.Float64 });
        env.Reset(11);
        var s = new double[2];
        double mean = 0;
        for (int i = 0; i < 4096; i++)
        {
            env.GetState(i, s);
            Assert.InRange(s[0], -Math.PI, Math.PI);
            Assert.InRange(s[1], -1, 1);
            mean += s[1] / 4096;
        }
        Assert.InRange(mean, -0.05, 0.05);
        using var acro = EnvRegistry.Create("Acrobot-v1", 16, new EnvOptions { Precision = Precision.Float64 });
        acro.Reset(1);
        var a = new double[4];
        acro.GetState(5, a);
        Assert.All(a, v => Assert.Equal((double)(float)v, v)); // Acrobot's reset state is float32
    }

    [Theory]
    [MemberData(nameof(TestData.Envs), MemberType = typeof(TestData))]
    public void Float32Resets_AreTheSpecsDraws_ForFirstAndLaterEpisodes(string envId)
    {
        // The steppers inline EnvSpec.SampleInitialStateSingle for speed; both must give the same states.
        const int n = 40;
        const ulong seed = 77;
        using var env = EnvRegistry.Create(envId, n, new EnvOptions { Path = SimdPath.Vector256, MaxEpisodeSteps = 3 });
        var spec = env.Spec;
        ulong seedMix = FastIL.Random.CounterRng.Mix(seed + 0x9E3779B97F4A7C15UL);
        var expected = new float[spec.StateSize];
        var actual = new double[spec.StateSize];
        env.Reset(seed);
        for (int lane = 0; lane < n; lane++)
        {
            spec.SampleInitialStateSingle(seedMix, lane, 0, expected);
            env.GetState(lane, actual);
            for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], (float)actual[j]);
        }
        // A 3-step limit: every lane truncates at step 3 and restarts (episode 1) at step 4.
        var ia = new int[n];
        var fa = new float[n];
        for (int t = 0; t < 4; t++) { if (spec.IsDiscrete) env.Step(ia); else env.Step(fa); }
        for (int lane = 0; lane < n; lane++)
        {
            spec.SampleInitialStateSingle(seedMix, lane, 1, expected);
            env.GetState(lane, actual);
            for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], (float)actual[j]);
        }
    }
}
