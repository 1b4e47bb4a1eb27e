using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Devices;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// The ILGPU kernels on CUDA, CartPole-v1: the fused evaluation of a trained policy at 1M and 16M lanes (one episode of
/// up to 500 steps per lane, returns/lengths/ε copied back and summarized) and one fused DAgger rollout of 8192
/// trajectories into a data set. Needs a CUDA device: without one, <see cref="Program"/> leaves the suite out with a
/// message (ILGPU's CPU accelerator is an emulator and says nothing about speed).
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class GpuKernelBench
{
    /// <summary>Lanes evaluated at once.</summary>
    [Params(1 << 20, 1 << 24)]
    public int Lanes { get; set; }

    private IlgpuSession _session = null!;
    private DeviceImitation _device = null!;
    private LinearPolicy _policy = null!;
    private FastIL.Learning.Dataset _data = null!;

    /// <summary>Whether ILGPU finds a CUDA device (checked before the suite is offered).</summary>
    public static bool Available => IlgpuSession.CudaAvailable();

    /// <summary>Trains the CartPole defaults' policy on the CPU and compiles the kernels.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _policy = ImitationRunner.Run(ImitationConfig.For("CartPole-v1")).Policy;
        _session = IlgpuSession.Open(ComputeDevice.Cuda);
        _device = new DeviceImitation(_session, EnvRegistry.CartPole);
        _data = new FastIL.Learning.Dataset(4, false, 8192 * 500);
        _device.Evaluate(_policy, true, 1024, 500, 1);
    }

    /// <summary>Fused evaluation: env-steps = lanes × episode length (500 for this policy).</summary>
    [Benchmark]
    public EvaluationResult Evaluate() => _device.Evaluate(_policy, true, Lanes, 500, 7);

    /// <summary>One DAgger iteration's rollout (β = 0) of 8192 trajectories, appended to a cleared data set.</summary>
    [Benchmark]
    public long Rollout8192()
    {
        _data.Clear();
        return _device.Rollout(_policy, _data, 8192, 500, 3, 3, 2, 0.0, Mixing.PerStep);
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _device.Dispose();
        _session.Dispose();
    }
}
