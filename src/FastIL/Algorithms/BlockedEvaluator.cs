using FastIL.Envs;
using FastIL.Experts;
using FastIL.Parallel;
using FastIL.Policies;

namespace FastIL.Algorithms;

/// <summary>
/// <see cref="Evaluator"/>'s episodes by lane blocks, for runs with the built-in expert: each block of
/// <see cref="LaneBlocks"/> is a small env of its own (the same lanes and draws as one big batch), with its own policy
/// inference and expert, and a thread runs its blocks to the end of their episodes
/// without meeting the other threads. Every lane's return, length and disagreement is the one-batch evaluator's, and
/// the summary sums them in lane order, so the results are bit for bit <see cref="Evaluator"/>'s for any thread count.
/// </summary>
internal sealed class BlockedEvaluator : IChunkJob, IDisposable
{
    private readonly Block[] _blocks;
    private readonly WorkerPool? _pool;
    private readonly double[] _returns, _lengths, _disagreement;
    // The evaluation being run (read by ExecuteChunk on every thread).
    private bool _policyActs, _withExpert;
    private readonly ILaneCode? _lanes;

    /// <summary>
    /// Whether blocks run fused (<c>FusedEpisodes</c>) where they can; off, every block takes the column path
    /// (<see cref="Evaluator.RunEpisodes"/>). Tests and benchmarks compare the two.
    /// </summary>
    internal bool Fused { get; set; } = true;

    /// <summary>
    /// Whether fused blocks run their episodes in compacted rounds (<see cref="EpisodeSlots"/>); off, each 16-lane group
    /// runs until its longest episode ends. The results are the same (tested); benchmarks measure the difference.
    /// </summary>
    internal bool Compact { get; set; } = true;

    private sealed class Block(VectorEnv env, IExpert expert, int first, int lanes)
    {
        public readonly VectorEnv Env = env;
        public readonly IExpert Expert = expert;
        public readonly int First = first, Lanes = lanes;
        public PolicyInference? Policy;
        public readonly int[] A = new int[lanes], E = new int[lanes];
        public readonly float[] Af = new float[lanes], Ef = new float[lanes];
        public readonly bool[] Active = new bool[lanes];
        public readonly EpisodeSlots Slots = new(lanes);
    }

    /// <summary>Blocks for <paramref name="episodes"/> episodes of up to <paramref name="horizon"/> steps on <paramref name="threads"/> threads.</summary>
    public BlockedEvaluator(EnvSpec spec, int episodes, int threads, int horizon)
    {
        _blocks = [.. LaneBlocks.Create(spec, episodes, horizon).Select(p => new Block(p.Env, p.Expert, p.First, p.Count))];
        _returns = new double[episodes];
        _lengths = new double[episodes];
        _disagreement = new double[episodes];
        _pool = LaneBlocks.Pool(threads, _blocks.Length);
        _lanes = spec.Lanes;
    }

    /// <summary>The greedy <paramref name="policy"/> (its current parameters), with ε against the built-in expert.</summary>
    public EvaluationResult Evaluate(LinearPolicy policy, ulong seed)
    {
        foreach (var b in _blocks)
        {
            if (b.Policy is null || !ReferenceEquals(b.Policy.Policy, policy)) b.Policy = new PolicyInference(policy, b.Lanes);
            else b.Policy.Refresh();
        }
        return Run(policyActs: true, withExpert: true, seed);
    }

    /// <summary>The built-in expert acting alone.</summary>
    public EvaluationResult EvaluateExpert(ulong seed) => Run(policyActs: false, withExpert: false, seed);

    private EvaluationResult Run(bool policyActs, bool withExpert, ulong seed)
    {
        _policyActs = policyActs;
        _withExpert = withExpert;
        foreach (var b in _blocks) b.Env.Reset(seed);
        if (_pool is null) for (int b = 0; b < _blocks.Length; b++) ExecuteChunk(b);
        else _pool.Run(this, _blocks.Length);
        return EvaluationStats.Summarize(_returns, _lengths, _disagreement, withExpert);
    }

    /// <summary>Runs block <paramref name="block"/>'s episodes to their end (any thread; blocks share nothing).</summary>
    public void ExecuteChunk(int block)
    {
        Block b = _blocks[block];
        int first = b.First, n = b.Lanes;
        b.Slots.Compacting = Compact;
        if (Fused && _lanes is not null && _lanes.TryRunEpisodes(b.Env, _policyActs ? b.Policy : null, _withExpert, b.Slots,
                _returns.AsSpan(first, n), _lengths.AsSpan(first, n), _disagreement.AsSpan(first, n)))
            return;
        Evaluator.RunEpisodes(b.Env, _policyActs ? b.Policy : null, _policyActs ? null : b.Expert, _withExpert ? b.Expert : null,
            b.A, b.E, b.Af, b.Ef, b.Active, _returns.AsSpan(first, n), _lengths.AsSpan(first, n), _disagreement.AsSpan(first, n));
    }

    /// <summary>Releases the blocks' envs and the pool's threads.</summary>
    public void Dispose()
    {
        foreach (var b in _blocks) b.Env.Dispose();
        _pool?.Dispose();
    }
}
