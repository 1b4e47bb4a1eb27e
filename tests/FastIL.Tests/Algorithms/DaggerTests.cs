using FastIL.Algorithms;
using FastIL.Experts;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Algorithms;

public class DaggerTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void CartPole_Defaults_ReachExpertLevel(ulong seed)
    {
        var r = ImitationRunner.Run(ImitationConfig.For("CartPole-v1") with { Seed = seed });
        Assert.True(r.Final.ReturnMean >= 475, $"seed {seed}: {r.Final.ReturnMean}");
        Assert.Equal(1000, r.Final.Episodes);
        Assert.Equal(500, r.Expert.ReturnMean);
    }

    [Fact]
    public void Results_AreBitIdentical_ForOneAndTwoThreads_AndRepeatedRuns()
    {
        var cfg = ImitationConfig.For("Acrobot-v1") with { Iterations = 3, Rollouts = 70, EvalEpisodes = 200, Seed = 7 };
        var a = ImitationRunner.Run(cfg with { Threads = 1 });
        var b = ImitationRunner.Run(cfg with { Threads = 2 });
        var c = ImitationRunner.Run(cfg with { Threads = 1 });
        foreach (var other in new[] { b, c })
        {
            Assert.Equal(a.Policy.Weights, other.Policy.Weights);
            Assert.Equal(a.Policy.Bias, other.Policy.Bias);
            Assert.Equal(a.Final, other.Final);
            for (int i = 0; i < a.Iterations.Count; i++)
            {
                Assert.Equal(a.Iterations[i].DatasetSize, other.Iterations[i].DatasetSize);
                Assert.Equal(a.Iterations[i].Eval, other.Iterations[i].Eval);
                Assert.Equal(a.Iterations[i].Fit.Objective, other.Iterations[i].Fit.Objective);
            }
        }
        var d = ImitationRunner.Run(cfg with { Seed = 8 });
        Assert.NotEqual(a.Iterations[0].DatasetSize + a.Final.ReturnMean, d.Iterations[0].DatasetSize + d.Final.ReturnMean);
    }

    [Fact]
    public void Dataset_GrowsByEveryVisitedState_AndBetaFollowsTheSchedule()
    {
        var cfg = ImitationConfig.For("CartPole-v1") with { Iterations = 4, Rollouts = 8, EvalEpisodes = 50, Beta = BetaSchedule.Parse("exp:0.5") };
        var r = ImitationRunner.Run(cfg);
        Assert.Equal([1.0, 0.5, 0.25, 0.125], r.Iterations.Select(i => i.Beta));
        // Iteration 1 is all expert: 8 trajectories of 500 steps.
        Assert.Equal(4000, r.Iterations[0].DatasetSize);
        for (int i = 1; i < r.Iterations.Count; i++) Assert.True(r.Iterations[i].DatasetSize > r.Iterations[i - 1].DatasetSize);
    }

    [Fact]
    public void BC_IsOneRoundOfExpertDemonstrations()
    {
        var r = ImitationRunner.Run(ImitationConfig.For("MountainCar-v0") with { Algorithm = Algorithm.BC, Rollouts = 10, EvalEpisodes = 100 });
        var single = Assert.Single(r.Iterations);
        Assert.Equal(1.0, single.Beta);
        Assert.InRange(single.DatasetSize, 10 * 80, 10 * 200);
    }

    [Fact]
    public void TeacherPolicy_CanBeTheExpert()
    {
        var teacher = ImitationRunner.Run(ImitationConfig.For("CartPole-v1") with { EvalEpisodes = 100 }).Policy;
        var student = ImitationRunner.Run(ImitationConfig.For("CartPole-v1") with { EvalEpisodes = 100, Seed = 5 }, new PolicyExpert(teacher, 100, "teacher"));
        Assert.Equal("teacher", student.ExpertName);
        Assert.True(student.Final.ReturnMean >= 475);
    }

    [Theory]
    [InlineData("CartPole-v1", PolicyKind.Linear, "discrete actions")]
    [InlineData("Pendulum-v1", PolicyKind.Softmax, "continuous actions")]
    [InlineData("MountainCar-v0", PolicyKind.Logistic, "needs 2")]
    public void PolicyNotFittingTheActionSpace_IsAClearError(string env, PolicyKind kind, string expected)
        => Assert.Contains(expected, Assert.Throws<ArgumentException>(() => ImitationRunner.Run(ImitationConfig.For(env) with { Policy = kind })).Message);

    [Theory]
    [InlineData("exp:1.5")]
    [InlineData("exp:-0.1")]
    [InlineData("linear:0")]
    [InlineData("cosine")]
    public void BetaOutsideItsRange_IsAFormatError(string text) => Assert.Throws<FormatException>(() => BetaSchedule.Parse(text));
}

public class DistributionShiftTests
{
    [Fact]
    public void CartPole_BcWithAsManyExpertLabels_IsMeasurablyWorseThanDagger()
    {
        var r = ShiftExperiment.Run("CartPole-v1", seed: 0, evalEpisodes: 300);
        Assert.InRange(r.BcLabels, r.DaggerLabels * 0.9, r.DaggerLabels * 1.1);
        Assert.True(r.Dagger.ReturnMean >= 475, $"DAgger {r.Dagger.ReturnMean}");
        Assert.True(r.Bc.ReturnMean <= r.Dagger.ReturnMean - 100, $"BC {r.Bc.ReturnMean} vs DAgger {r.Dagger.ReturnMean}");
        Assert.True(r.Bc.Disagreement > r.Dagger.Disagreement, "BC should disagree more with the expert on its own states");
    }
}
