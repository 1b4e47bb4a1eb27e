using System.Runtime.Intrinsics;

namespace FastIL.Envs;

/// <summary>
/// The lane group that the fused loops (<see cref="FusedEpisodes{TDyn, TRule}"/>, <see cref="FusedRollout{TDyn, TRule}"/>)
/// use for a batch. A group steps until its last lane ends, so a batch of a few lanes in a 16-lane group mostly steps
/// padding. Every path gives the same bits; the fused tests check each.
/// </summary>
internal static class FusedGroupWidth
{
    /// <summary>
    /// Up to this many lanes, the Vector512 path runs one 8-lane Vector256 group instead of one 16-lane group. The
    /// group count is the same and the operations are cheaper: `fastil env bench` steps 16k CartPole lanes at 302 M/s
    /// with Vector256 against 356 M/s with Vector512, so an 8-lane group step costs 0.6 of a 16-lane one. A 1500-run
    /// one-thread sweep of the imitation-shaped run (4 rollouts, 20 evaluation episodes) took 2.47–2.53 s against
    /// 2.76–2.94 s. Raising the limit to 24, so that 20 evaluation episodes run as three 8-lane groups, made no
    /// measurable difference.
    /// </summary>
    public const int NarrowUpTo = 8;

    /// <summary>The path to run <paramref name="lanes"/> lanes on, given the batch's <paramref name="path"/>.</summary>
    public static SimdPath For(SimdPath path, int lanes)
        => path == SimdPath.Vector512 && lanes <= NarrowUpTo && Vector256.IsHardwareAccelerated ? SimdPath.Vector256 : path;
}
