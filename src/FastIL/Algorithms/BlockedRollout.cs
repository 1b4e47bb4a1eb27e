using System.Runtime.CompilerServices;
using FastIL.Envs;
using FastIL.Experts;
using FastIL.Learning;
using FastIL.Parallel;
using FastIL.Policies;
using FastIL.Random;

namespace FastIL.Algorithms;

/// <summary>
/// DAgger's rollout with the built-in expert, by lane blocks: the M trajectories are split into the fixed blocks of
/// <see cref="LaneBlocks"/>, each a small env of its own (the same lanes, the same draws as one big batch). A thread runs its blocks for <see cref="StepsPerChunk"/> steps at a time:
/// expert label, policy action, β-mix, env step, staging of (observation, label) for the lanes still running. The
/// block's state stays in cache, and the threads meet once per chunk instead of once per step as one big batch's
/// pool did. After a chunk the staged rows are appended in step order, lanes ascending, which is the data set's
/// documented order, so the results are bit for bit those of the one-batch loop (<see cref="ImitationRunner"/>'s
/// fallback, kept for user experts and recording) for any thread count.
/// </summary>
internal sealed class BlockedRollout : IChunkJob, IDisposable
{
    /// <summary>Steps a block runs before the threads meet and the rows are appended.</summary>
    public const int StepsPerChunk = 32;

    private readonly EnvSpec _spec;
    private readonly Block[] _blocks;
    private readonly WorkerPool? _pool;
    private readonly int _m, _d;
    // The chunk being run (read by ExecuteChunk on every thread), and which phase: stepping, or copying into _data.
    private int _t0;
    private bool _copying;
    private Dataset? _data;
    // The rows below which this chunk's copies stream (StreamingStores): the rows the data set's storage held before the
    // chunk, whose pages are surely faulted in, when the run streams at all (a large enough data set); else 0.
    private int _streamBelow;
    private MixRule _run;
    private readonly ILaneCode? _lanes;

    private sealed class Block(VectorEnv env, IExpert expert, int first, int lanes, int d) : RolloutStaging(first, lanes, d, StepsPerChunk)
    {
        public readonly VectorEnv Env = env;
        public readonly IExpert Expert = expert;
        public PolicyInference? Policy;
        public readonly int[] ExpertA = new int[lanes], PolicyA = new int[lanes], Act = new int[lanes];
        public readonly float[] ExpertF = new float[lanes], PolicyF = new float[lanes], ActF = new float[lanes];
        /// <summary>Where in the data set the rows staged at each step of the chunk go.</summary>
        public readonly int[] Offset = new int[StepsPerChunk];
        /// <summary>Scratch for a step's rows compacted before they are copied (<see cref="CompactRows"/>).</summary>
        public readonly float[] CompactF = new float[lanes];
        public readonly int[] CompactI = new int[lanes];
        /// <summary>Rows this block copied with streaming stores (tests).</summary>
        public long StreamedRows;
    }

    /// <summary>
    /// Whether blocks run their chunks fused (<see cref="FusedRollout{TDyn, TRule}"/>) where they can; off, every
    /// block takes the column loop. Tests and benchmarks compare the two.
    /// </summary>
    internal bool Fused { get; set; } = true;

    /// <summary>
    /// Whether the fused blocks compact their running lanes before each chunk (<see cref="RolloutStaging.Compact{T}"/>);
    /// the rows are the same either way (tested), and benchmarks measure the difference.
    /// </summary>
    internal bool Compact { get; set; } = true;

    /// <summary>
    /// Whether copies into a data set large enough (<see cref="StreamingStores.Worthwhile"/>) take streaming stores;
    /// off, plain stores. The rows are the same; benchmarks measure the difference.
    /// </summary>
    internal bool Streaming { get; set; } = true;

    /// <summary>The data set size from which copies may stream (tests lower it to reach the path with small data sets).</summary>
    internal long StreamingMinBytes { get; set; } = StreamingStores.MinBytes;

    /// <summary>Rows copied with streaming stores over this rollout's runs (tests).</summary>
    internal long StreamedRows { get { long n = 0; foreach (var b in _blocks) n += b.StreamedRows; return n; } }

    /// <summary>Blocks for <paramref name="m"/> trajectories of up to <paramref name="horizon"/> steps on <paramref name="threads"/> threads.</summary>
    public BlockedRollout(EnvSpec spec, int m, int horizon, int threads, SimdPath path = SimdPath.Auto)
    {
        _spec = spec;
        _m = m;
        _d = spec.ObservationSize;
        _blocks = [.. LaneBlocks.Create(spec, m, horizon, path).Select(p => new Block(p.Env, p.Expert, p.First, p.Count, _d))];
        _pool = LaneBlocks.Pool(threads, _blocks.Length);
        _lanes = spec.Lanes;
    }

