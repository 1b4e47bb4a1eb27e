using FastIL.Random;

namespace FastIL.Envs.Tabular;

/// <summary>Parameters of a <see cref="DriftRing"/>; the defaults are the registered <c>DriftRing-v0</c>.</summary>
public sealed record DriftRingParameters
{
    /// <summary>Positions n on the ring (the road); the state space has 2n states (on or off the road).</summary>
    public int Positions { get; init; } = 4096;
    /// <summary>The road's turns repeat every <c>Period</c> positions (a coarse sensor with this many cells sees them all).</summary>
    public int Period { get; init; } = 8;
    /// <summary>Hazards k: positions where the turn breaks the pattern. A learner that only sees the pattern errs there: ε* = k/n.</summary>
    public int Hazards { get; init; } = 8;
    /// <summary>Probability that a step on the road slips off it whatever the action (0: the expert never leaves the road).</summary>
    public double Slip { get; init; }
    /// <summary>Seed of the layout (the turn pattern and where the hazards are).</summary>
    public ulong Layout { get; init; }
    /// <summary>Default time limit (the horizon H when a run names none).</summary>
    public int MaxEpisodeSteps { get; init; } = 100;

    /// <summary>Largest number of positions (positions are exact in a float32 observation below 2²⁴).</summary>
    public const int MaxPositions = 1 << 22;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first parameter out of range.</summary>
    public void Validate()
    {
        if (Positions is < 2 or > MaxPositions) throw new ArgumentException($"positions must be in [2, {MaxPositions}]; got {Positions}");
        if (Period < 1 || Period > Positions) throw new ArgumentException($"period must be in [1, positions = {Positions}]; got {Period}");
        if (Hazards < 0 || Hazards > Positions / 2) throw new ArgumentException($"hazards must be in [0, positions/2 = {Positions / 2}]; got {Hazards}");
        if (!(Slip >= 0 && Slip <= 1)) throw new ArgumentException($"slip must be a probability in [0, 1]; got {Slip}");
        if (MaxEpisodeSteps < 1) throw new ArgumentException($"max episode steps must be ≥ 1; got {MaxEpisodeSteps}");
    }
}

/// <summary>
/// DriftRing: a tabular, finite-horizon MDP built to show distribution shift exactly (the chapter's driving story).
/// A car drives round a ring road of n positions, one position per step. On the road at position i the expert
/// steers a*(i) ∈ {0, 1} (the road's turn there); steering right keeps the car on the road (reward 1), steering
/// wrong puts it in the ditch beside position i + 1 (that step still earns its 1; every step in the ditch earns 0).
/// In the ditch at position i, the recovery action b*(i) = 1 − a*(i) (steer back) returns the car to the road at
/// i + 1; the other action keeps it in the ditch. With probability <see cref="DriftRingParameters.Slip"/> a road
/// step ends in the ditch whatever the action. The car starts on the road at a uniform position.
/// <para>
/// The turns follow a pattern of period P, c(i mod P), broken at k <em>hazards</em> (one in the first half of each
/// of k equal arcs, so hazards are at least n/(2k) apart). The observation is (position, off_road): a learner over
/// <c>coarse:P</c> features sees the pattern but cannot tell a hazard from its cell's other positions, so even with
/// unlimited data it errs at hazards: ε = k/n on the expert's (uniform) positions. BC sees only the road; in the ditch
/// its ditch weights are untouched, so it keeps steering as on the road, which is wrong there: it stays in the ditch
/// until the next hazard (gap ≈ ε·H²/2 while Hε is small). DAgger labels the ditch states its own mistakes reach and
/// recovers in one step (gap ≈ ε·H). The position advances by one every step whatever happens, so the position is
/// uniform at every step under any policy.
/// </para>
/// </summary>
public sealed class DriftRing
{
    /// <summary>Gymnasium-style id of the family.</summary>
    public const string Id = "DriftRing-v0";

    private const ulong PatternStream = 0xD12F7, HazardStream = 0x4A2A4D;
    private readonly byte[] _roadAction;
    private readonly bool[] _hazard;

    /// <summary>The registered default (<see cref="DriftRingParameters"/>' defaults).</summary>
    public static DriftRing Default { get; } = new(new DriftRingParameters());

