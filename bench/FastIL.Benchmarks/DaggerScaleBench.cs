using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Experts;

namespace FastIL.Benchmarks;

/// <summary>
/// Issue 10's large run: CartPole DAgger, 3 iterations × 8192 trajectories, 16384 evaluation episodes per iteration
/// (and held out at the end, for the policy and the expert): 53 M env steps. "blocked" is the runner's path with the
/// built-in expert (<c>BlockedRollout</c>, <c>BlockedEvaluator</c>); "one-batch" hands the same expert in as a caller's
/// expert, which takes the previous one-batch loop and <c>Evaluator</c> (the reference: same results, tested). A
/// workspace is reused, so the data set's pages are already faulted in (a fresh process pays that too).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SlowFitConfig))]
public class DaggerScaleBench
{
    private ImitationConfig _cfg = null!;
    private ImitationWorkspace _ws = null!;
    private IExpert? _expert;

    /// <summary>blocked or one-batch.</summary>
    [Params("blocked", "one-batch")]
    public string Path { get; set; } = "blocked";

    /// <summary>Threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The config, the workspace, and a printed breakdown of one run by phase.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cfg = ImitationConfig.For("CartPole-v1") with { Iterations = 3, Rollouts = 8192, EvalEpisodes = 16384, Threads = Threads };
        _ws = new ImitationWorkspace();
        _expert = Path == "one-batch" ? BuiltinExperts.For(EnvRegistry.CartPole, 16384) : null;
        var r = ImitationRunner.Run(_cfg, _expert, workspace: _ws);
        r = ImitationRunner.Run(_cfg, _expert, workspace: _ws);
        double rollout = r.Iterations.Sum(i => i.RolloutSeconds), fit = r.Iterations.Sum(i => i.FitSeconds), eval = r.Iterations.Sum(i => i.EvalSeconds);
        long rows = r.Iterations[^1].DatasetSize;
        Console.WriteLine($"// {Path}, {Threads} thread(s): wall {r.WallSeconds:F2} s, {r.EnvSteps / r.WallSeconds / 1e6:F1} M env-steps/s; rollout {rollout * 1e3:F0} ms ({rows / rollout / 1e6:F1} M labelled rows/s), fit {fit * 1e3:F0} ms, eval {eval * 1e3:F0} ms; final {r.Final.ReturnMean}");
    }

    /// <summary>Releases threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _ws.Dispose();

    /// <summary>One whole run.</summary>
    [Benchmark]
    public double Run() => ImitationRunner.Run(_cfg, _expert, workspace: _ws).Final.ReturnMean;
}
