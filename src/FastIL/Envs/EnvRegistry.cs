using FastIL.Kernels.Envs;

namespace FastIL.Envs;

/// <summary>The classic-control envs by Gymnasium id.</summary>
public static class EnvRegistry
{
    private const float Big = float.MaxValue;

    /// <summary>CartPole-v1.</summary>
    public static readonly EnvSpec CartPole = new()
    {
        Id = "CartPole-v1", MaxEpisodeSteps = 500,
        StateNames = ["x", "x_dot", "theta", "theta_dot"],
        ObservationNames = ["x", "x_dot", "theta", "theta_dot"],
        ObservationLow = [-4.8f, -Big, -(float)(CartPoleDynamics.ThetaThreshold * 2), -Big],
        ObservationHigh = [4.8f, Big, (float)(CartPoleDynamics.ThetaThreshold * 2), Big],
        ActionCount = 2,
        ResetLow = [-0.05, -0.05, -0.05, -0.05], ResetHigh = [0.05, 0.05, 0.05, 0.05],
    };

    /// <summary>MountainCar-v0.</summary>
    public static readonly EnvSpec MountainCar = new()
    {
        Id = "MountainCar-v0", MaxEpisodeSteps = 200,
        StateNames = ["position", "velocity"], ObservationNames = ["position", "velocity"],
        ObservationLow = [-1.2f, -0.07f], ObservationHigh = [0.6f, 0.07f],
        ActionCount = 3,
        ResetLow = [-0.6, 0.0], ResetHigh = [-0.4, 0.0],
    };

    /// <summary>MountainCarContinuous-v0.</summary>
    public static readonly EnvSpec MountainCarContinuous = new()
    {
        Id = "MountainCarContinuous-v0", MaxEpisodeSteps = 999,
        StateNames = ["position", "velocity"], ObservationNames = ["position", "velocity"],
        ObservationLow = [-1.2f, -0.07f], ObservationHigh = [0.6f, 0.07f],
        ActionCount = 0, ActionLow = -1f, ActionHigh = 1f,
        ResetLow = [-0.6, 0.0], ResetHigh = [-0.4, 0.0],
    };

    /// <summary>Acrobot-v1.</summary>
    public static readonly EnvSpec Acrobot = new()
    {
        Id = "Acrobot-v1", MaxEpisodeSteps = 500,
        StateNames = ["theta1", "theta2", "dtheta1", "dtheta2"],
        ObservationNames = ["cos_theta1", "sin_theta1", "cos_theta2", "sin_theta2", "dtheta1", "dtheta2"],
        ObservationLow = [-1, -1, -1, -1, -(float)AcrobotDynamics.MaxVel1, -(float)AcrobotDynamics.MaxVel2],
        ObservationHigh = [1, 1, 1, 1, (float)AcrobotDynamics.MaxVel1, (float)AcrobotDynamics.MaxVel2],
        ActionCount = 3,
        ResetLow = [-0.1, -0.1, -0.1, -0.1], ResetHigh = [0.1, 0.1, 0.1, 0.1], ResetRoundsToSingle = true,
    };

    /// <summary>Pendulum-v1.</summary>
    public static readonly EnvSpec Pendulum = new()
    {
        Id = "Pendulum-v1", MaxEpisodeSteps = 200,
        StateNames = ["theta", "theta_dot"], ObservationNames = ["cos_theta", "sin_theta", "theta_dot"],
        ObservationLow = [-1, -1, -8], ObservationHigh = [1, 1, 8],
        ActionCount = 0, ActionLow = -2f, ActionHigh = 2f,
        ResetLow = [-Math.PI, -1.0], ResetHigh = [Math.PI, 1.0],
    };

    /// <summary>DriftRing-v0 with its default parameters: the tabular distribution-shift MDP of <c>fastil theory</c>.</summary>
    public static readonly EnvSpec DriftRing = Tabular.DriftRing.Default.Spec;

    /// <summary>The classic-control envs (Gymnasium's), in a fixed order.</summary>
    public static IReadOnlyList<EnvSpec> ClassicControl { get; } = [CartPole, MountainCar, Acrobot, Pendulum, MountainCarContinuous];

    /// <summary>Every env, in a fixed order: the classic-control ones, then the tabular ones.</summary>
    public static IReadOnlyList<EnvSpec> All { get; } = [.. ClassicControl, DriftRing];

    /// <summary>The ids, comma-separated, for error messages and help.</summary>
    public static string IdList => string.Join(", ", All.Select(s => s.Id));

    /// <summary>Finds a spec by id (exact, case-sensitive as Gymnasium), or null.</summary>
    public static EnvSpec? Find(string id)
    {
        foreach (var s in All) if (s.Id == id) return s;
        return null;
    }

    /// <summary>Finds a spec by id or throws an <see cref="ArgumentException"/> listing the known ids.</summary>
    public static EnvSpec Get(string id)
        => Find(id) ?? throw new ArgumentException($"unknown env '{id}'; expected one of: {IdList}");

    /// <summary>Creates a batch of <paramref name="numEnvs"/> envs of the given id.</summary>
    public static VectorEnv Create(string id, int numEnvs, EnvOptions? options = null) => Create(Get(id), numEnvs, options);

    /// <summary>Creates a batch of <paramref name="numEnvs"/> envs of <paramref name="spec"/> (a registered spec or a parametrized tabular one).</summary>
    public static VectorEnv Create(EnvSpec spec, int numEnvs, EnvOptions? options = null)
    {
        options ??= new EnvOptions();
        if (spec.CreateBatch is { } create) return create(spec, numEnvs, options);
        bool f64 = options.Precision == Precision.Float64;
        return spec.Id switch
        {
            "CartPole-v1" => f64 ? new BatchedEnv<CartPoleDynamics, double>(spec, numEnvs, options) : new BatchedEnv<CartPoleDynamics, float>(spec, numEnvs, options),
            "MountainCar-v0" => f64 ? new BatchedEnv<MountainCarDynamics, double>(spec, numEnvs, options) : new BatchedEnv<MountainCarDynamics, float>(spec, numEnvs, options),
            "MountainCarContinuous-v0" => f64 ? new BatchedEnv<MountainCarContinuousDynamics, double>(spec, numEnvs, options) : new BatchedEnv<MountainCarContinuousDynamics, float>(spec, numEnvs, options),
            "Acrobot-v1" => f64 ? new BatchedEnv<AcrobotDynamics, double>(spec, numEnvs, options) : new BatchedEnv<AcrobotDynamics, float>(spec, numEnvs, options),
            "Pendulum-v1" => f64 ? new BatchedEnv<PendulumDynamics, double>(spec, numEnvs, options) : new BatchedEnv<PendulumDynamics, float>(spec, numEnvs, options),
            _ => throw new ArgumentException($"unknown env '{spec.Id}'"),
        };
    }
}
