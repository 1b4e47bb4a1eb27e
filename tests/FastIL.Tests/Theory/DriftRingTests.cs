using FastIL.Envs;
using FastIL.Envs.Tabular;
using FastIL.Experts;
using FastIL.Policies;
using FastIL.Theory;
using Xunit;

namespace FastIL.Tests.Theory;

public class DriftRingTests
{
    private static readonly DriftRing Small = new(new DriftRingParameters { Positions = 16, Period = 4, Hazards = 2, MaxEpisodeSteps = 5 });

    private static DriftRingEnv Env(DriftRing ring, int lanes, EnvOptions? options = null)
        => (DriftRingEnv)EnvRegistry.Create(ring.Spec, lanes, options ?? new EnvOptions { AutoReset = AutoResetMode.Disabled });

    [Fact]
    public void Step_FollowsTheDocumentedTransitions()
    {
        using var env = Env(Small, 1);
        env.SetState(0, [15, 0]);
        int a = Small.ExpertAction(15, false);
        env.Step([a]);
        Assert.Equal(0, env.Positions[0]);          // the ring wraps
        Assert.False(env.OffRoad[0]);
        Assert.Equal(1, env.Reward(0));
        env.Step([1 - Small.ExpertAction(0, false)]);   // wrong on the road: ditch next, this step still earns 1
        Assert.Equal(1, env.Positions[0]);
        Assert.True(env.OffRoad[0]);
        Assert.Equal(1, env.Reward(0));
        Assert.Equal([1f, 1f], [env.Observation(0)[0], env.Observation(1)[0]]);
        env.Step([Small.ExpertAction(1, false)]);        // steering as on the road is wrong in the ditch
        Assert.True(env.OffRoad[0]);
        Assert.Equal(0, env.Reward(0));
        env.Step([Small.ExpertAction(2, true)]);         // the recovery action
        Assert.False(env.OffRoad[0]);
        Assert.Equal(0, env.Reward(0));
        Assert.Equal(1 - Small.ExpertAction(2, false), Small.ExpertAction(2, true));
    }

    [Fact]
    public void Layout_HasKHazardsFarApart_AndThePatternPolicyErrsExactlyThere()
    {
        var p = new DriftRingParameters { Positions = 4096, Period = 8, Hazards = 8 };
        var ring = new DriftRing(p);
        var hazards = Enumerable.Range(0, p.Positions).Where(ring.IsHazard).ToArray();
        Assert.Equal(p.Hazards, hazards.Length);
        for (int j = 0; j < hazards.Length; j++)
        {
            int next = hazards[(j + 1) % hazards.Length], gap = (next - hazards[j] + p.Positions) % p.Positions;
            Assert.True(gap >= p.Positions / (2 * p.Hazards), $"hazards {hazards[j]} and {next} are {gap} apart");
        }
        // The best policy over coarse:Period features plays the cell's majority: the expert without its hazards.
        int[] expert = ring.ExpertTable();
        int[] pattern = (int[])expert.Clone();
        foreach (int h in hazards) { pattern[h] ^= 1; pattern[p.Positions + h] ^= 1; }
        var mdp = ring.ToFiniteMdp();
        Assert.Equal(ring.HazardFraction, ExactEvaluation.Forward(mdp, expert, pattern, 300).Disagreement, 12);
    }

