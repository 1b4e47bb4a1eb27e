using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Envs;

/// <summary>
/// Up to four state variables of a classic-control env, in lanes of <typeparamref name="TV"/>. Fixed fields rather
/// than an array so the dynamics stay plain value-type code (ILGPU compiles no local arrays).
/// </summary>
public struct EnvState<TV> where TV : struct, IReal<TV>
{
    /// <summary>State variable 0.</summary>
    public TV S0;
    /// <summary>State variable 1.</summary>
    public TV S1;
    /// <summary>State variable 2 (unused by two-variable envs).</summary>
    public TV S2;
    /// <summary>State variable 3 (unused by two-variable envs).</summary>
    public TV S3;
}

/// <summary>Up to six observation components, in lanes of <typeparamref name="TV"/>.</summary>
public struct EnvObs<TV> where TV : struct, IReal<TV>
{
    /// <summary>Observation component 0.</summary>
    public TV O0;
    /// <summary>Observation component 1.</summary>
    public TV O1;
    /// <summary>Observation component 2.</summary>
    public TV O2;
    /// <summary>Observation component 3.</summary>
    public TV O3;
    /// <summary>Observation component 4.</summary>
    public TV O4;
    /// <summary>Observation component 5.</summary>
    public TV O5;
}

/// <summary>
/// The pure dynamics of one env: <c>step</c> as a function of (state, action), written once over
/// <see cref="IReal{TSelf}"/> so that the scalar reference, the SIMD paths and GPU kernels share the same code.
/// Time limits, resets and auto-reset live in the batch driver, not here.
/// </summary>
public interface IEnvDynamics
{
    /// <summary>Number of state variables used in <see cref="EnvState{TV}"/>.</summary>
    static abstract int StateSize { get; }
    /// <summary>Number of observation components used in <see cref="EnvObs{TV}"/>.</summary>
    static abstract int ObservationSize { get; }
    /// <summary>True when the observation is the state itself (then float32 batches share the columns).</summary>
    static abstract bool ObservationIsState { get; }

    /// <summary>
    /// Advances the state by one step. <paramref name="action"/> is the discrete action index as a number, or the
    /// raw (unclipped) continuous action. Sets <paramref name="terminated"/> to a mask.
    /// </summary>
    static abstract void Step<TV>(ref EnvState<TV> s, TV action, out TV reward, out TV terminated) where TV : struct, IReal<TV>;

    /// <summary>The observation of a state (before rounding to float32).</summary>
    static abstract void Observe<TV>(in EnvState<TV> s, out EnvObs<TV> o) where TV : struct, IReal<TV>;
}

/// <summary>Small helpers shared by the dynamics.</summary>
public static class Dyn
{
    /// <summary><c>min(max(x, lo), hi)</c> as NumPy's clip, written with compares so every lane type rounds alike.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static TV Clip<TV>(TV x, TV lo, TV hi) where TV : struct, IReal<TV>
        => TV.Select(TV.GreaterThan(x, hi), hi, TV.Select(TV.LessThan(x, lo), lo, x));
}
