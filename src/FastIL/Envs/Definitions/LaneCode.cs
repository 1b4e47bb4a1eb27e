using FastIL.Experts;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;

namespace FastIL.Envs;

/// <summary>What an env's lane code becomes: SIMD batches, the built-in expert, the ILGPU kernels.</summary>
internal interface ILaneCode
{
    /// <summary>A batch of <paramref name="lanes"/> envs (float32, or float64 when the options ask).</summary>
    VectorEnv CreateBatch(EnvSpec spec, int lanes, EnvOptions options);
    /// <summary>The built-in expert for batches of up to <paramref name="capacity"/> rows.</summary>
    IExpert CreateExpert(EnvSpec spec, int capacity);
    /// <summary>The ILGPU kernels compiled for <paramref name="accelerator"/>.</summary>
    Devices.DeviceEnvKernels CreateDeviceKernels(ILGPU.Runtime.Accelerator accelerator);
}

/// <summary>
/// An env's dynamics <typeparamref name="TDyn"/> and expert rule <typeparamref name="TRule"/> (lane code shared by the
/// SIMD paths and the GPU kernels), closed over once per env definition: generic struct specialization, no per-lane
/// dispatch.
/// </summary>
internal sealed class LaneCode<TDyn, TRule> : ILaneCode where TDyn : struct, IEnvDynamics where TRule : struct, IExpertRule
{
    /// <inheritdoc/>
    public VectorEnv CreateBatch(EnvSpec spec, int lanes, EnvOptions options) => options.Precision == Precision.Float64
        ? new BatchedEnv<TDyn, double>(spec, lanes, options)
        : new BatchedEnv<TDyn, float>(spec, lanes, options);

    /// <inheritdoc/>
    public IExpert CreateExpert(EnvSpec spec, int capacity)
        => new RuleExpert<TRule>(spec.ExpertName ?? spec.Id + " rule", spec.IsDiscrete, spec.ObservationSize, capacity);

    /// <inheritdoc/>
    public Devices.DeviceEnvKernels CreateDeviceKernels(ILGPU.Runtime.Accelerator accelerator) => new Devices.DeviceEnvKernels<TDyn, TRule>(accelerator);
}