    /// <summary>Slots in use in each block after the last run (tests: compaction shrinks them as lanes end).</summary>
    internal int[] LiveSlots() => [.. _blocks.Select(b => b.Live)];

    /// <summary>The trajectories this rollout was built for.</summary>
    public int Trajectories => _m;

    /// <summary>
    /// One iteration's rollout of <paramref name="policy"/> mixed with the expert (β = <paramref name="beta"/>), every
    /// visited state appended to <paramref name="data"/> with the expert's label. Returns the lane-steps as the
    /// one-batch loop counts them: all M lanes, until the last trajectory ends.
    /// </summary>
    public long Run(LinearPolicy policy, Dataset data, ImitationConfig config, int iteration, double beta)
    {
        ulong resetSeed = CounterRng.Bits(config.Seed, ImitationRunner.RolloutStream, (ulong)iteration, 0);
        foreach (var b in _blocks)
        {
            if (b.Policy is null || !ReferenceEquals(b.Policy.Policy, policy)) b.Policy = new PolicyInference(policy, b.Lanes);
            else b.Policy.Refresh();
            b.Env.Reset(resetSeed);
            b.Begin();
            b.Compacting = Compact;
            for (int l = 0; l < b.Lanes; l++)
                b.ExpertLane[l] = ImitationRunner.ExpertTrajectory(config.Seed, iteration, beta, b.First + l);
        }
        _run = new MixRule(config.Seed, iteration, beta, config.Mixing == Mixing.PerTrajectory);
        bool streaming = Streaming && StreamingStores.Worthwhile((long)data.Capacity * (data.InputDim + 1) * sizeof(float), StreamingMinBytes);
        for (_t0 = 0; ; _t0 += StepsPerChunk)
        {
            RunBlocks(copying: false);
            // The chunk's rows, step by step, blocks (lanes) ascending: the one-batch loop's order. Offsets first,
            // then each block copies its own rows (in parallel: the data set's new pages are faulted in by both cores).
            int at = data.Count, total = 0;
            for (int k = 0; k < StepsPerChunk; k++)
                foreach (var b in _blocks) { b.Offset[k] = at + total; total += b.StagedCount[k]; }
            if (total > 0)
            {
                _streamBelow = streaming ? data.WrittenRows : 0;
                data.AppendRows(total);
                _data = data;
                RunBlocks(copying: true);
                _data = null;
            }
            bool running = false;
            foreach (var b in _blocks) running |= b.ActiveCount > 0;
            if (!running) break;
        }
        int end = 0;
        foreach (var b in _blocks) end = Math.Max(end, b.EndStep);
        return (long)_m * end;
    }

    private void RunBlocks(bool copying)
    {
        _copying = copying;
        if (_pool is null) for (int b = 0; b < _blocks.Length; b++) ExecuteChunk(b);
        else _pool.Run(this, _blocks.Length);
    }

