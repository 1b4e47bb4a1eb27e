using FastIL.Algorithms;
using FastIL.Cli.Infrastructure;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Cli;

/// <summary>The CLI's JIT warm-up: which runs it copies, how it shrinks them, and that it changes no result.</summary>
public class JitWarmupTests
{
    [Theory]
    [InlineData("eval --env CartPole-v1")]
    [InlineData("sweep spec.json")]
    [InlineData("dagger --help")]
    [InlineData("bc --env Acrobot-v1 -h")]
    [InlineData("dagger --device cuda")]
    [InlineData("dagger --expert teacher.json")]
    [InlineData("bc --dataset minari/cartpole")]
    [InlineData("dagger --save-dataset root")]
    [InlineData("dagger --l2 abc")]
    [InlineData("dagger --env CartPole-v9")]
    [InlineData("bc --iterations 3")]
    [InlineData("dagger --features rff:4096")]
    [InlineData("dagger --env Pendulum-v1 --features rff:257")]
    public void ConfigFor_SkipsRunsItCannotHelp(string commandLine) => Assert.Null(JitWarmup.ConfigFor(commandLine.Split(' ')));

    [Fact]
    public void ConfigFor_CopiesTheRunsShape_InMiniature()
    {
        var copy = JitWarmup.ConfigFor(["dagger", "--env", "Acrobot-v1", "--policy", "softmax", "--features", "rff:32", "--standardize", "--beta", "linear:3",
            "--mixing", "trajectory", "--iterations", "5", "--rollouts", "8192", "--eval-episodes", "16385", "--threads", "2", "--seed", "7", "--l2", "0.01",
            "--expert", "builtin", "--quiet"]);
        Assert.NotNull(copy);
        Assert.Equal(Algorithm.Dagger, copy.Algorithm);
        Assert.Equal("Acrobot-v1", copy.Env);
        Assert.Equal(PolicyKind.Softmax, copy.Policy);
        Assert.Equal("rff:32", copy.Features);
        Assert.True(copy.Standardize);
        Assert.Equal("linear:3", copy.Beta.ToString());
        Assert.Equal(Mixing.PerTrajectory, copy.Mixing);
        Assert.Equal(7UL, copy.Seed);
        Assert.Equal(0.01, copy.L2);
        // Small: two iterations, two 16-lane groups plus the run's remainder (8192 % 16 = 0, 16385 % 16 = 1), one thread.
        Assert.Equal(2, copy.Iterations);
        Assert.Equal(32, copy.Rollouts);
        Assert.Equal(33, copy.EvalEpisodes);
        Assert.Equal(40, copy.Horizon);
        Assert.Equal(1, copy.Threads);
        // The defaults' largest feature map (Pendulum's rff:128) is copied.
        Assert.NotNull(JitWarmup.ConfigFor(["dagger", "--env", "Pendulum-v1"]));
    }

    [Fact]
    public void ConfigFor_KeepsRunsSmallerThanTheCopy_AndReadsEqualsForms()
    {
        var copy = JitWarmup.ConfigFor(["bc", "--env=MountainCar-v0", "--demos=3", "--horizon", "25", "--no-standardize"]);
        Assert.NotNull(copy);
        Assert.Equal(Algorithm.BC, copy.Algorithm);
        Assert.Equal("MountainCar-v0", copy.Env);
        Assert.Equal(1, copy.Iterations);
        Assert.Equal(3, copy.Rollouts);
        Assert.Equal(25, copy.Horizon);
        Assert.False(copy.Standardize);
        // Defaults come from the env's own (MountainCar's standardizes unless told not to).
        Assert.Equal(ImitationConfig.For("MountainCar-v0").Standardize, JitWarmup.ConfigFor(["bc", "--env", "MountainCar-v0"])!.Standardize);
    }

    [Fact]
    public void ASweep_IsCopiedFromItsFirstRun()
    {
        string dir = CliRunner.TempDir(), spec = Path.Combine(dir, "spec.json"), bad = Path.Combine(dir, "bad.json");
        File.WriteAllText(spec, """{"base": {"env": "Acrobot-v1", "rollouts": 100, "eval-episodes": 50}, "grid": {"l2": [0.01, 0.1]}, "seeds": 3}""");
        File.WriteAllText(bad, """{"base": {"env": "Acrobot-v1"}, "colour": 1}""");
        var copy = JitWarmup.ConfigFor(["sweep", spec, "--out", Path.Combine(dir, "out"), "--threads", "2"]);
        Assert.NotNull(copy);
        Assert.Equal("Acrobot-v1", copy.Env);
        Assert.Equal(0.01, copy.L2);   // the first point
        Assert.Equal(0UL, copy.Seed);
        Assert.Equal(32 + 100 % 16, copy.Rollouts);
        Assert.Equal(32 + 50 % 16, copy.EvalEpisodes);
        Assert.Equal(1, copy.Threads);
        Assert.Null(JitWarmup.ConfigFor(["sweep", bad]));
        Assert.Null(JitWarmup.ConfigFor(["sweep", Path.Combine(dir, "missing.json")]));
        Assert.Null(JitWarmup.ConfigFor(["sweep", "merge", "a", "b", "--out", "c"]));
        Assert.Null(JitWarmup.ConfigFor(["sweep", spec, "--help"]));
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void TheCopy_RunningBesideARun_ChangesNothing(string env)
    {
        var config = ImitationConfig.For(env) with { Iterations = 3, Rollouts = 40, EvalEpisodes = 60, Threads = 2, Seed = 3 };
        var alone = ImitationRunner.Run(config);
        var copy = JitWarmup.ConfigFor(["dagger", "--env", env, "--seed", "3"])!;
        // Several copies at once, started just before the run, so that they overlap it.
        var threads = new Thread[3];
        for (int t = 0; t < threads.Length; t++) (threads[t] = new Thread(() => JitWarmup.RunCopy(copy))).Start();
        var beside = ImitationRunner.Run(config);
        foreach (var t in threads) t.Join();
        Assert.Equal(alone.Policy.Weights, beside.Policy.Weights);
        Assert.Equal(alone.Policy.Bias, beside.Policy.Bias);
        Assert.Equal(alone.Final, beside.Final);
        Assert.Equal(alone.Expert, beside.Expert);
        for (int i = 0; i < alone.Iterations.Count; i++)
        {
            Assert.Equal(alone.Iterations[i].DatasetSize, beside.Iterations[i].DatasetSize);
            Assert.Equal(alone.Iterations[i].Eval, beside.Iterations[i].Eval);
            Assert.Equal(alone.Iterations[i].Fit.Objective, beside.Iterations[i].Fit.Objective);
        }
    }
}
