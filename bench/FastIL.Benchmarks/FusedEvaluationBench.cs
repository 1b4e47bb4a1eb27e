using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// One DAgger evaluation at scale: 16384 CartPole episodes of the default run's trained policy (500 steps each, so
/// 8.2 M env steps), with its disagreement against the expert, on 512-lane blocks (<c>BlockedEvaluator</c>). "fused"
/// runs each 16-lane block's episodes in registers (<c>FusedEpisodes</c>); "columns" steps each block's batch column
/// by column with the policy's column passes and the rule expert (<c>Evaluator.RunEpisodes</c>), the reference (same
/// results, tested). Setup prints the env steps of one evaluation.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class FusedEvaluationBench : FusedBenchBase
{
    private BlockedEvaluator _evaluator = null!;
    private LinearPolicy _policy = null!;

    /// <summary>The trained policy and the evaluator.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _policy = TrainedCartPolePolicy();
        _evaluator = new BlockedEvaluator(EnvRegistry.CartPole, 16384, Threads, 500) { Fused = Fused };
        var r = Evaluate();
        Console.WriteLine($"// {Path}, {Threads} thread(s): {r.EnvSteps} env steps, return {r.ReturnMean}, disagreement {r.Disagreement:R}");
    }

    /// <summary>Releases the blocks' threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _evaluator.Dispose();

    /// <summary>One evaluation (policy acting, disagreement counted).</summary>
    [Benchmark]
    public EvaluationResult Evaluate() => _evaluator.Evaluate(_policy, 12345);
}
