using FastIL.Envs;
using FastIL.Experts;
using FastIL.Parallel;
using FastIL.Policies;

namespace FastIL.Algorithms;

/// <summary>
/// <see cref="Evaluator"/>'s episodes by lane blocks, for runs with the built-in expert: each block of
/// <see cref="BlockedRollout.BlockLanes"/> episodes is a small env of its own (the same lanes and draws as one big
/// batch), with its own policy inference and expert, and a thread runs its blocks to the end of their episodes
/// without meeting the other threads. Every lane's return, length and disagreement is the one-batch evaluator's, and
/// the summary sums them in lane order, so the results are bit for bit <see cref="Evaluator"/>'s for any thread count.
/// </summary>
internal sealed class BlockedEvaluator : IChunkJob, IDisposable
{
    private readonly EnvSpec _spec;
    private readonly Block[] _blocks;
    private readonly WorkerPool? _pool;
    private readonly double[] _returns, _lengths, _disagreement;
    // The evaluation being run (read by ExecuteChunk on every thread).
    private bool _policyActs, _withExpert;

    private sealed class Block(VectorEnv env, IExpert expert, int first, int lanes)
    {
        public readonly VectorEnv Env = env;
        public readonly IExpert Expert = expert;
        public readonly int First = first, Lanes = lanes;
        public PolicyInference? Policy;
        public readonly int[] A = new int[lanes], E = new int[lanes];
        public readonly float[] Af = new float[lanes], Ef = new float[lanes];
        public readonly bool[] Active = new bool[lanes];
    }

    /// <summary>Blocks for <paramref name="episodes"/> episodes of up to <paramref name="horizon"/> steps on <paramref name="threads"/> threads.</summary>
    public BlockedEvaluator(EnvSpec spec, int episodes, int threads, int horizon)
    {
        _spec = spec;
        int lanes = BlockedRollout.BlockLanes, count = (episodes + lanes - 1) / lanes;
        _blocks = new Block[count];
        for (int b = 0; b < count; b++)
        {
            int first = b * lanes, n = Math.Min(lanes, episodes - first);
            var env = EnvRegistry.Create(spec, n, new EnvOptions { AutoReset = AutoResetMode.Disabled, Threads = 1, MaxEpisodeSteps = horizon, FirstLane = first });
            _blocks[b] = new Block(env, BuiltinExperts.For(spec, n), first, n);
        }
        _returns = new double[episodes];
        _lengths = new double[episodes];
        _disagreement = new double[episodes];
        _pool = threads > 1 && count > 1 ? new WorkerPool(Math.Min(threads, count)) : null;
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
        Array.Clear(_disagreement);
        if (_pool is null) for (int b = 0; b < _blocks.Length; b++) ExecuteChunk(b);
        else _pool.Run(this, _blocks.Length);
        return EvaluationStats.Summarize(_returns, _lengths, _disagreement, withExpert);
    }

    /// <summary>Runs block <paramref name="block"/>'s episodes to their end (any thread; blocks share nothing).</summary>
    public void ExecuteChunk(int block)
    {
        Block b = _blocks[block];
        VectorEnv env = b.Env;
        int n = b.Lanes, first = b.First;
        bool discrete = _spec.IsDiscrete, policyActs = _policyActs, withExpert = _withExpert;
        float lo = _spec.ActionLow, hi = _spec.ActionHigh;
        Array.Fill(b.Active, true);
        int activeCount = n;
        Span<double> dis = _disagreement.AsSpan(first, n);
        while (activeCount > 0)
        {
            // The same per-lane arithmetic as Evaluator.Run.
            if (discrete)
            {
                if (policyActs) b.Policy!.Act(env, b.A); else b.Expert.Act(env, b.A);
                if (withExpert)
                {
                    b.Expert.Act(env, b.E);
                    for (int i = 0; i < n; i++) if (b.Active[i] && b.A[i] != b.E[i]) dis[i]++;
                }
                env.Step(b.A);
            }
            else
            {
                if (policyActs) b.Policy!.Act(env, b.Af); else b.Expert.Act(env, b.Af);
                if (withExpert)
                {
                    b.Expert.Act(env, b.Ef);
                    for (int i = 0; i < n; i++)
                        if (b.Active[i]) dis[i] += Math.Abs(Math.Clamp(b.Af[i], lo, hi) - Math.Clamp(b.Ef[i], lo, hi));
                }
                env.Step(b.Af);
            }
            ReadOnlySpan<bool> term = env.Terminated, trunc = env.Truncated;
            for (int i = 0; i < n; i++)
            {
                if (!b.Active[i] || !(term[i] || trunc[i])) continue;
                b.Active[i] = false;
                activeCount--;
                _returns[first + i] = env.FinalReturn(i);
                _lengths[first + i] = env.FinalLength(i);
            }
        }
    }

    /// <summary>Releases the blocks' envs and the pool's threads.</summary>
    public void Dispose()
    {
        foreach (var b in _blocks) b.Env.Dispose();
        _pool?.Dispose();
    }
}