    /// <summary>Runs block <paramref name="block"/> for the chunk's steps, or copies its staged rows (any thread; blocks share nothing).</summary>
    public void ExecuteChunk(int block)
    {
        if (_copying) { Copy(_blocks[block], _data!); return; }
        Block b = _blocks[block];
        var run = _run;
        bool discrete = _spec.IsDiscrete, needPolicy = run.Beta < 1.0;
        int lanes = b.Lanes, d = _d;
        if (Fused && b.ActiveCount > 0 && _lanes is not null && (!needPolicy || b.Policy!.HasLaneCode)
            && _lanes.TryRolloutChunk(b.Env, needPolicy ? b.Policy : null, run, _t0, StepsPerChunk, b))
            return;
        // The column loop steps every lane in its own slot: a block never changes path within a run, and it comes here
        // after fused chunks only once all its lanes ended.
        System.Diagnostics.Debug.Assert(b.Live == lanes || b.ActiveCount == 0);
        for (int k = 0; k < StepsPerChunk; k++)
        {
            Span<bool> staged = b.Staged.AsSpan(k * lanes, lanes);
            if (b.ActiveCount == 0)
            {
                b.Staged.AsSpan(k * lanes).Clear();
                b.StagedCount.AsSpan(k).Clear();
                return;
            }
            int t = _t0 + k;
            VectorEnv env = b.Env;
            if (discrete) b.Expert.Act(env, b.ExpertA); else b.Expert.Act(env, b.ExpertF);
            if (needPolicy) { if (discrete) b.Policy!.Act(env, b.PolicyA); else b.Policy!.Act(env, b.PolicyF); }
            for (int l = 0; l < lanes; l++)
            {
                bool useExpert = !needPolicy || ImitationRunner.ExpertActs(run.Seed, run.Iteration, run.Beta, run.PerTrajectory, b.ExpertLane[l], t, b.First + l);
                if (discrete) b.Act[l] = useExpert ? b.ExpertA[l] : b.PolicyA[l];
                else b.ActF[l] = useExpert ? b.ExpertF[l] : b.PolicyF[l];
            }
            // Stage the states of the lanes still running, with the expert's labels.
            b.Active.AsSpan(0, lanes).CopyTo(staged);
            b.StagedCount[k] = b.ActiveCount;
            for (int j = 0; j < d; j++) env.Observation(j).CopyTo(b.Obs.AsSpan((k * d + j) * lanes, lanes));
            if (discrete) b.ExpertA.AsSpan(0, lanes).CopyTo(b.Labels.AsSpan(k * lanes, lanes));
            else b.ExpertF.AsSpan(0, lanes).CopyTo(b.Targets.AsSpan(k * lanes, lanes));
            if (discrete) env.Step(b.Act); else env.Step(b.ActF);
            ReadOnlySpan<bool> term = env.Terminated, trunc = env.Truncated;
            for (int l = 0; l < lanes; l++)
                if (b.Active[l] && (term[l] || trunc[l]))
                {
                    b.Active[l] = false;
                    if (--b.ActiveCount == 0) b.EndStep = t + 1;
                }
        }
    }

    // Block b's staged rows of the chunk into the data set at its offsets: copied as they are where every slot staged a
    // row, else compacted first (into the block's scratch, in cache). Rows of a large data set whose storage was written
    // before (a workspace's data set, cleared and refilled run after run) take streaming stores; rows on new pages take
    // plain ones, which find the lines the OS has just zeroed in cache.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Copy(Block b, Dataset data)
    {
        bool discrete = _spec.IsDiscrete;
        // Slots ascending are lanes ascending (compaction is stable), and slots from Live on staged nothing.
        int d = _d, lanes = b.Lanes, live = b.Live;
        float[][] cols = data.RawColumns;
        for (int k = 0; k < StepsPerChunk; k++)
        {
            int count = b.StagedCount[k];
            if (count == 0) continue;
            int at = b.Offset[k];
            bool all = count == live, stream = at + count <= _streamBelow;
            if (stream) b.StreamedRows += count;
            ReadOnlySpan<bool> staged = b.Staged.AsSpan(k * lanes, live);
            for (int j = 0; j < d; j++)
            {
                ReadOnlySpan<float> src = b.Obs.AsSpan((k * d + j) * lanes, live);
                if (!all) src = CompactRows(src, staged, b.CompactF);
                Store(src, cols[j].AsSpan(at, count), stream);
            }
            if (discrete)
            {
                ReadOnlySpan<int> src = b.Labels.AsSpan(k * lanes, live);
                if (!all) src = CompactRows(src, staged, b.CompactI);
                Store(src, data.RawLabels.AsSpan(at, count), stream);
            }
            else
            {
                ReadOnlySpan<float> src = b.Targets.AsSpan(k * lanes, live);
                if (!all) src = CompactRows(src, staged, b.CompactF);
                Store(src, data.RawTargets.AsSpan(at, count), stream);
            }
        }
        if (_streamBelow > 0) StreamingStores.Fence();   // before the pool's hand-off lets a fit read the rows
    }

    /// <summary>The values of the staged slots, in order, in <paramref name="scratch"/>: a store per slot and a conditional advance, no branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<T> CompactRows<T>(ReadOnlySpan<T> src, ReadOnlySpan<bool> staged, T[] scratch)
    {
        int o = 0;
        for (int l = 0; l < src.Length; l++)
        {
            scratch[o] = src[l];
            o += staged[l] ? 1 : 0;
        }
        return scratch.AsSpan(0, o);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(ReadOnlySpan<T> src, Span<T> dst, bool streaming) where T : unmanaged
    {
        if (streaming) StreamingStores.Copy(src, dst);
        else src.CopyTo(dst);
    }

    /// <summary>Releases the blocks' envs and the pool's threads.</summary>
    public void Dispose()
    {
        foreach (var b in _blocks) b.Env.Dispose();
        _pool?.Dispose();
    }
}
