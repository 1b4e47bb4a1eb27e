using FastIL.Kernels.Experts;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Experts;

/// <summary>
/// The built-in deterministic experts: a few lines of arithmetic on the observation, evaluated column-wise with
/// SIMD. Each env's definition (<c>Envs/Definitions</c>) names its rule; the README quotes their returns.
/// </summary>
public static class BuiltinExperts
{
    /// <summary>The built-in expert of an env: its rule (lane code shared with the ILGPU kernels) over SIMD columns.</summary>
    public static IExpert For(EnvSpec spec, int capacity)
        => spec.CreateExpert?.Invoke(capacity) ?? spec.Lanes?.CreateExpert(spec, capacity) ?? throw new ArgumentException($"no built-in expert for {spec.Id}");
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
