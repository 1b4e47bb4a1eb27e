using FastIL.Algorithms;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Policies;

namespace FastIL.Envs.Definitions;

/// <summary>
/// CartPole-v1: A pole on a cart: push left or right to keep it upright (Gymnasium's CartPole-v1). Everything that makes the env apart from its lane code
/// (<see cref="CartPoleDynamics"/>, <see cref="CartPoleRule"/> in FastIL.Kernels, which the GPU kernels compile too): spaces, reset
/// box, time limit, expert, default BC/DAgger run and Gymnasium registration. The registry lists this definition.
/// </summary>
internal static class CartPoleDefinition
{
    private const float Big = float.MaxValue;

    /// <summary>The env.</summary>
    public static readonly EnvSpec Spec = new()
    {
        Id = "CartPole-v1", MaxEpisodeSteps = 500,
        StateNames = ["x", "x_dot", "theta", "theta_dot"],
        ObservationNames = ["x", "x_dot", "theta", "theta_dot"],
        ObservationLow = [-4.8f, -Big, -(float)(CartPoleDynamics.ThetaThreshold * 2), -Big],
        ObservationHigh = [4.8f, Big, (float)(CartPoleDynamics.ThetaThreshold * 2), Big],
        ActionCount = 2,
        ResetLow = [-0.05, -0.05, -0.05, -0.05], ResetHigh = [0.05, 0.05, 0.05, 0.05],
        Lanes = new LaneCode<CartPoleDynamics, CartPoleRule>(),
        ExpertName = "CartPole rule x + ẋ + 10θ + 2θ̇ > 0",
        Defaults = new ImitationConfig { Env = "CartPole-v1", Iterations = 5, Rollouts = 5, Policy = PolicyKind.Logistic, L2 = 1e-4 },
        Gymnasium = new("gymnasium.envs.classic_control.cartpole:CartPoleEnv", "gymnasium.envs.classic_control.cartpole:CartPoleVectorEnv", 475.0),
    };
}
