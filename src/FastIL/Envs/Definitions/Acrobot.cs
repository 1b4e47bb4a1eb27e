using FastIL.Algorithms;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Policies;

namespace FastIL.Envs.Definitions;

/// <summary>
/// Acrobot-v1: A two-link pendulum actuated at the joint: swing the tip above the line (Gymnasium's Acrobot-v1). Everything that makes the env apart from its lane code
/// (<see cref="AcrobotDynamics"/>, <see cref="AcrobotRule"/> in FastIL.Kernels, which the GPU kernels compile too): spaces, reset
/// box, time limit, expert, default BC/DAgger run and Gymnasium registration. The registry lists this definition.
/// </summary>
internal static class AcrobotDefinition
{
    private const float Big = float.MaxValue;

    /// <summary>The env.</summary>
    public static readonly EnvSpec Spec = new()
    {
        Id = "Acrobot-v1", MaxEpisodeSteps = 500,
        StateNames = ["theta1", "theta2", "dtheta1", "dtheta2"],
        ObservationNames = ["cos_theta1", "sin_theta1", "cos_theta2", "sin_theta2", "dtheta1", "dtheta2"],
        ObservationLow = [-1, -1, -1, -1, -(float)AcrobotDynamics.MaxVel1, -(float)AcrobotDynamics.MaxVel2],
        ObservationHigh = [1, 1, 1, 1, (float)AcrobotDynamics.MaxVel1, (float)AcrobotDynamics.MaxVel2],
        ActionCount = 3,
        ResetLow = [-0.1, -0.1, -0.1, -0.1], ResetHigh = [0.1, 0.1, 0.1, 0.1], ResetRoundsToSingle = true,
        Lanes = new LaneCode<AcrobotDynamics, AcrobotRule>(),
        ExpertName = "Acrobot rule 2θ̇2 − θ̇1 > 0",
        Defaults = new ImitationConfig { Env = "Acrobot-v1", Iterations = 5, Rollouts = 8, Policy = PolicyKind.Softmax, Standardize = true, L2 = 1e-4 },
        Gymnasium = new("gymnasium.envs.classic_control.acrobot:AcrobotEnv", "", -100.0),
    };
}
