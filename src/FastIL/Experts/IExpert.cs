using FastIL.Policies;

namespace FastIL.Experts;

/// <summary>
/// A batched expert: labels every row (lane) of an observation batch at once. Implement this to plug in your own
/// expert; discrete experts fill int actions, continuous ones float actions.
/// </summary>
public interface IExpert
{
    /// <summary>Short description for reports.</summary>
    string Name { get; }
    /// <summary>True when the expert's actions are discrete indices.</summary>
    bool IsDiscrete { get; }
    /// <summary>Discrete actions of every row.</summary>
    void Act(IColumnSource observations, Span<int> actions);
    /// <summary>Continuous actions of every row.</summary>
    void Act(IColumnSource observations, Span<float> actions);
}

/// <summary>Base for experts of one action kind: the other overload is a clear error.</summary>
public abstract class DiscreteExpert : IExpert
{
    /// <inheritdoc/>
    public abstract string Name { get; }
    /// <inheritdoc/>
    public bool IsDiscrete => true;
    /// <inheritdoc/>
    public abstract void Act(IColumnSource observations, Span<int> actions);
    /// <inheritdoc/>
    public void Act(IColumnSource observations, Span<float> actions) => throw new InvalidOperationException($"{Name} is a discrete expert");
}

/// <summary>Base for continuous experts.</summary>
public abstract class ContinuousExpert : IExpert
{
    /// <inheritdoc/>
    public abstract string Name { get; }
    /// <inheritdoc/>
    public bool IsDiscrete => false;
    /// <inheritdoc/>
    public void Act(IColumnSource observations, Span<int> actions) => throw new InvalidOperationException($"{Name} is a continuous expert");
    /// <inheritdoc/>
    public abstract void Act(IColumnSource observations, Span<float> actions);
}
