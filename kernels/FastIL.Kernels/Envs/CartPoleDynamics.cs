using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Envs;

/// <summary>
/// CartPole-v1 (Barto, Sutton &amp; Anderson), as Gymnasium: state = observation = [x, ẋ, θ, θ̇]; explicit Euler with
/// τ = 0.02; terminated when |x| &gt; 2.4 or |θ| &gt; 12° on the new state; reward 1 on every step.
/// </summary>
public readonly struct CartPoleDynamics : IEnvDynamics
{
    /// <summary>Gravity (m/s²).</summary>
    public const double Gravity = 9.8;
    /// <summary>Mass of the cart.</summary>
    public const double MassCart = 1.0;
    /// <summary>Mass of the pole.</summary>
    public const double MassPole = 0.1;
    /// <summary>Cart + pole.</summary>
    public const double TotalMass = MassPole + MassCart;
    /// <summary>Half the pole's length.</summary>
    public const double Length = 0.5;
    /// <summary>Pole mass × half length.</summary>
    public const double PoleMassLength = MassPole * Length;
    /// <summary>Magnitude of the push.</summary>
    public const double ForceMag = 10.0;
    /// <summary>Seconds per step.</summary>
    public const double Tau = 0.02;
    /// <summary>Termination angle, 12° in radians: 12 * 2 * π / 360.</summary>
    public const double ThetaThreshold = 12 * 2 * Math.PI / 360;
    /// <summary>Termination cart position.</summary>
    public const double XThreshold = 2.4;

    /// <inheritdoc/>
    public static int StateSize => 4;
    /// <inheritdoc/>
    public static bool ObservationIsState => true;
    /// <inheritdoc/>
    public static int ObservationSize => 4;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Step<TV>(ref EnvState<TV> s, TV action, out TV reward, out TV terminated) where TV : struct, IReal<TV>
    {
        TV x = s.S0, xDot = s.S1, theta = s.S2, thetaDot = s.S3;
        TV force = TV.Select(TV.Equal(action, TV.Const(1)), TV.Const(ForceMag), TV.Const(-ForceMag));
        TV.SinCos(theta, out TV sinTheta, out TV cosTheta);
        TV temp = (force + TV.Const(PoleMassLength) * (thetaDot * thetaDot) * sinTheta) / TV.Const(TotalMass);
        TV thetaAcc = (TV.Const(Gravity) * sinTheta - cosTheta * temp)
            / (TV.Const(Length) * (TV.Const(4.0 / 3.0) - TV.Const(MassPole) * (cosTheta * cosTheta) / TV.Const(TotalMass)));
        TV xAcc = temp - TV.Const(PoleMassLength) * thetaAcc * cosTheta / TV.Const(TotalMass);
        TV tau = TV.Const(Tau);
        x = x + tau * xDot;
        xDot = xDot + tau * xAcc;
        theta = theta + tau * thetaDot;
        thetaDot = thetaDot + tau * thetaAcc;
        s.S0 = x; s.S1 = xDot; s.S2 = theta; s.S3 = thetaDot;
        terminated = TV.Or(
            TV.Or(TV.LessThanReal(x, -XThreshold), TV.GreaterThanReal(x, XThreshold)),
            TV.Or(TV.LessThanReal(theta, -ThetaThreshold), TV.GreaterThanReal(theta, ThetaThreshold)));
        reward = TV.Const(1.0);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Observe<TV>(in EnvState<TV> s, out EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        o = default;
        o.O0 = s.S0; o.O1 = s.S1; o.O2 = s.S2; o.O3 = s.S3;
    }
}
