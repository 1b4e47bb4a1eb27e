using System.Runtime.CompilerServices;

namespace FastIL.Envs;

/// <summary>
/// A lane block's slots for fused evaluation episodes (<see cref="FusedEpisodes{TDyn, TRule}"/>): which lane each slot
/// holds, whether its episode still runs, and its disagreement so far. The episodes run in rounds of
/// <see cref="RoundSteps"/> steps; after each round the running lanes move to the first slots, in order, with their state
/// (<see cref="Compact"/>), so that a group whose other lanes' episodes ended is not stepped for one long episode.
/// </summary>
internal sealed class EpisodeSlots(int lanes)
{
    /// <summary>Steps per round between compactions: rare enough that moving state costs nothing measurable.</summary>
    public const int RoundSteps = 32;

    private static int Padded(int n) => (n + EnvColumns<float>.LanePadding - 1) / EnvColumns<float>.LanePadding * EnvColumns<float>.LanePadding;

    /// <summary>The lane in each slot.</summary>
    public readonly int[] LaneOf = new int[Padded(lanes)];
    /// <summary>Slots whose episode still runs.</summary>
    public readonly bool[] Active = new bool[Padded(lanes)];
    /// <summary>Each slot's count of differing actions (discrete) and Σ |clip(a) − clip(e)| (continuous) so far.</summary>
    public readonly float[] Count = new float[Padded(lanes)];
    public readonly double[] Distance = new double[Padded(lanes)];
    /// <summary>Slots in use, and how many of them still run.</summary>
    public int Live, Running;
    /// <summary>Whether episodes run in compacted rounds (on by default; off: every group runs to its last lane's end, for comparison).</summary>
    public bool Compacting = true;

    /// <summary>Every one of <paramref name="n"/> lanes running in its own slot, nothing counted yet.</summary>
    public void Begin(int n)
    {
        for (int l = 0; l < n; l++) LaneOf[l] = l;
        Array.Fill(Active, true, 0, n);
        Array.Clear(Active, n, Active.Length - n);
        Array.Clear(Count);
        Array.Clear(Distance);
        Live = Running = n;
    }

    /// <summary>
    /// Moves the running slots of [0, <see cref="Live"/>) to the front, in order, with their state columns
    /// <paramref name="state"/>, step counts <paramref name="elapsed"/>, returns <paramref name="returns"/> and counts,
    /// when that frees at least one group of <paramref name="group"/> slots.
    /// </summary>
    public void Compact(float[][] state, float[] elapsed, float[] returns, int group)
    {
        var move = new Mover(this, state, elapsed, returns);
        Live = SlotCompaction.Compact(Active, Live, Running, group, ref move);
    }

    private readonly struct Mover(EpisodeSlots slots, float[][] state, float[] elapsed, float[] returns) : ISlotMove
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Move(int to, int from)
        {
            for (int j = 0; j < state.Length; j++) state[j][to] = state[j][from];
            elapsed[to] = elapsed[from];
            returns[to] = returns[from];
            slots.Count[to] = slots.Count[from];
            slots.Distance[to] = slots.Distance[from];
            slots.LaneOf[to] = slots.LaneOf[from];
        }
    }
}
