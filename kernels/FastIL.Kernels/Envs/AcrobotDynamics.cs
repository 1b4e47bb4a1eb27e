using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Envs;

/// <summary>
/// Acrobot-v1, as Gymnasium ("book" dynamics, no torque noise): state [θ1, θ2, θ̇1, θ̇2]; observation
/// [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]; one RK4 step of 0.2 s; angles wrapped into [−π, π], velocities
/// clipped to ±4π and ±9π; terminated when −cos θ1 − cos(θ2 + θ1) &gt; 1; reward −1, or 0 on termination.
/// </summary>
public readonly struct AcrobotDynamics : IEnvDynamics
{
    /// <summary>Seconds per step (one RK4 step).</summary>
    public const double Dt = 0.2;
    /// <summary>Speed limit of the first joint: 4π.</summary>
    public const double MaxVel1 = 4 * Math.PI;
    /// <summary>Speed limit of the second joint: 9π.</summary>
    public const double MaxVel2 = 9 * Math.PI;
    // Link masses, lengths, centres of mass and moments of inertia (all links alike).
    private const double M1 = 1.0, M2 = 1.0, L1 = 1.0, Lc1 = 0.5, Lc2 = 0.5, I1 = 1.0, I2 = 1.0, G = 9.8;

    /// <inheritdoc/>
    public static int StateSize => 4;
    /// <inheritdoc/>
    public static bool ObservationIsState => false;
    /// <inheritdoc/>
    public static int ObservationSize => 6;

    /// <summary>Time derivative of the state under a constant torque (Gymnasium's <c>_dsdt</c>, book version).</summary>
    /// <remarks>
    /// Not inlined on purpose: four inlined copies exhaust the JIT's inlining budget for <see cref="Step{TV}"/>, after
    /// which every lane operation becomes a call. As its own method everything inside is inlined.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Derivatives<TV>(TV th1, TV th2, TV dth1, TV dth2, TV torque, out TV dd1, out TV dd2) where TV : struct, IReal<TV>
    {
        // Constants folded exactly as Python evaluates them left to right.
        TV.SinCos(th2, out TV sin2, out TV cos2);
        TV d1 = TV.Const(M1 * (Lc1 * Lc1)) + TV.Const(M2) * (TV.Const(L1 * L1 + Lc2 * Lc2) + TV.Const(2 * L1 * Lc2) * cos2) + TV.Const(I1) + TV.Const(I2);
        TV d2 = TV.Const(M2) * (TV.Const(Lc2 * Lc2) + TV.Const(L1 * Lc2) * cos2) + TV.Const(I2);
        TV phi2 = TV.Const(M2 * Lc2 * G) * TV.Cos(th1 + th2 - TV.Const(Math.PI / 2.0));
        TV phi1 = TV.Const(-M2 * L1 * Lc2) * (dth2 * dth2) * sin2
                  - TV.Const(2 * M2 * L1 * Lc2) * dth2 * dth1 * sin2
                  + TV.Const((M1 * Lc1 + M2 * L1) * G) * TV.Cos(th1 - TV.Const(Math.PI / 2))
                  + phi2;
        dd2 = (torque + d2 / d1 * phi1 - TV.Const(M2 * L1 * Lc2) * (dth1 * dth1) * sin2 - phi2)
              / (TV.Const(M2 * (Lc2 * Lc2) + I2) - d2 * d2 / d1);
        dd1 = -(d2 * dd2 + phi1) / d1;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Step<TV>(ref EnvState<TV> s, TV action, out TV reward, out TV terminated) where TV : struct, IReal<TV>
    {
        TV torque = action - TV.Const(1); // [-1, 0, +1][a]
        TV y0 = s.S0, y1 = s.S1, y2 = s.S2, y3 = s.S3;
        TV h = TV.Const(Dt / 2.0), full = TV.Const(Dt);

        Derivatives(y0, y1, y2, y3, torque, out TV k1c, out TV k1d);
        TV k1a = y2, k1b = y3;
        TV a0 = y0 + h * k1a, a1 = y1 + h * k1b, a2 = y2 + h * k1c, a3 = y3 + h * k1d;
        Derivatives(a0, a1, a2, a3, torque, out TV k2c, out TV k2d);
        TV k2a = a2, k2b = a3;
        TV b0 = y0 + h * k2a, b1 = y1 + h * k2b, b2 = y2 + h * k2c, b3 = y3 + h * k2d;
        Derivatives(b0, b1, b2, b3, torque, out TV k3c, out TV k3d);
        TV k3a = b2, k3b = b3;
        TV c0 = y0 + full * k3a, c1 = y1 + full * k3b, c2 = y2 + full * k3c, c3 = y3 + full * k3d;
        Derivatives(c0, c1, c2, c3, torque, out TV k4c, out TV k4d);
        TV k4a = c2, k4b = c3;

        TV sixth = TV.Const(Dt / 6.0), two = TV.Const(2);
        TV n0 = y0 + sixth * (k1a + two * k2a + two * k3a + k4a);
        TV n1 = y1 + sixth * (k1b + two * k2b + two * k3b + k4b);
        TV n2 = y2 + sixth * (k1c + two * k2c + two * k3c + k4c);
        TV n3 = y3 + sixth * (k1d + two * k2d + two * k3d + k4d);

        n0 = Wrap(n0);
        n1 = Wrap(n1);
        n2 = Dyn.Clip(n2, TV.Const(-MaxVel1), TV.Const(MaxVel1));
        n3 = Dyn.Clip(n3, TV.Const(-MaxVel2), TV.Const(MaxVel2));
        s.S0 = n0; s.S1 = n1; s.S2 = n2; s.S3 = n3;

        terminated = TV.GreaterThan(-TV.Cos(n0) - TV.Cos(n1 + n0), TV.Const(1.0));
        reward = TV.Select(terminated, TV.Const(0.0), TV.Const(-1.0));
    }

    /// <summary>
    /// Gymnasium's <c>wrap(x, −π, π)</c>: subtract 2π while x &gt; π, then add 2π while x &lt; −π. Lanes that make no
    /// progress (infinite or huge values) stop instead of looping forever.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Wrap<TV>(TV x) where TV : struct, IReal<TV>
    {
        TV pi = TV.Const(Math.PI), diff = TV.Const(2 * Math.PI);
        while (true)
        {
            TV next = x - diff;
            TV m = TV.And(TV.GreaterThan(x, pi), TV.LessThan(next, x));
            if (!TV.AnyTrue(m)) break;
            x = TV.Select(m, next, x);
        }
        while (true)
        {
            TV next = x + diff;
            TV m = TV.And(TV.LessThan(x, -pi), TV.GreaterThan(next, x));
            if (!TV.AnyTrue(m)) break;
            x = TV.Select(m, next, x);
        }
        return x;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Observe<TV>(in EnvState<TV> s, out EnvObs<TV> o) where TV : struct, IReal<TV>
    {
        o = default;
        TV.SinCos(s.S0, out TV sin1, out TV cos1);
        TV.SinCos(s.S1, out TV sin2, out TV cos2);
        o.O0 = cos1; o.O1 = sin1; o.O2 = cos2; o.O3 = sin2; o.O4 = s.S2; o.O5 = s.S3;
    }
}
