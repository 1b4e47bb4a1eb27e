using FastIL.Envs;
using FastIL.Experts;
using FastIL.Parallel;

namespace FastIL.Algorithms;

/// <summary>
/// The fixed lane blocks of <see cref="BlockedRollout"/> and <see cref="BlockedEvaluator"/>: lanes [first, first + n)
/// of a run as a small env of their own (<see cref="EnvOptions.FirstLane"/>: the same lanes, the same draws as one
/// big batch) with its own built-in expert, and the pool whose threads own them.
/// </summary>
internal static class LaneBlocks
{
    /// <summary>Lanes per block: a block's state, observations and scratch stay in L2.</summary>
    public const int Lanes = 512;

    /// <summary>One block.</summary>
    public readonly record struct Part(VectorEnv Env, IExpert Expert, int First, int Count);

    /// <summary>
    /// The blocks of <paramref name="total"/> lanes, episodes of up to <paramref name="horizon"/> steps, no auto-reset,
    /// on the SIMD <paramref name="path"/> (tests pin it; runs take the widest).
    /// </summary>
    public static Part[] Create(EnvSpec spec, int total, int horizon, SimdPath path = SimdPath.Auto)
    {
        var parts = new Part[(total + Lanes - 1) / Lanes];
        for (int b = 0; b < parts.Length; b++)
        {
            int first = b * Lanes, n = Math.Min(Lanes, total - first);
            var env = EnvRegistry.Create(spec, n, new EnvOptions { AutoReset = AutoResetMode.Disabled, Threads = 1, MaxEpisodeSteps = horizon, FirstLane = first, Path = path });
            parts[b] = new Part(env, BuiltinExperts.For(spec, n), first, n);
        }
        return parts;
    }

    /// <summary>A pool for <paramref name="threads"/> threads over <paramref name="blocks"/> blocks; null when one thread does it all.</summary>
    public static WorkerPool? Pool(int threads, int blocks) => threads > 1 && blocks > 1 ? new WorkerPool(Math.Min(threads, blocks)) : null;
}
