using System.Runtime.CompilerServices;

namespace FastIL.Envs;

/// <summary>
/// One lane block's rollout state and staging for a chunk of steps: which slots still run, the rows staged at each
/// step (observation j of slot s at step k at [(k·D + j)·lanes + s], its expert label at [k·lanes + s]) and how many.
/// The column loop (<c>BlockedRollout</c>) and the fused one (<see cref="FusedRollout{TDyn, TRule}"/>) fill it the
/// same way.
/// </summary>
/// <remarks>
/// A slot is a place in the block's batch. It holds lane <see cref="LaneOf"/>[s] of the block: the identity until the
/// fused loop compacts the running lanes into the first <see cref="Live"/> slots (<see cref="Compact{T}"/>), so that
/// trajectories that ended early leave no SIMD group half idle. Compaction is stable, so slots ascending are still
/// lanes ascending, and the staged rows keep the data set's order (step, then lane).
/// </remarks>
internal class RolloutStaging(int first, int lanes, int d, int steps)
{
    /// <summary>The block's first lane in the whole batch (the lanes' draws depend on it) and its lane count.</summary>
    public readonly int First = first, Lanes = lanes;
    /// <summary>Slots whose trajectory still runs; slots whose whole trajectory is the expert's (per-trajectory mixing).</summary>
    public readonly bool[] Active = new bool[lanes], ExpertLane = new bool[lanes];
    /// <summary>The block's lane in each slot.</summary>
    public readonly int[] LaneOf = new int[lanes];
    /// <summary>Slots in use: [0, Live) holds every running lane; the slots after it stage nothing.</summary>
    public int Live;
    /// <summary>Whether the fused loop compacts (on by default; benchmarks and tests turn it off to compare).</summary>
    public bool Compacting = true;
    /// <summary>Lanes still running.</summary>
    public int ActiveCount;
    /// <summary>1 + the step in which the block's last trajectory ended (0 while one runs).</summary>
    public int EndStep;
    /// <summary>Staged observations, labels (discrete) or targets (continuous), and flags of the slots staged per step.</summary>
    public readonly float[] Obs = new float[steps * d * lanes];
    public readonly int[] Labels = new int[steps * lanes];
    public readonly float[] Targets = new float[steps * lanes];
    public readonly bool[] Staged = new bool[steps * lanes];
    /// <summary>Rows staged at each step of the chunk.</summary>
    public readonly int[] StagedCount = new int[steps];

    /// <summary>Every lane running in its own slot, before a rollout's first step.</summary>
    public void Begin()
    {
        Array.Fill(Active, true);
        for (int l = 0; l < Lanes; l++) LaneOf[l] = l;
        Live = ActiveCount = Lanes;
        EndStep = 0;
    }

    /// <summary>
    /// Moves the running lanes of slots [0, <see cref="Live"/>) to the first <see cref="ActiveCount"/> slots, in
    /// order, with their state columns <paramref name="state"/> and step counts <paramref name="elapsed"/>; the slots
    /// freed are marked ended. Nothing moves unless that frees at least one group of <paramref name="group"/> slots
    /// (the SIMD width).
    /// </summary>
    public void Compact<T>(T[][] state, T[] elapsed, int group)
    {
        var move = new Mover<T>(this, state, elapsed);
        Live = SlotCompaction.Compact(Active, Live, ActiveCount, group, ref move);
    }

    private readonly struct Mover<T>(RolloutStaging stage, T[][] state, T[] elapsed) : ISlotMove
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Move(int to, int from)
        {
            for (int j = 0; j < state.Length; j++) state[j][to] = state[j][from];
            elapsed[to] = elapsed[from];
            stage.ExpertLane[to] = stage.ExpertLane[from];
            stage.LaneOf[to] = stage.LaneOf[from];
        }
    }
}

/// <summary>How the expert and the policy share a rollout's actions (β-mixing), as the runner draws it.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Iteration">The DAgger iteration.</param>
/// <param name="Beta">The probability that the expert acts.</param>
/// <param name="PerTrajectory">One draw per trajectory (else one per step).</param>
internal readonly record struct MixRule(ulong Seed, int Iteration, double Beta, bool PerTrajectory);
