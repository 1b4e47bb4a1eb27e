using FastIL.Algorithms;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Policies;

namespace FastIL.Envs.Definitions;

/// <summary>
/// Pendulum-v1: A torque-limited pendulum: swing it up and hold it (Gymnasium's Pendulum-v1, continuous torque). Everything that makes the env apart from its lane code
/// (<see cref="PendulumDynamics"/>, <see cref="PendulumRule"/> in FastIL.Kernels, which the GPU kernels compile too): spaces, reset
/// box, time limit, expert, default BC/DAgger run and Gymnasium registration. The registry lists this definition.
/// </summary>
internal static class PendulumDefinition
{
    private const float Big = float.MaxValue;

    /// <summary>The env.</summary>
    public static readonly EnvSpec Spec = new()
    {
        Id = "Pendulum-v1", MaxEpisodeSteps = 200,
        StateNames = ["theta", "theta_dot"], ObservationNames = ["cos_theta", "sin_theta", "theta_dot"],
        ObservationLow = [-1, -1, -8], ObservationHigh = [1, 1, 8],
        ActionCount = 0, ActionLow = -2f, ActionHigh = 2f,
        ResetLow = [-Math.PI, -1.0], ResetHigh = [Math.PI, 1.0],
        Lanes = new LaneCode<PendulumDynamics, PendulumRule>(),
        ExpertName = "Pendulum energy-shaping + PD rule",
        Defaults = new ImitationConfig { Env = "Pendulum-v1", Iterations = 6, Rollouts = 16, Policy = PolicyKind.Linear, Features = "rff:128:1", Standardize = true, L2 = 1e-6 },
        Gymnasium = new("gymnasium.envs.classic_control.pendulum:PendulumEnv", "", null),
    };
}
