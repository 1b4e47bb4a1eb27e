namespace FastIL.Envs;

/// <summary>
/// One lane block's rollout state and staging for a chunk of steps: which lanes still run, the rows staged at each
/// step (observation j of lane l at step k at [(k·D + j)·lanes + l], its expert label at [k·lanes + l]) and how many.
/// The column loop (<c>BlockedRollout</c>) and the fused one (<see cref="FusedRollout{TDyn, TRule}"/>) fill it the
/// same way.
/// </summary>
internal class RolloutStaging(int first, int lanes, int d, int steps)
{
    /// <summary>The block's first lane in the whole batch (the lanes' draws depend on it) and its lane count.</summary>
    public readonly int First = first, Lanes = lanes;
    /// <summary>Lanes whose trajectory still runs; lanes whose whole trajectory is the expert's (per-trajectory mixing).</summary>
    public readonly bool[] Active = new bool[lanes], ExpertLane = new bool[lanes];
    /// <summary>Lanes still running.</summary>
    public int ActiveCount;
    /// <summary>1 + the step in which the block's last trajectory ended (0 while one runs).</summary>
    public int EndStep;
    /// <summary>Staged observations, labels (discrete) or targets (continuous), and flags of the lanes staged per step.</summary>
    public readonly float[] Obs = new float[steps * d * lanes];
    public readonly int[] Labels = new int[steps * lanes];
    public readonly float[] Targets = new float[steps * lanes];
    public readonly bool[] Staged = new bool[steps * lanes];
    /// <summary>Rows staged at each step of the chunk.</summary>
    public readonly int[] StagedCount = new int[steps];
}

/// <summary>How the expert and the policy share a rollout's actions (β-mixing), as the runner draws it.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Iteration">The DAgger iteration.</param>
/// <param name="Beta">The probability that the expert acts.</param>
/// <param name="PerTrajectory">One draw per trajectory (else one per step).</param>
internal readonly record struct MixRule(ulong Seed, int Iteration, double Beta, bool PerTrajectory);
