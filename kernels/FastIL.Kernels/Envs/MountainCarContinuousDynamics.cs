using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Envs;

/// <summary>
/// MountainCarContinuous-v0, as Gymnasium: the action is clipped to [−1, 1] for the dynamics only; the reward
/// (100 on reaching the goal, minus 0.1·a²) uses the unclipped action; the new state is stored as float32.
/// </summary>
public readonly struct MountainCarContinuousDynamics : IEnvDynamics
{
    /// <summary>Smallest action.</summary>
    public const double MinAction = -1.0;
    /// <summary>Largest action.</summary>
    public const double MaxAction = 1.0;
    /// <summary>Leftmost position.</summary>
    public const double MinPosition = -1.2;
    /// <summary>Rightmost position.</summary>
    public const double MaxPosition = 0.6;
    /// <summary>Speed limit.</summary>
    public const double MaxSpeed = 0.07;
    /// <summary>Goal position.</summary>
    public const double GoalPosition = 0.45;
    /// <summary>Goal velocity.</summary>
    public const double GoalVelocity = 0.0;
    /// <summary>Engine power.</summary>
    public const double Power = 0.0015;

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
        TV force = Dyn.Clip(action, TV.Const(MinAction), TV.Const(MaxAction));
        velocity = velocity + (force * TV.Const(Power) - TV.Const(0.0025) * TV.Cos(TV.Const(3) * position));
        velocity = Dyn.Clip(velocity, TV.Const(-MaxSpeed), TV.Const(MaxSpeed));
        position = position + velocity;
        position = Dyn.Clip(position, TV.Const(MinPosition), TV.Const(MaxPosition));
        TV stuck = TV.And(TV.Equal(position, TV.Const(MinPosition)), TV.LessThan(velocity, TV.Const(0)));
        velocity = TV.Select(stuck, TV.Const(0), velocity);
        terminated = TV.And(TV.GreaterOrEqualReal(position, GoalPosition), TV.GreaterOrEqualReal(velocity, GoalVelocity));
        reward = TV.Select(terminated, TV.Const(100.0), TV.Const(0.0)) - action * action * TV.Const(0.1);
        // Gymnasium stores the state as float32 after every step (termination is decided before the rounding).
        s.S0 = TV.RoundToSingle(position);
        s.S1 = TV.RoundToSingle(velocity);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Observe<TV>(in EnvState<TV> s, out EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        o = default;
        o.O0 = s.S0; o.O1 = s.S1;
    }
}
