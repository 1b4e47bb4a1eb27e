using FastIL.Kernels.Experts;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Experts;

/// <summary>
/// The built-in deterministic experts: a few lines of arithmetic on the observation, evaluated column-wise with
/// SIMD. Mean / min returns measured in Gymnasium over reset seeds 0..99 are quoted per expert.
/// </summary>
public static class BuiltinExperts
{
    /// <summary>The built-in expert of an env: its rule (lane code shared with the ILGPU kernels) over SIMD columns.</summary>
    public static IExpert For(EnvSpec spec, int capacity) => spec.CreateExpert is { } create ? create(capacity) : spec.Id switch
    {
        "CartPole-v1" => new RuleExpert<CartPoleRule>("CartPole rule x + ẋ + 10θ + 2θ̇ > 0", true, 4, capacity),
        "MountainCar-v0" => new RuleExpert<MountainCarRule>("MountainCar rule v > 0.003(p + 0.45)", true, 2, capacity),
        "Acrobot-v1" => new RuleExpert<AcrobotRule>("Acrobot rule 2θ̇2 − θ̇1 > 0", true, 6, capacity),
        "Pendulum-v1" => new RuleExpert<PendulumRule>("Pendulum energy-shaping + PD rule", false, 3, capacity),
        "MountainCarContinuous-v0" => new RuleExpert<MountainCarContinuousRule>("MountainCarContinuous rule ±1 by v > 0.003(p + 0.45)", false, 2, capacity),
        _ => throw new ArgumentException($"no built-in expert for {spec.Id}"),
    };
}

/// <summary>A saved policy used as the expert (teacher → student distillation): greedy actions.</summary>
public sealed class PolicyExpert : IExpert
{
    private readonly PolicyInference _inference;

    /// <summary>Wraps a policy for batches of up to <paramref name="capacity"/> rows.</summary>
    public PolicyExpert(LinearPolicy policy, int capacity, string name = "policy")
    {
        _inference = new PolicyInference(policy, capacity);
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public bool IsDiscrete => _inference.Policy.Kind != PolicyKind.Linear;
    /// <inheritdoc/>
    public void Act(IColumnSource observations, Span<int> actions) => _inference.Act(observations, actions);
    /// <inheritdoc/>
    public void Act(IColumnSource observations, Span<float> actions) => _inference.Act(observations, actions);
}
