using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Experts;

/// <summary>
/// The built-in deterministic experts: a few lines of arithmetic on the observation, evaluated column-wise with
/// SIMD. Mean / min returns measured in Gymnasium over reset seeds 0..99 are quoted per expert.
/// </summary>
public static class BuiltinExperts
{
    /// <summary>The built-in expert of an env.</summary>
    public static IExpert For(EnvSpec spec, int capacity) => spec.CreateExpert is { } create ? create(capacity) : spec.Id switch
    {
        "CartPole-v1" => new CartPoleExpert(capacity),
        "MountainCar-v0" => new MountainCarExpert(capacity),
        "Acrobot-v1" => new AcrobotExpert(capacity),
        "Pendulum-v1" => new PendulumExpert(capacity),
        "MountainCarContinuous-v0" => new MountainCarContinuousExpert(capacity),
        _ => throw new ArgumentException($"no built-in expert for {spec.Id}"),
    };

    /// <summary>The MountainCar rule's score v − 0.003·(p + 0.45), positive when the car should push right.</summary>
    internal static Span<float> MountainCarScore(IColumnSource o, float[] scratch)
    {
        Span<float> s = scratch.AsSpan(0, o.RowCount);
        TensorPrimitives.MultiplyAdd(o.Column(0), -0.003f, o.Column(1), s);
        TensorPrimitives.Subtract(s, 0.003f * 0.45f, s);
        return s;
    }

    /// <summary>a[i] = score[i] &gt; 0 ? hi : lo, eight lanes at a time.</summary>
    internal static void Threshold(ReadOnlySpan<float> score, Span<int> actions, int hi, int lo)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vh = Vector256.Create(hi); var vl = Vector256.Create(lo);
            for (; i <= score.Length - 8; i += 8)
            {
                var gt = Vector256.GreaterThan(Vector256.Create(score.Slice(i, 8)), Vector256<float>.Zero).AsInt32();
                Vector256.ConditionalSelect(gt, vh, vl).CopyTo(actions.Slice(i, 8));
            }
        }
        for (; i < score.Length; i++) actions[i] = score[i] > 0 ? hi : lo;
    }
}

/// <summary>CartPole-v1: push right iff x + ẋ + 10θ + 2θ̇ &gt; 0 (Gymnasium: 500 / 500).</summary>
public sealed class CartPoleExpert(int capacity) : DiscreteExpert
{
    private readonly float[] _s = new float[capacity];
    /// <inheritdoc/>
    public override string Name => "CartPole rule x + ẋ + 10θ + 2θ̇ > 0";
    /// <inheritdoc/>
    public override void Act(IColumnSource o, Span<int> actions)
    {
        Span<float> s = _s.AsSpan(0, o.RowCount);
        TensorPrimitives.Add(o.Column(0), o.Column(1), s);
        TensorPrimitives.MultiplyAdd(o.Column(2), 10f, s, s);
        TensorPrimitives.MultiplyAdd(o.Column(3), 2f, s, s);
        BuiltinExperts.Threshold(s, actions, 1, 0);
    }
}

/// <summary>MountainCar-v0: right (2) iff v &gt; 0.003·(p + 0.45), else left (0) (Gymnasium: −110.3 / −123).</summary>
public sealed class MountainCarExpert(int capacity) : DiscreteExpert
{
    private readonly float[] _s = new float[capacity];
    /// <inheritdoc/>
    public override string Name => "MountainCar rule v > 0.003(p + 0.45)";
    /// <inheritdoc/>
    public override void Act(IColumnSource o, Span<int> actions)
        => BuiltinExperts.Threshold(BuiltinExperts.MountainCarScore(o, _s), actions, 2, 0);
}

/// <summary>Acrobot-v1: torque +1 (2) iff 2·θ̇2 − θ̇1 &gt; 0, else −1 (0) (Gymnasium: −78.7 / −137).</summary>
public sealed class AcrobotExpert(int capacity) : DiscreteExpert
{
    private readonly float[] _s = new float[capacity];
    /// <inheritdoc/>
    public override string Name => "Acrobot rule 2θ̇2 − θ̇1 > 0";
    /// <inheritdoc/>
    public override void Act(IColumnSource o, Span<int> actions)
    {
        Span<float> s = _s.AsSpan(0, o.RowCount);
        TensorPrimitives.Negate(o.Column(4), s);
        TensorPrimitives.MultiplyAdd(o.Column(5), 2f, s, s);
        BuiltinExperts.Threshold(s, actions, 2, 0);
    }
}

/// <summary>
/// Pendulum-v1: θ = atan2(sin, cos), E = ½θ̇² + 15(cos θ − 1); u = −(10θ + 2θ̇) if cos θ &gt; 0.9 else −2·E·θ̇;
/// clipped to ±2 (Gymnasium: −143.6 / −372.1).
/// </summary>
public sealed class PendulumExpert(int capacity) : ContinuousExpert
{
    private readonly float[] _theta = new float[capacity], _e = new float[capacity], _pd = new float[capacity];
    /// <inheritdoc/>
    public override string Name => "Pendulum energy-shaping + PD rule";
    /// <inheritdoc/>
    public override void Act(IColumnSource o, Span<float> actions)
    {
        int n = o.RowCount;
        ReadOnlySpan<float> cos = o.Column(0), sin = o.Column(1), thDot = o.Column(2);
        Span<float> th = _theta.AsSpan(0, n), e = _e.AsSpan(0, n), pd = _pd.AsSpan(0, n);
        TensorPrimitives.Atan2(sin, cos, th);
        // E = 0.5·θ̇² + 15·cos θ − 15
        TensorPrimitives.Multiply(thDot, thDot, e);
        TensorPrimitives.Multiply(e, 0.5f, e);
        TensorPrimitives.MultiplyAdd(cos, 15f, e, e);
        TensorPrimitives.Subtract(e, 15f, e);
        // swing-up: −2·E·θ̇ ; balance: −(10θ + 2θ̇)
        TensorPrimitives.Multiply(e, thDot, e);
        TensorPrimitives.Multiply(e, -2f, e);
        TensorPrimitives.Multiply(th, -10f, pd);
        TensorPrimitives.MultiplyAdd(thDot, -2f, pd, pd);
        for (int i = 0; i < n; i++) actions[i] = Math.Clamp(cos[i] > 0.9f ? pd[i] : e[i], -2f, 2f);
    }
}

/// <summary>MountainCarContinuous-v0: u = +1 if v &gt; 0.003·(p + 0.45) else −1 (Gymnasium: 90.1 / 89.0).</summary>
public sealed class MountainCarContinuousExpert(int capacity) : ContinuousExpert
{
    private readonly float[] _s = new float[capacity];
    /// <inheritdoc/>
    public override string Name => "MountainCarContinuous rule ±1 by v > 0.003(p + 0.45)";
    /// <inheritdoc/>
    public override void Act(IColumnSource o, Span<float> actions)
    {
        Span<float> s = BuiltinExperts.MountainCarScore(o, _s);
        for (int i = 0; i < s.Length; i++) actions[i] = s[i] > 0 ? 1f : -1f;
    }
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
