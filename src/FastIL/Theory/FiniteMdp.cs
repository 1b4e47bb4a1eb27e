namespace FastIL.Theory;

/// <summary>
/// A finite MDP as explicit tables: for each (state, action) a list of (next state, probability) in compressed rows,
/// a reward r(s, a), and an initial distribution. Small enough to evaluate any deterministic policy exactly by
/// dynamic programming (<see cref="ExactEvaluation"/>).
/// </summary>
public sealed class FiniteMdp
{
    private FiniteMdp(int states, int actions, int[] offsets, int[] next, double[] probability, double[] reward, double[] initial)
    {
        StateCount = states; ActionCount = actions; Offsets = offsets; Next = next; Probability = probability; Reward = reward; Initial = initial;
    }

    /// <summary>Number of states.</summary>
    public int StateCount { get; }
    /// <summary>Number of actions (the same in every state).</summary>
    public int ActionCount { get; }
    /// <summary>Row offsets: the successors of (s, a) are entries [Offsets[s·A + a], Offsets[s·A + a + 1]).</summary>
    public int[] Offsets { get; }
    /// <summary>Successor states.</summary>
    public int[] Next { get; }
    /// <summary>Successor probabilities (each row sums to 1).</summary>
    public double[] Probability { get; }
    /// <summary>Rewards r(s, a) at index s·A + a.</summary>
    public double[] Reward { get; }
    /// <summary>Initial state distribution.</summary>
    public double[] Initial { get; }

    /// <summary>Collects transitions state by state, action by action (in increasing order), then checks them.</summary>
    public sealed class Builder(int states, int actions)
    {
        private readonly List<int> _next = [];
        private readonly List<double> _prob = [];
        private readonly int[] _offsets = new int[states * actions + 1];
        private readonly double[] _reward = new double[states * actions];
        private readonly double[] _initial = new double[states];
        private int _row = -1;

        /// <summary>Adds successor <paramref name="next"/> of (s, a) with probability <paramref name="p"/>.</summary>
        public void Add(int s, int a, int next, double p)
        {
            int row = s * actions + a;
            if (row < _row) throw new ArgumentException("transitions must be added in (state, action) order");
            if ((uint)next >= (uint)states) throw new ArgumentOutOfRangeException(nameof(next), next, "successor out of range");
            while (_row < row) _offsets[++_row] = _next.Count;
            _next.Add(next);
            _prob.Add(p);
        }

        /// <summary>Sets r(s, a).</summary>
        public void SetReward(int s, int a, double r) => _reward[s * actions + a] = r;
        /// <summary>Sets the initial probability of s.</summary>
        public void SetInitial(int s, double p) => _initial[s] = p;

        /// <summary>The MDP; every (s, a) must have successors summing to 1.</summary>
        public FiniteMdp Build()
        {
            while (_row < states * actions) _offsets[++_row] = _next.Count;
            var mdp = new FiniteMdp(states, actions, _offsets, [.. _next], [.. _prob], _reward, _initial);
            for (int row = 0; row < states * actions; row++)
            {
                double sum = 0;
                for (int e = _offsets[row]; e < _offsets[row + 1]; e++) sum += mdp.Probability[e];
                if (Math.Abs(sum - 1) > 1e-12) throw new ArgumentException($"successors of state {row / actions}, action {row % actions} sum to {sum}, not 1");
            }
            return mdp;
        }
    }
}
