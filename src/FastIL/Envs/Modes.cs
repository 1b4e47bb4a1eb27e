namespace FastIL.Envs;

/// <summary>How a batch resets lanes whose episode ended (Gymnasium 1.x <c>AutoresetMode</c>).</summary>
public enum AutoResetMode
{
    /// <summary>
    /// Gymnasium's default: the step after an episode ends resets that lane instead of stepping it, returning the
    /// reset observation, reward 0 and both flags false (the action is ignored).
    /// </summary>
    NextStep,
    /// <summary>The lane is reset within the step that ended it; the final observation is kept in <see cref="VectorEnv.FinalObservation"/>.</summary>
    SameStep,
    /// <summary>No automatic reset: call <see cref="VectorEnv.Reset(ReadOnlySpan{bool})"/> with a mask.</summary>
    Disabled,
}

/// <summary>Which kernel steps the batch.</summary>
public enum SimdPath
{
    /// <summary>The widest hardware-accelerated path (Vector512, else Vector256, else scalar).</summary>
    Auto,
    /// <summary>One lane at a time: the reference.</summary>
    Scalar,
    /// <summary>Eight float32 lanes per instruction.</summary>
    Vector256,
    /// <summary>Sixteen float32 lanes per instruction (emulated, slowly, where AVX-512 is absent).</summary>
    Vector512,
}

/// <summary>Arithmetic precision of the env state. Observations are float32 in both.</summary>
public enum Precision
{
    /// <summary>float32 state and arithmetic: the fast default, SIMD paths available.</summary>
    Float32,
    /// <summary>float64 state with the C library's sin/cos: reproduces Gymnasium's internal states (scalar path).</summary>
    Float64,
}

/// <summary>Options of a batch of envs.</summary>
public sealed record EnvOptions
{
    /// <summary>State precision (default float32).</summary>
    public Precision Precision { get; init; } = Precision.Float32;
    /// <summary>Auto-reset mode (default next-step, as Gymnasium).</summary>
    public AutoResetMode AutoReset { get; init; } = AutoResetMode.NextStep;
    /// <summary>Kernel path (default auto; the FASTIL_SIMD environment variable overrides auto).</summary>
    public SimdPath Path { get; init; } = SimdPath.Auto;
    /// <summary>Threads that step the batch (default 1).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>
    /// Global index of this batch's lane 0: a batch of lanes [k, k+n) with FirstLane = k produces exactly the
    /// trajectories of those lanes in one big batch with the same seed.
    /// </summary>
    public long FirstLane { get; init; }
    /// <summary>Time limit override (null: the env's own, e.g. 500 for CartPole-v1; 0: none).</summary>
    public int? MaxEpisodeSteps { get; init; }
}
