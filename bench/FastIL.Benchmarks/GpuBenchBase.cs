using FastIL.Algorithms;
using FastIL.Devices;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// The GPU suites' shared session: CartPole-v1's kernels on CUDA and the CartPole defaults' trained policy (its
/// episodes last the full 500 steps). The suites need a CUDA device: without one, <see cref="Program"/> leaves them out
/// with a message (ILGPU's CPU accelerator is an emulator and says nothing about speed). They run in this process
/// (<see cref="InProcessShortRunConfig"/>): the device machines carry a self-contained publish and no SDK.
/// </summary>
public abstract class GpuBenchBase
{
    private IlgpuSession _session = null!;

    /// <summary>CartPole-v1's kernels on the device.</summary>
    protected DeviceImitation Device { get; private set; } = null!;

    /// <summary>The policy the kernels run.</summary>
    protected LinearPolicy Policy { get; private set; } = null!;

    /// <summary>Whether ILGPU finds a CUDA device (checked before the suites are offered).</summary>
    public static bool Available => IlgpuSession.CudaAvailable();

    /// <summary>Trains the policy on the CPU, opens the device and compiles the rollout and evaluation kernels.</summary>
    protected void OpenDevice()
    {
        Policy = ImitationRunner.Run(ImitationConfig.For("CartPole-v1")).Policy;
        _session = IlgpuSession.Open(ComputeDevice.Cuda);
        Device = new DeviceImitation(_session, EnvRegistry.CartPole);
        Device.PrepareImitation();
    }

    /// <summary>Releases the device.</summary>
    protected void CloseDevice()
    {
        Device.Dispose();
        _session.Dispose();
    }
}
