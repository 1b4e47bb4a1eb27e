using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Experts;
using Xunit;

namespace FastIL.Tests.Algorithms;

/// <summary>
/// With the built-in expert, rollouts and evaluations run by lane blocks (<c>BlockedRollout</c>, <c>BlockedEvaluator</c>);
/// a caller's own expert takes the one-batch loop and <see cref="Evaluator"/>. Handing the built-in expert in as a caller's expert therefore runs the same DAgger both ways: every result
/// must match bit for bit, for block counts that do not divide the lanes and for any thread count.
/// </summary>
public class BlockedRolloutTests
{
    public static TheoryData<string, int, int, string, Mixing> Configs() => new()
    {
        { "CartPole-v1", 1100, 1, "linear:3", Mixing.PerStep },        // three blocks, the last one partial
        { "CartPole-v1", 1100, 3, "exp:0.6", Mixing.PerTrajectory },
        { "CartPole-v1", 5, 2, "indicator", Mixing.PerStep },           // one block smaller than a vector
        { "Pendulum-v1", 600, 2, "linear:2", Mixing.PerStep },         // continuous actions
        { "Acrobot-v1", 513, 2, "indicator", Mixing.PerStep },         // softmax, one lane past a block
        { "DriftRing-v0", 700, 2, "exp:0.5", Mixing.PerStep },         // the tabular env
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Blocks_GiveTheOneBatchLoopsResults(string env, int rollouts, int threads, string beta, Mixing mixing)
    {
        var config = ImitationConfig.For(env) with
        {
            Iterations = 3, Rollouts = rollouts, EvalEpisodes = rollouts + 37, Threads = threads, Beta = BetaSchedule.Parse(beta), Mixing = mixing, Seed = 7,
        };
        var spec = EnvRegistry.Get(env);
        RunResult blocked = ImitationRunner.Run(config);
        RunResult oneBatch = ImitationRunner.Run(config, BuiltinExperts.For(spec, Math.Max(rollouts, config.EvalEpisodes)));
        Assert.Equal(oneBatch.Iterations.Count, blocked.Iterations.Count);
        for (int i = 0; i < blocked.Iterations.Count; i++)
        {
            var a = oneBatch.Iterations[i];
            var b = blocked.Iterations[i];
            Assert.Equal(a.DatasetSize, b.DatasetSize);
            Assert.Equal(a.RolloutSteps, b.RolloutSteps);
            Assert.Equal(a.Fit.Objective, b.Fit.Objective);
            Assert.Equal(a.Eval, b.Eval);
        }
        Assert.Equal(oneBatch.Policy.Weights, blocked.Policy.Weights);
        Assert.Equal(oneBatch.Policy.Bias, blocked.Policy.Bias);
        Assert.Equal(oneBatch.EnvSteps, blocked.EnvSteps);
        Assert.Equal(oneBatch.Final, blocked.Final);
        Assert.Equal(oneBatch.Expert, blocked.Expert);
    }

    [Fact]
    public void ThreadCount_DoesNotChangeTheResult()
    {
        var config = ImitationConfig.For("CartPole-v1") with { Iterations = 2, Rollouts = 1500, EvalEpisodes = 50, Beta = BetaSchedule.Parse("linear:2") };
        var one = ImitationRunner.Run(config with { Threads = 1 });
        var four = ImitationRunner.Run(config with { Threads = 4 });
        Assert.Equal(one.Policy.Weights, four.Policy.Weights);
        Assert.Equal(one.Iterations[^1].DatasetSize, four.Iterations[^1].DatasetSize);
    }
}
