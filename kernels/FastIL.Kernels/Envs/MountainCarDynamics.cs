using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Envs;

/// <summary>
/// MountainCar-v0 (Moore), as Gymnasium: state = observation = [position, velocity]; actions 0 (left), 1 (none),
/// 2 (right); terminated when position ≥ 0.5 and velocity ≥ 0; reward −1 on every step.
/// </summary>
public readonly struct MountainCarDynamics : IEnvDynamics
{
    /// <summary>Leftmost position.</summary>
    public const double MinPosition = -1.2;
    /// <summary>Rightmost position.</summary>
    public const double MaxPosition = 0.6;
    /// <summary>Speed limit.</summary>
    public const double MaxSpeed = 0.07;
    /// <summary>Goal position.</summary>
    public const double GoalPosition = 0.5;
    /// <summary>Goal velocity.</summary>
    public const double GoalVelocity = 0.0;
    /// <summary>Engine force per unit of action.</summary>
    public const double Force = 0.001;
    /// <summary>Gravity factor.</summary>
    public const double Gravity = 0.0025;

    /// <inheritdoc/>
    public static int StateSize => 2;
    /// <inheritdoc/>
    public static bool ObservationIsState => true;
    /// <inheritdoc/>
    public static int ObservationSize => 2;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Step<TV>(ref EnvState<TV> s, TV action, out TV reward, out TV terminated) where TV : struct, IReal<TV>
    {
        TV position = s.S0, velocity = s.S1;
        velocity = velocity + ((action - TV.Const(1)) * TV.Const(Force) + TV.Cos(TV.Const(3) * position) * TV.Const(-Gravity));
        velocity = Dyn.Clip(velocity, TV.Const(-MaxSpeed), TV.Const(MaxSpeed));
        position = position + velocity;
        position = Dyn.Clip(position, TV.Const(MinPosition), TV.Const(MaxPosition));
        TV stuck = TV.And(TV.Equal(position, TV.Const(MinPosition)), TV.LessThan(velocity, TV.Const(0)));
        velocity = TV.Select(stuck, TV.Const(0), velocity);
        s.S0 = position; s.S1 = velocity;
        terminated = TV.And(TV.GreaterOrEqualReal(position, GoalPosition), TV.GreaterOrEqualReal(velocity, GoalVelocity));
        reward = TV.Const(-1.0);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Observe<TV>(in EnvState<TV> s, out EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        o = default;
        o.O0 = s.S0; o.O1 = s.S1;
    }
}
