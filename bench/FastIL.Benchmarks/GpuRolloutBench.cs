using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Learning;

namespace FastIL.Benchmarks;

/// <summary>
/// One DAgger iteration's fused rollout on CUDA (β = 0), CartPole-v1: the kernel runs every trajectory to its end, and
/// the host copies the observations and labels back and appends them to a cleared data set in the CPU path's row order
/// (trajectories × 500 rows for this policy).
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class GpuRolloutBench : GpuBenchBase
{
    /// <summary>Trajectories per rollout.</summary>
    [Params(8192, 65536)]
    public int Trajectories { get; set; }

    private Dataset _data = null!;

    /// <summary>Opens the device and sizes the data set for the whole rollout.</summary>
    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        _data = new Dataset(4, false, Trajectories * 500);
    }

    /// <summary>One rollout into the cleared data set; returns the env steps taken.</summary>
    [Benchmark]
    public long Rollout()
    {
        _data.Clear();
        return Device.Rollout(Policy, _data, Trajectories, 500, 3, 3, 2, 0.0, Mixing.PerStep);
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup() => CloseDevice();
}
