namespace FastIL.Envs;

/// <summary>
/// The envs by id: a list of definitions, one file each under <c>Envs/Definitions</c> (a new env is a definition file,
/// its lane code in FastIL.Kernels, and one line in <see cref="All"/>).
/// </summary>
public static class EnvRegistry
{
    /// <summary>CartPole-v1 (<see cref="Definitions.CartPoleDefinition"/>).</summary>
    public static readonly EnvSpec CartPole = Definitions.CartPoleDefinition.Spec;

    /// <summary>MountainCar-v0 (<see cref="Definitions.MountainCarDefinition"/>).</summary>
    public static readonly EnvSpec MountainCar = Definitions.MountainCarDefinition.Spec;

    /// <summary>MountainCarContinuous-v0 (<see cref="Definitions.MountainCarContinuousDefinition"/>).</summary>
    public static readonly EnvSpec MountainCarContinuous = Definitions.MountainCarContinuousDefinition.Spec;

    /// <summary>Acrobot-v1 (<see cref="Definitions.AcrobotDefinition"/>).</summary>
    public static readonly EnvSpec Acrobot = Definitions.AcrobotDefinition.Spec;

    /// <summary>Pendulum-v1 (<see cref="Definitions.PendulumDefinition"/>).</summary>
    public static readonly EnvSpec Pendulum = Definitions.PendulumDefinition.Spec;

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
        return spec.Lanes?.CreateBatch(spec, numEnvs, options) ?? throw new ArgumentException($"unknown env '{spec.Id}'");
    }
}
