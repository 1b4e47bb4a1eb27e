using FastIL.Envs;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Kernels.Gpu;
using ILGPU;
using ILGPU.Runtime;

namespace FastIL.Devices;

/// <summary>
/// The ILGPU kernels of one env for an accelerator: the generic kernels of <see cref="ImitationKernels"/> closed over
/// the env's dynamics and expert rule. Each is compiled on its first use and kept: a DAgger run needs the rollout and the
/// evaluation, <c>eval</c> only the evaluation and <c>env bench</c> only the step, and each compile is a large part of a
/// short process on a GPU.
/// </summary>
internal abstract class DeviceEnvKernels
{
    /// <summary>The env's kernels; a clear error for envs without lane dynamics.</summary>
    public static DeviceEnvKernels For(EnvSpec spec, Accelerator accelerator)
        => spec.Lanes?.CreateDeviceKernels(accelerator) ?? throw new ArgumentException($"{spec.Id} has no ILGPU kernels (only the classic-control envs do): use --device simd");

    /// <summary>The fused DAgger rollout.</summary>
    public abstract Action<Index1D, LaneEnv, LanePolicy, LaneMix, ArrayView<float>, ArrayView<float>, ArrayView<int>> Rollout { get; }
    /// <summary>The fused evaluation.</summary>
    public abstract Action<Index1D, LaneEnv, LanePolicy, int, int, ArrayView<float>, ArrayView<int>, ArrayView<double>> Evaluate { get; }
    /// <summary>The plain batched step.</summary>
    public abstract Action<Index1D, LaneEnv, int, int, int, float, float, ArrayView<float>, ArrayView<int>, ArrayView<int>> Step { get; }
}

internal sealed class DeviceEnvKernels<TDyn, TRule>(Accelerator accelerator) : DeviceEnvKernels
    where TDyn : struct, IEnvDynamics where TRule : struct, IExpertRule
{
    private Action<Index1D, LaneEnv, LanePolicy, LaneMix, ArrayView<float>, ArrayView<float>, ArrayView<int>>? _rollout;
    private Action<Index1D, LaneEnv, LanePolicy, int, int, ArrayView<float>, ArrayView<int>, ArrayView<double>>? _evaluate;
    private Action<Index1D, LaneEnv, int, int, int, float, float, ArrayView<float>, ArrayView<int>, ArrayView<int>>? _step;

    public override Action<Index1D, LaneEnv, LanePolicy, LaneMix, ArrayView<float>, ArrayView<float>, ArrayView<int>> Rollout =>
        _rollout ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, LaneEnv, LanePolicy, LaneMix, ArrayView<float>, ArrayView<float>, ArrayView<int>>(ImitationKernels.Rollout<TDyn, TRule>);
    public override Action<Index1D, LaneEnv, LanePolicy, int, int, ArrayView<float>, ArrayView<int>, ArrayView<double>> Evaluate =>
        _evaluate ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, LaneEnv, LanePolicy, int, int, ArrayView<float>, ArrayView<int>, ArrayView<double>>(ImitationKernels.Evaluate<TDyn, TRule>);
    public override Action<Index1D, LaneEnv, int, int, int, float, float, ArrayView<float>, ArrayView<int>, ArrayView<int>> Step =>
        _step ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, LaneEnv, int, int, int, float, float, ArrayView<float>, ArrayView<int>, ArrayView<int>>(ImitationKernels.Step<TDyn>);
}
