using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using FastIL.Algorithms;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// Whole DAgger runs in-process (warm: after JIT), CartPole-v1:
/// <c>Imitation6x4</c> is the configuration timed with the Python imitation library (6 rounds of 4 episodes, a linear
/// softmax policy; imitation evaluates nothing in between, so FastIL evaluates 10 episodes per iteration here);
/// <c>Defaults</c> is <c>fastil dagger</c> with its defaults (1000 evaluation episodes per iteration and at the end).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class DaggerBench
{
    /// <summary>Configuration name.</summary>
    [Params("Imitation6x4", "Defaults")]
    public string Config { get; set; } = "Defaults";

    /// <summary>
    /// False: every run builds its buffers (a single <c>ImitationRunner.Run(config)</c> call, as <c>fastil dagger</c>
    /// makes); true: runs reuse one <see cref="ImitationWorkspace"/>, as a sweep's workers do.
    /// </summary>
    [Params(false, true)]
    public bool Workspace { get; set; }

    private ImitationConfig _cfg = null!;
    private ImitationWorkspace? _ws;

    /// <summary>Builds the configuration.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cfg = Config == "Defaults"
            ? ImitationConfig.For("CartPole-v1")
            : ImitationConfig.For("CartPole-v1") with { Iterations = 6, Rollouts = 4, Policy = PolicyKind.Softmax, EvalEpisodes = 10 };
        _ws = Workspace ? new ImitationWorkspace() : null;
    }

    /// <summary>Releases the workspace.</summary>
    [GlobalCleanup]
    public void Cleanup() => _ws?.Dispose();

    /// <summary>One complete run; returns the final mean return.</summary>
    [Benchmark]
    public double Run() => ImitationRunner.Run(_cfg, workspace: _ws).Final.ReturnMean;
}

/// <summary>
/// One complete DAgger iteration on CartPole-v1 with β = 1: M expert trajectories of 500 steps rolled out as one
/// batch (expert labelling, data-set append and env step every step), the fit of the M·500 labelled states, and a
/// one-episode evaluation. The column counts labelled states per second of the whole iteration.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LabelledStatesConfig))]
public class DaggerIterationBench
{
    /// <summary>Trajectories per iteration.</summary>
    [Params(16, 256, 4096)]
    public int Rollouts { get; set; }

    private ImitationConfig _cfg = null!;

    /// <summary>A one-iteration config (β_1 = 1 under every schedule).</summary>
    [GlobalSetup]
    public void Setup() => _cfg = ImitationConfig.For("CartPole-v1") with { Iterations = 1, Rollouts = Rollouts, EvalEpisodes = 1 };

    /// <summary>One iteration: expert rollout, fit, one-episode evaluation (plus the final held-out and expert episodes).</summary>
    [Benchmark]
    public int Iteration() => ImitationRunner.Run(_cfg).Iterations[0].DatasetSize;
}
