using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// A fused evaluation whose episodes end at different steps: 16384 episodes of the env's default DAgger run's final
/// policy, with its disagreement against the expert, on 512-lane blocks and 2 threads (<c>BlockedEvaluator</c>).
/// "compact" runs each block's episodes in rounds of 32 steps and moves the lanes still running into the first slots
/// between rounds (<c>EpisodeSlots</c>); "fixed" runs each 16-lane group until its longest episode ends. Same results
/// either way (tested); Setup prints the env steps and the return.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class RaggedEvaluationBench
{
    private BlockedEvaluator _evaluator = null!;
    private LinearPolicy _policy = null!;

    /// <summary>The env.</summary>
    [Params("Acrobot-v1", "MountainCar-v0", "CartPole-v1")]
    public string Env { get; set; } = "Acrobot-v1";

    /// <summary>compact or fixed.</summary>
    [Params("compact", "fixed")]
    public string Slots { get; set; } = "compact";

    /// <summary>The trained policy and the evaluator.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var spec = EnvRegistry.Get(Env);
        _policy = ImitationRunner.Run(ImitationConfig.For(Env)).Policy;
        _evaluator = new BlockedEvaluator(spec, 16384, threads: 2, spec.MaxEpisodeSteps) { Compact = Slots == "compact" };
        var r = Evaluate();
        Console.WriteLine($"// {Env}, {Slots}: {r.EnvSteps} env steps, return {r.ReturnMean}, disagreement {r.Disagreement:R}");
    }

    /// <summary>Releases the blocks' threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _evaluator.Dispose();

    /// <summary>One evaluation of 16384 episodes.</summary>
    [Benchmark]
    public EvaluationResult Evaluate() => _evaluator.Evaluate(_policy, seed: 7);
}
