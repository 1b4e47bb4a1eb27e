using System.Runtime.CompilerServices;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Lanes;
using FastIL.Kernels.MathKernels;

namespace FastIL.Kernels.Experts;

/// <summary>
/// A built-in expert as lane code: its action as a function of the observation, written once over
/// <see cref="IReal{TSelf}"/> so the SIMD column driver on the CPU and the ILGPU kernels run the same operations.
/// </summary>
public interface IExpertRule
{
    /// <summary>The action: a discrete index as a number, or the continuous action.</summary>
    static abstract TV Act<TV>(in EnvObs<TV> o) where TV : struct, IReal<TV>;
}

/// <summary>CartPole-v1: push right (1) iff x + ẋ + 10θ + 2θ̇ &gt; 0 (Gymnasium: 500 / 500).</summary>
public readonly struct CartPoleRule : IExpertRule
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Act<TV>(in EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        TV s = o.O0 + o.O1;
        s = o.O2 * TV.Const(10) + s;
        s = o.O3 * TV.Const(2) + s;
        return TV.Select(TV.GreaterThan(s, TV.Const(0)), TV.Const(1), TV.Const(0));
    }
}

/// <summary>The MountainCar score v − 0.003·(p + 0.45), positive when the car should push right.</summary>
public static class MountainCarScore
{
    /// <summary>p·(−0.003) + v − 0.003·0.45, in that order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Of<TV>(in EnvObs<TV> o) where TV : struct, IReal<TV>
        => o.O0 * TV.Const(-0.003f) + o.O1 - TV.Const(0.003f * 0.45f);
}

/// <summary>MountainCar-v0: right (2) iff v &gt; 0.003·(p + 0.45), else left (0) (Gymnasium: −110.3 / −123).</summary>
public readonly struct MountainCarRule : IExpertRule
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Act<TV>(in EnvObs<TV> o) where TV : struct, IReal<TV>
        => TV.Select(TV.GreaterThan(MountainCarScore.Of(o), TV.Const(0)), TV.Const(2), TV.Const(0));
}

/// <summary>MountainCarContinuous-v0: u = +1 if v &gt; 0.003·(p + 0.45) else −1 (Gymnasium: 90.1 / 89.0).</summary>
public readonly struct MountainCarContinuousRule : IExpertRule
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Act<TV>(in EnvObs<TV> o) where TV : struct, IReal<TV>
        => TV.Select(TV.GreaterThan(MountainCarScore.Of(o), TV.Const(0)), TV.Const(1), TV.Const(-1));
}

/// <summary>Acrobot-v1: torque +1 (2) iff 2·θ̇2 − θ̇1 &gt; 0, else −1 (0) (Gymnasium: −78.7 / −137).</summary>
public readonly struct AcrobotRule : IExpertRule
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Act<TV>(in EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        TV s = o.O5 * TV.Const(2) + -o.O4;
        return TV.Select(TV.GreaterThan(s, TV.Const(0)), TV.Const(2), TV.Const(0));
    }
}

/// <summary>
/// Pendulum-v1: θ = atan2(sin, cos), E = ½θ̇² + 15(cos θ − 1); u = −(10θ + 2θ̇) if cos θ &gt; 0.9 else −2·E·θ̇;
/// clipped to ±2 (Gymnasium: −143.6 / −372.1).
/// </summary>
public readonly struct PendulumRule : IExpertRule
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Act<TV>(in EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        TV cos = o.O0, sin = o.O1, thDot = o.O2;
        TV th = LaneAtan.Atan2(sin, cos);
        TV e = thDot * thDot * TV.Const(0.5);
        e = cos * TV.Const(15) + e - TV.Const(15);
        e = e * thDot * TV.Const(-2);                             // swing-up: −2·E·θ̇
        TV pd = thDot * TV.Const(-2) + th * TV.Const(-10);       // balance: −(10θ + 2θ̇)
        return Dyn.Clip(TV.Select(TV.GreaterThan(cos, TV.Const(0.9f)), pd, e), TV.Const(-2), TV.Const(2));
    }
}
