using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// A fused DAgger rollout whose trajectories end at different steps: 8192 trajectories driven by the built-in expert
/// (β = 1, DAgger's first iteration), which reaches MountainCar's goal or swings Acrobot up after a number of steps
/// that varies from lane to lane. "compact" moves the running lanes into the first slots of their block before each
/// 32-step chunk (<c>RolloutStaging.Compact</c>); "fixed" keeps every lane in its slot, so a 16-lane group steps until
/// its last lane ends. Same rows either way (tested); Setup prints the labelled rows and lane-steps.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class RaggedRolloutBench
{
    private BlockedRollout _rollout = null!;
    private Dataset _data = null!;
    private ImitationConfig _config = null!;
    private LinearPolicy _policy = null!;

    /// <summary>The env.</summary>
    [Params("MountainCar-v0", "Acrobot-v1")]
    public string Env { get; set; } = "MountainCar-v0";

    /// <summary>compact or fixed.</summary>
    [Params("compact", "fixed")]
    public string Slots { get; set; } = "compact";

    /// <summary>The blocks (2 threads) and a data set with room for every step.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var spec = EnvRegistry.Get(Env);
        _config = ImitationConfig.For(Env) with { Rollouts = 8192 };
        // β = 1: the policy is never asked; it only gives the rollout its shape.
        _policy = new LinearPolicy(PolicyKind.Softmax, spec.ActionCount, FeatureMap.Parse("identity", spec.ObservationSize, 0), spec.ObservationNames, standardize: false);
        int horizon = spec.MaxEpisodeSteps;
        _rollout = new BlockedRollout(spec, 8192, horizon, threads: 2) { Compact = Slots == "compact" };
        _data = new Dataset(spec.ObservationSize, continuous: false, 8192 * horizon);
        long steps = Rollout();
        Console.WriteLine($"// {Env}, {Slots}: {_data.Count} labelled rows, {steps} lane-steps");
    }

    /// <summary>Releases the blocks' threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _rollout.Dispose();

    /// <summary>One rollout (β = 1), appended to the cleared data set.</summary>
    [Benchmark]
    public long Rollout()
    {
        _data.Clear();
        return _rollout.Run(_policy, _data, _config, iteration: 0, beta: 1.0);
    }
}
