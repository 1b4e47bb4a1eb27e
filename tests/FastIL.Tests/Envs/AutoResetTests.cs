using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>Gymnasium 1.x auto-reset semantics, time limits and episode bookkeeping.</summary>
public class AutoResetTests
{
    // CartPole with action 1 forever terminates after a few dozen steps.
    private static int StepsUntilDone(VectorEnv env, int[] actions, int max = 1000)
    {
        for (int s = 1; s <= max; s++)
        {
            env.Step(actions);
            if (env.Terminated[0] || env.Truncated[0]) return s;
        }
        throw new Xunit.Sdk.XunitException("episode never ended");
    }

    [Fact]
    public void NextStep_ResetsOnTheFollowingStep_WithZeroRewardAndClearFlags()
    {
        using var env = EnvRegistry.Create("CartPole-v1", 1);
        env.Reset(0);
        int[] push = [1];
        int len = StepsUntilDone(env, push);
        Assert.True(env.Terminated[0]);
        Assert.Equal(len, env.FinalLength(0));
        Assert.Equal(len, env.FinalReturn(0));
        Assert.Equal(1, env.EpisodesCompleted);
        env.Step(push);
        Assert.False(env.Terminated[0]);
        Assert.False(env.Truncated[0]);
        Assert.Equal(0.0, env.Reward(0));
        Assert.Equal(0, env.EpisodeLength(0));
        // The observation is a fresh reset state: every component within ±0.05.
        for (int j = 0; j < 4; j++) Assert.InRange(env.Observation(j)[0], -0.05f, 0.05f);
        // ... and it is the episode-1 reset state of lane 0, the same as a batch reset would draw for that episode.
        env.Step(push);
        Assert.Equal(1, env.EpisodeLength(0));
    }

    [Fact]
    public void SameStep_ResetsImmediately_AndKeepsTheFinalObservation()
    {
        using var env = EnvRegistry.Create("CartPole-v1", 1, new EnvOptions { AutoReset = AutoResetMode.SameStep });
        using var reference = EnvRegistry.Create("CartPole-v1", 1, new EnvOptions { AutoReset = AutoResetMode.Disabled });
        env.Reset(0);
        reference.Reset(0);
        int[] push = [1];
        int len = StepsUntilDone(env, push);
        Assert.Equal(len, StepsUntilDone(reference, push));
        Assert.True(env.Terminated[0]);
        Assert.Equal(1.0, env.Reward(0));
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(reference.Observation(j)[0], env.FinalObservation(j)[0]);
            Assert.InRange(env.Observation(j)[0], -0.05f, 0.05f);
        }
        Assert.Equal(0, env.EpisodeLength(0));
    }

    [Fact]
    public void Disabled_KeepsSteppingUntilResetByMask()
    {
        using var env = EnvRegistry.Create("CartPole-v1", 2, new EnvOptions { AutoReset = AutoResetMode.Disabled });
        env.Reset(0);
        int[] push = [1, 1];
        StepsUntilDone(env, push);
        float x = env.Observation(0)[0];
        env.Step(push);
        Assert.NotEqual(x, env.Observation(0)[0]);   // stepped, not reset
        env.Reset([true, false]);
        Assert.InRange(env.Observation(0)[0], -0.05f, 0.05f);
        Assert.False(env.Terminated[0]);
        Assert.Equal(0, env.EpisodeLength(0));
    }

    [Fact]
    public void TimeLimit_TruncatesExactlyAtMaxEpisodeSteps()
    {
        using var env = EnvRegistry.Create("Pendulum-v1", 3);
        env.Reset(0);
        var a = new float[3];
        for (int s = 1; s <= 200; s++)
        {
            env.Step(a);
            Assert.Equal(s == 200, env.Truncated[0]);
            Assert.False(env.Terminated[0]);
        }
        Assert.Equal(3, env.EpisodesCompleted);
        Assert.Equal(200, env.FinalLength(2));
        env.Step(a);            // next-step reset
        Assert.False(env.Truncated[0]);
        Assert.Equal(0, env.EpisodeLength(0));
    }

    [Fact]
    public void BadActions_AreClearErrors()
    {
        using var env = EnvRegistry.Create("CartPole-v1", 4);
        env.Reset(0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(new[] { 0, 1, 2, 0 }));
        Assert.Contains("lane 2", e.Message);
        Assert.Throws<ArgumentException>(() => env.Step(new[] { 0, 1 }));
        Assert.Throws<InvalidOperationException>(() => env.Step(new float[4]));
        Assert.Throws<ArgumentException>(() => EnvRegistry.Create("CartPole-v0", 4));
    }
}
