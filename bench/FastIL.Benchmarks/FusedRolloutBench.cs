using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// One DAgger rollout at scale: 8192 CartPole trajectories of the default run's trained policy (β = 0: the policy acts,
/// the expert labels; 500 steps each, so 4.1 M labelled rows), on 512-lane blocks (<c>BlockedRollout</c>), into a data
/// set that is cleared and reused (its pages already faulted in). "fused" runs each block's 32-step chunks with every
/// 16-lane group's state in registers (<c>FusedRollout</c>); "columns" makes a pass over the block's columns for the
/// expert, the policy, the mix, the step and the staging (the reference: same rows, tested). "streaming" copies the
/// staged rows into the data set (16 MB per column) with streaming stores, as the runner does for data sets this large;
/// "plain" with plain stores, which read every line they write.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class FusedRolloutBench : FusedBenchBase
{
    private BlockedRollout _rollout = null!;
    private LinearPolicy _policy = null!;
    private Dataset _data = null!;
    private ImitationConfig _config = null!;

    /// <summary>streaming or plain stores into the data set.</summary>
    [Params("streaming", "plain")]
    public string Stores { get; set; } = "streaming";

    /// <summary>The trained policy, the blocks and the data set.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _config = ImitationConfig.For("CartPole-v1") with { Rollouts = 8192 };
        _policy = TrainedCartPolePolicy();
        _rollout = new BlockedRollout(EnvRegistry.CartPole, 8192, 500, Threads) { Fused = Fused, Streaming = Stores == "streaming" };
        _data = new Dataset(4, continuous: false, 8192 * 500);
        long steps = Rollout();
        Console.WriteLine($"// {Path}, {Threads} thread(s), {Stores} stores: {_data.Count} labelled rows, {steps} lane-steps");
    }

    /// <summary>Releases the blocks' threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _rollout.Dispose();

    /// <summary>One iteration's rollout (β = 0), appended to the cleared data set.</summary>
    [Benchmark]
    public long Rollout()
    {
        _data.Clear();
        return _rollout.Run(_policy, _data, _config, iteration: 1, beta: 0.0);
    }
}