    /// <summary>Builds the MDP of <paramref name="parameters"/> (validated).</summary>
    public DriftRing(DriftRingParameters parameters)
    {
        parameters.Validate();
        Parameters = parameters;
        int n = parameters.Positions, p = parameters.Period, k = parameters.Hazards;
        _roadAction = new byte[n];
        _hazard = new bool[n];
        for (int i = 0; i < n; i++) _roadAction[i] = (byte)(CounterRng.Bits(parameters.Layout, PatternStream, (ulong)(i % p), 0) & 1);
        if (k > 0)
        {
            int arc = n / k, half = Math.Max(1, arc / 2);
            for (int j = 0; j < k; j++)
            {
                int h = j * arc + (int)(CounterRng.Uniform(parameters.Layout, HazardStream, (ulong)j, 0) * half);
                _hazard[h] = true;
                _roadAction[h] ^= 1;
            }
        }
        Spec = new EnvSpec
        {
            Id = Id, MaxEpisodeSteps = parameters.MaxEpisodeSteps,
            StateNames = ["position", "off_road"], ObservationNames = ["position", "off_road"],
            ObservationLow = [0, 0], ObservationHigh = [n - 1, 1],
            ActionCount = 2, HasSimdPaths = false,
            // Documentation only: DriftRingEnv draws the start position uniformly from the integers [0, n).
            ResetLow = [0, 0], ResetHigh = [n, 0],
            CreateBatch = (spec, lanes, options) => new DriftRingEnv(this, spec, lanes, options),
            CreateExpert = _ => new DriftRingExpert(this),
            // Logistic over the coarse sensor the ring's turn pattern is built for: errs only at hazards.
            Defaults = new Algorithms.ImitationConfig { Env = Id, Iterations = 4, Rollouts = 32, Policy = Policies.PolicyKind.Logistic, Features = "coarse:8", L2 = 1e-6, SelectBest = false },
        };
    }

    /// <summary>The parameters.</summary>
    public DriftRingParameters Parameters { get; }
    /// <summary>The env spec (id, spaces, time limit) whose batches and expert are this MDP's.</summary>
    public EnvSpec Spec { get; }
    /// <summary>Number of positions n.</summary>
    public int Positions => Parameters.Positions;
    /// <summary>Number of states, 2n: state i is position i on the road, state n + i position i in the ditch.</summary>
    public int StateCount => 2 * Parameters.Positions;
    /// <summary>ε* = k/n: the expert-distribution error of the best policy over <c>coarse:Period</c> features.</summary>
    public double HazardFraction => (double)Parameters.Hazards / Parameters.Positions;

    /// <summary>Whether position i is a hazard (its turn breaks the pattern).</summary>
    public bool IsHazard(int position) => _hazard[position];

    /// <summary>The expert's action: the road's turn a*(i) on the road, the recovery 1 − a*(i) in the ditch.</summary>
    public int ExpertAction(int position, bool offRoad) => _roadAction[position] ^ (offRoad ? 1 : 0);

    /// <summary>Reward of acting in (position, offRoad): 1 on the road, 0 in the ditch (any action).</summary>
    public static double Reward(bool offRoad) => offRoad ? 0.0 : 1.0;

    /// <summary>
    /// One transition: the next position is always i + 1 (mod n); the car is on the road next iff it acted as the
    /// expert would and (on the road) did not slip.
    /// </summary>
    public int NextPosition(int position) => position + 1 == Parameters.Positions ? 0 : position + 1;

    /// <summary>Whether the car is off the road after acting <paramref name="action"/> in (position, offRoad).</summary>
    public bool NextOffRoad(int position, bool offRoad, int action, bool slipped)
        => action != ExpertAction(position, offRoad) || (!offRoad && slipped);

    /// <summary>The state index of (position, offRoad).</summary>
    public int StateIndex(int position, bool offRoad) => offRoad ? Parameters.Positions + position : position;

    /// <summary>The expert's action in every state, by state index.</summary>
    public int[] ExpertTable()
    {
        var t = new int[StateCount];
        for (int s = 0; s < t.Length; s++) t[s] = ExpertAction(s % Positions, s >= Positions);
        return t;
    }

    /// <summary>The observation columns (position, off_road) of every state, by state index.</summary>
    public float[][] ObservationTable()
    {
        var pos = new float[StateCount];
        var off = new float[StateCount];
        for (int s = 0; s < pos.Length; s++) { pos[s] = s % Positions; off[s] = s >= Positions ? 1 : 0; }
        return [pos, off];
    }

    /// <summary>The MDP as explicit tables, for exact dynamic programming.</summary>
    public Theory.FiniteMdp ToFiniteMdp()
    {
        int n = Positions, states = StateCount;
        double slip = Parameters.Slip;
        var b = new Theory.FiniteMdp.Builder(states, 2);
        for (int s = 0; s < states; s++)
        {
            int i = s % n;
            bool off = s >= n;
            int next = NextPosition(i);
            for (int a = 0; a < 2; a++)
            {
                bool offIfNoSlip = NextOffRoad(i, off, a, slipped: false), offIfSlip = NextOffRoad(i, off, a, slipped: true);
                if (offIfNoSlip == offIfSlip || slip == 0) b.Add(s, a, StateIndex(next, offIfNoSlip), 1.0);
                else if (slip == 1) b.Add(s, a, StateIndex(next, offIfSlip), 1.0);
                else
                {
                    b.Add(s, a, StateIndex(next, offIfNoSlip), 1 - slip);
                    b.Add(s, a, StateIndex(next, offIfSlip), slip);
                }
                b.SetReward(s, a, Reward(off));
            }
        }
        for (int i = 0; i < n; i++) b.SetInitial(i, 1.0 / n);
        return b.Build();
    }
}
