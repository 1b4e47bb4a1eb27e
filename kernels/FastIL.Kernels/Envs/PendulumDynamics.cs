using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Envs;

/// <summary>
/// Pendulum-v1, as Gymnasium: state [θ, θ̇] with θ never wrapped; observation [cos θ, sin θ, θ̇]; the torque is
/// clipped to ±2; semi-implicit Euler with dt = 0.05; reward = −(normalize(θ)² + 0.1θ̇² + 0.001u²) on the state
/// before the step; never terminates (200-step time limit).
/// </summary>
public readonly struct PendulumDynamics : IEnvDynamics
{
    /// <summary>Largest angular speed.</summary>
    public const double MaxSpeed = 8.0;
    /// <summary>Largest torque.</summary>
    public const double MaxTorque = 2.0;
    /// <summary>Seconds per step.</summary>
    public const double Dt = 0.05;
    /// <summary>Gravity (Gymnasium's default g = 10).</summary>
    public const double G = 10.0;
    /// <summary>Mass.</summary>
    public const double M = 1.0;
    /// <summary>Length.</summary>
    public const double L = 1.0;

    /// <inheritdoc/>
    public static int StateSize => 2;
    /// <inheritdoc/>
    public static bool ObservationIsState => false;
    /// <inheritdoc/>
    public static int ObservationSize => 3;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Step<TV>(ref EnvState<TV> s, TV action, out TV reward, out TV terminated) where TV : struct, IReal<TV>
    {
        TV th = s.S0, thDot = s.S1;
        TV u = Dyn.Clip(action, TV.Const(-MaxTorque), TV.Const(MaxTorque));
        // angle_normalize(x) = ((x + π) mod 2π) − π
        TV angle = TV.FloorMod(th + TV.Const(Math.PI), 2 * Math.PI) - TV.Const(Math.PI);
        TV costs = angle * angle + TV.Const(0.1) * (thDot * thDot) + TV.Const(0.001) * (u * u);
        TV newThDot = thDot + (TV.Const(3 * G / (2 * L)) * TV.Sin(th) + TV.Const(3.0 / (M * L * L)) * u) * TV.Const(Dt);
        newThDot = Dyn.Clip(newThDot, TV.Const(-MaxSpeed), TV.Const(MaxSpeed));
        TV newTh = th + newThDot * TV.Const(Dt);
        s.S0 = newTh; s.S1 = newThDot;
        reward = -costs;
        terminated = TV.LessThan(TV.Const(0), TV.Const(0));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Observe<TV>(in EnvState<TV> s, out EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        o = default;
        TV.SinCos(s.S0, out TV sin, out TV cos);
        o.O0 = cos; o.O1 = sin; o.O2 = s.S1;
    }
}
