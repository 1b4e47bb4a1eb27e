using FastIL.Algorithms;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Policies;

namespace FastIL.Envs.Definitions;

/// <summary>
/// MountainCar-v0: An under-powered car in a valley: rock back and forth to reach the flag (Gymnasium's MountainCar-v0). Everything that makes the env apart from its lane code
/// (<see cref="MountainCarDynamics"/>, <see cref="MountainCarRule"/> in FastIL.Kernels, which the GPU kernels compile too): spaces, reset
/// box, time limit, expert, default BC/DAgger run and Gymnasium registration. The registry lists this definition.
/// </summary>
internal static class MountainCarDefinition
{
    private const float Big = float.MaxValue;

    /// <summary>The env.</summary>
    public static readonly EnvSpec Spec = new()
    {
        Id = "MountainCar-v0", MaxEpisodeSteps = 200,
        StateNames = ["position", "velocity"], ObservationNames = ["position", "velocity"],
        ObservationLow = [-1.2f, -0.07f], ObservationHigh = [0.6f, 0.07f],
        ActionCount = 3,
        ResetLow = [-0.6, 0.0], ResetHigh = [-0.4, 0.0],
        Lanes = new LaneCode<MountainCarDynamics, MountainCarRule>(),
        ExpertName = "MountainCar rule v > 0.003(p + 0.45)",
        Defaults = new ImitationConfig { Env = "MountainCar-v0", Iterations = 6, Rollouts = 16, Policy = PolicyKind.Softmax, Standardize = true, L2 = 1e-8 },
        Gymnasium = new("gymnasium.envs.classic_control.mountain_car:MountainCarEnv", "", -110.0),
    };
}
