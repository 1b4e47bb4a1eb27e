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
    /// <summary>
    /// Runs one evaluation episode per lane of <paramref name="env"/> (just reset) fused (<see cref="FusedEpisodes{TDyn, TRule}"/>),
    /// acting with <paramref name="policy"/> or else the built-in rule; false, with nothing done, where that does not
    /// apply (a float64 batch, a policy without lane code, no time limit below 2²⁴ steps). <paramref name="slots"/> is
    /// the block's scratch, sized for the batch.
    /// </summary>
    bool TryRunEpisodes(VectorEnv env, Policies.PolicyInference? policy, bool withExpert, EpisodeSlots slots, Span<double> returns, Span<double> lengths, Span<double> disagreement);
    /// <summary>
    /// Runs a chunk of rollout steps of the lane block whose batch is <paramref name="env"/> fused
    /// (<see cref="FusedRollout{TDyn, TRule}"/>), staging into <paramref name="stage"/>; false, with nothing done, where
    /// that does not apply (a float64 batch, no time limit below 2²⁴ steps). The caller checks that
    /// <paramref name="policy"/> (null when the expert always acts) has lane code.
    /// </summary>
    bool TryRolloutChunk(VectorEnv env, Policies.PolicyInference? policy, in MixRule mix, int t0, int steps, RolloutStaging stage);
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

    /// <inheritdoc/>
    public bool TryRunEpisodes(VectorEnv env, Policies.PolicyInference? policy, bool withExpert, EpisodeSlots slots, Span<double> returns, Span<double> lengths, Span<double> disagreement)
    {
        // Counts and lengths are float32 lanes: exact below 2²⁴.
        if (env is not BatchedEnv<TDyn, float> batch || (policy is not null && !policy.HasLaneCode) || !(batch.Columns.MaxSteps < 1 << 24)) return false;
        FusedEpisodes<TDyn, TRule>.Run(batch.Columns, batch.Path, policy, withExpert, slots, returns, lengths, disagreement);
        return true;
    }

    /// <inheritdoc/>
    public bool TryRolloutChunk(VectorEnv env, Policies.PolicyInference? policy, in MixRule mix, int t0, int steps, RolloutStaging stage)
    {
        if (env is not BatchedEnv<TDyn, float> batch || !(batch.Columns.MaxSteps < 1 << 24)) return false;
        FusedRollout<TDyn, TRule>.RunChunk(batch.Columns, batch.Path, policy, mix, t0, steps, stage);
        return true;
    }
}
