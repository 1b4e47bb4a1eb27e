using FastIL.Algorithms;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Policies;

namespace FastIL.Envs.Definitions;

/// <summary>
/// MountainCarContinuous-v0: MountainCar with a continuous force (Gymnasium's MountainCarContinuous-v0). Everything that makes the env apart from its lane code
/// (<see cref="MountainCarContinuousDynamics"/>, <see cref="MountainCarContinuousRule"/> in FastIL.Kernels, which the GPU kernels compile too): spaces, reset
/// box, time limit, expert, default BC/DAgger run and Gymnasium registration. The registry lists this definition.
/// </summary>
internal static class MountainCarContinuousDefinition
{
    private const float Big = float.MaxValue;

    /// <summary>The env.</summary>
    public static readonly EnvSpec Spec = new()
    {
        Id = "MountainCarContinuous-v0", MaxEpisodeSteps = 999,
        StateNames = ["position", "velocity"], ObservationNames = ["position", "velocity"],
        ObservationLow = [-1.2f, -0.07f], ObservationHigh = [0.6f, 0.07f],
        ActionCount = 0, ActionLow = -1f, ActionHigh = 1f,
        ResetLow = [-0.6, 0.0], ResetHigh = [-0.4, 0.0],
        Lanes = new LaneCode<MountainCarContinuousDynamics, MountainCarContinuousRule>(),
        ExpertName = "MountainCarContinuous rule ±1 by v > 0.003(p + 0.45)",
        Defaults = new ImitationConfig { Env = "MountainCarContinuous-v0", Iterations = 6, Rollouts = 8, Policy = PolicyKind.Linear, Features = "rff:128:1", Standardize = true, L2 = 1e-6 },
        Gymnasium = new("gymnasium.envs.classic_control.continuous_mountain_car:Continuous_MountainCarEnv", "", 90.0),
    };
}
