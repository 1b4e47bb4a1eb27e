using System.Runtime.CompilerServices;

namespace FastIL.Envs;

/// <summary>What moves with a slot when <see cref="SlotCompaction.Compact{TMove}"/> moves it: a lane's state and its bookkeeping.</summary>
internal interface ISlotMove
{
    /// <summary>Copies slot <paramref name="from"/>'s values into slot <paramref name="to"/> (to &lt; from).</summary>
    void Move(int to, int from);
}

/// <summary>
/// The stable compaction behind the fused rollout's and evaluation's slots (<see cref="RolloutStaging"/>,
/// <see cref="EpisodeSlots"/>): the running slots of [0, live) move to the front in order, so slots ascending stay lanes
/// ascending, and the freed slots are marked ended.
/// </summary>
internal static class SlotCompaction
{
    /// <summary>
    /// Compacts when that frees at least one group of <paramref name="group"/> slots (the SIMD width: a move that keeps
    /// the group count saves no work); returns the slots in use afterwards.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Compact<TMove>(bool[] active, int live, int running, int group, ref TMove move) where TMove : struct, ISlotMove
    {
        if ((running + group - 1) / group == (live + group - 1) / group) return live;
        int to = 0;
        for (int s = 0; s < live; s++)
        {
            if (!active[s]) continue;
            if (to != s)
            {
                move.Move(to, s);
                active[to] = true;
            }
            to++;
        }
        Array.Fill(active, false, to, live - to);
        return to;
    }
}