    [Fact]
    public void BatchedEnv_AgreesWithTheFiniteMdp_ForASlipperyRandomPolicy()
    {
        // Monte Carlo over the batched env against dynamic programming on the tables: the slip draws, transitions
        // and rewards of DriftRingEnv are those of ToFiniteMdp.
        var ring = new DriftRing(new DriftRingParameters { Positions = 32, Period = 4, Hazards = 3, Slip = 0.3 });
        var mdp = ring.ToFiniteMdp();
        var policy = new int[ring.StateCount];
        for (int s = 0; s < policy.Length; s++) policy[s] = (int)(FastIL.Random.CounterRng.Bits(7, 0, (ulong)s, 0) & 1);
        const int h = 40, lanes = 20000;
        double exact = ExactEvaluation.Forward(mdp, policy, ring.ExpertTable(), h).Value;
        using var env = Env(ring, lanes, new EnvOptions { AutoReset = AutoResetMode.Disabled, MaxEpisodeSteps = h });
        env.Reset(123);
        var actions = new int[lanes];
        for (int t = 0; t < h; t++)
        {
            for (int i = 0; i < lanes; i++) actions[i] = policy[ring.StateIndex(env.Positions[i], env.OffRoad[i])];
            env.Step(actions);
        }
        Assert.All(Enumerable.Range(0, lanes), i => Assert.True(env.Truncated[i]));
        double mean = Enumerable.Range(0, lanes).Average(env.FinalReturn);
        double sd = Math.Sqrt(Enumerable.Range(0, lanes).Sum(i => Math.Pow(env.FinalReturn(i) - mean, 2)) / (lanes - 1));
        double se = sd / Math.Sqrt(lanes);
        Assert.True(Math.Abs(mean - exact) <= 4 * se, $"MC {mean} ± {se} vs exact {exact}");
    }

    [Fact]
    public void Lanes_DependOnlyOnSeedLaneAndEpisode()
    {
        var ring = new DriftRing(new DriftRingParameters { Slip = 0.1 });
        using var whole = Env(ring, 64, new EnvOptions { AutoReset = AutoResetMode.NextStep, MaxEpisodeSteps = 7 });
        using var tail = Env(ring, 24, new EnvOptions { AutoReset = AutoResetMode.NextStep, MaxEpisodeSteps = 7, FirstLane = 40 });
        whole.Reset(5); tail.Reset(5);
        var a64 = new int[64]; var a24 = new int[24];
        for (int t = 0; t < 30; t++)
        {
            for (int i = 0; i < 64; i++) a64[i] = (i + t) % 2;
            for (int i = 0; i < 24; i++) a24[i] = a64[40 + i];
            whole.Step(a64); tail.Step(a24);
            for (int i = 0; i < 24; i++)
            {
                Assert.Equal(whole.Positions[40 + i], tail.Positions[i]);
                Assert.Equal(whole.OffRoad[40 + i], tail.OffRoad[i]);
                Assert.Equal(whole.Truncated[40 + i], tail.Truncated[i]);
            }
        }
        using var other = Env(ring, 64);
        other.Reset(6);
        whole.Reset(5);
        Assert.NotEqual(whole.Positions.ToArray(), other.Positions.ToArray());
    }

    [Fact]
    public void NextStepAutoReset_TruncatesAtTheHorizon_ThenResetsWithZeroReward()
    {
        using var env = Env(Small, 3, new EnvOptions { AutoReset = AutoResetMode.NextStep });
        env.Reset(1);
        var a = new int[3];
        for (int t = 0; t < 5; t++)
        {
            Assert.False(env.Truncated[0]);
            for (int i = 0; i < 3; i++) a[i] = Small.ExpertAction(env.Positions[i], env.OffRoad[i]);
            env.Step(a);
        }
        Assert.True(env.Truncated[0]);
        Assert.Equal(5, env.FinalReturn(0));
        Assert.Equal(5, env.FinalLength(0));
        Assert.Equal(3, env.EpisodesCompleted);
        env.Step(a);
        Assert.False(env.Truncated[0]);
        Assert.Equal(0, env.Reward(0));
        Assert.Equal(0, env.EpisodeLength(0));
    }

    [Fact]
    public void Registry_ListsDriftRing_WithItsExpert_WhichRefusesNonStates()
    {
        var spec = EnvRegistry.Get(DriftRing.Id);
        Assert.Same(EnvRegistry.DriftRing, spec);
        IExpert expert = BuiltinExperts.For(spec, 4);
        Assert.IsType<DriftRingExpert>(expert);
        var bad = new ArrayColumns([[2.5f], [0f]], 1);
        Assert.Contains("not a state", Assert.Throws<ArgumentException>(() => expert.Act(bad, new int[1])).Message);
        Assert.Throws<ArgumentException>(() => EnvRegistry.Create(spec, 4, new EnvOptions { Path = SimdPath.Vector256 }));
        Assert.Throws<ArgumentException>(() => new DriftRing(new DriftRingParameters { Hazards = 5000 }));
    }
}
