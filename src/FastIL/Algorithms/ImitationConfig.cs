using FastIL.Policies;

namespace FastIL.Algorithms;

/// <summary>Which imitation algorithm runs.</summary>
public enum Algorithm
{
    /// <summary>DAgger (Ross, Gordon &amp; Bagnell 2011).</summary>
    Dagger,
    /// <summary>Behavioural cloning: one round of expert demonstrations, one fit.</summary>
    BC,
}

/// <summary>How DAgger mixes expert and policy with probability β.</summary>
public enum Mixing
{
    /// <summary>Each lane, each step, acts with the expert with probability β (as the imitation library does).</summary>
    PerStep,
    /// <summary>Each trajectory is driven entirely by the expert with probability β.</summary>
    PerTrajectory,
}

/// <summary>
/// One BC or DAgger run. <see cref="For"/> gives per-env defaults: the smallest budget that reliably reaches the
/// expert's level (a sweep multiplies it by thousands of runs).
/// </summary>
public sealed record ImitationConfig
{
    /// <summary>Algorithm.</summary>
    public Algorithm Algorithm { get; init; } = Algorithm.Dagger;
    /// <summary>Gymnasium env id.</summary>
    public required string Env { get; init; }
    /// <summary>DAgger iterations (BC: 1).</summary>
    public int Iterations { get; init; } = 5;
    /// <summary>Trajectories per iteration (BC: expert demonstrations), run as lanes of one batch.</summary>
    public int Rollouts { get; init; } = 4;
    /// <summary>Trajectory horizon (null: the env's time limit).</summary>
    public int? Horizon { get; init; }
    /// <summary>β schedule.</summary>
    public BetaSchedule Beta { get; init; } = BetaSchedule.Indicator;
    /// <summary>Expert/policy mixing.</summary>
    public Mixing Mixing { get; init; } = Mixing.PerStep;
    /// <summary>Policy output layer (null: logistic for two actions, softmax for more, linear for continuous).</summary>
    public PolicyKind? Policy { get; init; }
    /// <summary>Feature map text (identity, poly2, rff:D[:BW]).</summary>
    public string Features { get; init; } = "identity";
    /// <summary>Standardize inputs by the aggregate data's mean and standard deviation.</summary>
    public bool Standardize { get; init; }
    /// <summary>λ of the (λ/2)‖W‖² penalty.</summary>
    public double L2 { get; init; } = 1e-3;
    /// <summary>Entropy bonus weight.</summary>
    public double EntropyWeight { get; init; }
    /// <summary>Evaluation episodes (per iteration and for the final figure).</summary>
    public int EvalEpisodes { get; init; } = 1000;
    /// <summary>Seed of everything random in the run.</summary>
    public ulong Seed { get; init; }
    /// <summary>Threads (env stepping and gradient passes); results do not depend on it.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>
    /// Where rollouts and evaluations run (fits stay on the CPU). Results are identical on every device; a device asked
    /// for by name that is missing is an error.
    /// </summary>
    public Devices.ComputeDevice Device { get; init; } = Devices.ComputeDevice.Simd;
    /// <summary>Keep the iterate with the best evaluation return (the paper's choice), else the last.</summary>
    public bool SelectBest { get; init; } = true;

    /// <summary>The output layer when <see cref="Policy"/> is unset: logistic for two actions, softmax for more, linear for continuous.</summary>
    public static PolicyKind DefaultPolicyKind(Envs.EnvSpec spec)
        => spec.IsDiscrete ? (spec.ActionCount == 2 ? PolicyKind.Logistic : PolicyKind.Softmax) : PolicyKind.Linear;

    /// <summary>
    /// The learner in one line, as the README's table of defaults and <c>fastil env list</c> show it: the policy's output
    /// layer (the default for <paramref name="spec"/>'s actions when unset), the feature map, standardization, λ, and
    /// "select last" when the final iteration is kept instead of the best one. E.g. "softmax, identity
    /// (standardized), λ=1e-8".
    /// </summary>
    public string LearnerSummary(Envs.EnvSpec spec)
    {
        PolicyKind kind = Policy ?? DefaultPolicyKind(spec);
        string head = kind switch { PolicyKind.Logistic => "logistic", PolicyKind.Softmax => "softmax", _ => "linear (MSE)" };
        string lambda = L2.ToString("0.###e0", System.Globalization.CultureInfo.InvariantCulture);
        return $"{head}, {Features}{(Standardize ? " (standardized)" : "")}, λ={lambda}{(SelectBest ? "" : ", select last")}";
    }

    /// <summary>
    /// The run's untrained policy for <paramref name="spec"/>: the output layer (<see cref="DefaultPolicyKind"/> when
    /// <see cref="Policy"/> is unset), the feature map (random features drawn from <see cref="Seed"/>) and the
    /// standardization.
    /// </summary>
    public LinearPolicy NewPolicy(Envs.EnvSpec spec)
        => new(Policy ?? DefaultPolicyKind(spec), spec.IsDiscrete ? spec.ActionCount : 0, FeatureMap.Parse(Features, spec.ObservationSize, Seed),
            spec.ObservationNames, Standardize);

    /// <summary>The trainer's options for this run: λ, the entropy bonus and the threads.</summary>
    public Learning.TrainerOptions NewTrainerOptions() => new() { L2 = L2, EntropyWeight = EntropyWeight, Threads = Threads };

    /// <summary>Per-env defaults (see the README's table for what they reach).</summary>
    public static ImitationConfig For(string envId) => Envs.EnvRegistry.Find(envId)?.Defaults ?? new() { Env = envId };
}
