using System.Runtime.CompilerServices;
using FastIL.Random;

namespace FastIL.Envs.Tabular;

/// <summary>
/// A batch of <see cref="DriftRing"/> lanes, struct-of-arrays: integer position and off-road columns, float32
/// observation columns, Gymnasium's episode bookkeeping and auto-reset modes as <see cref="BatchedEnv{TDyn,T}"/>.
/// A step is a table look-up per lane, so it runs on one thread (<see cref="EnvOptions.Threads"/> is accepted and
/// ignored) on the scalar path. Lane l's k-th episode starts at position ⌊n·u⌋ with u the first draw of the
/// counter-based key (seed, FirstLane + l, k); its slip at step t uses draw t + 1 of the same key, so results never
/// depend on the batch split.
/// </summary>
public sealed class DriftRingEnv : VectorEnv
{
    private readonly DriftRing _mdp;
    private readonly int _n;
    private readonly int _maxSteps;
    private readonly int[] _pos, _elapsed, _finalLength;
    private readonly bool[] _off, _terminated, _truncated;
    private readonly float[] _obsPos, _obsOff, _finalPos, _finalOff;
    private readonly double[] _reward, _return, _finalReturn;
    private readonly long[] _episode;
    private readonly ulong[] _key;
    private ulong _seed;

    /// <summary>Creates a batch; prefer <see cref="EnvRegistry.Create(EnvSpec, int, EnvOptions?)"/> with the ring's spec.</summary>
    public DriftRingEnv(DriftRing mdp, EnvSpec spec, int numEnvs, EnvOptions options) : base(spec, numEnvs, options)
    {
        if (options.Path is SimdPath.Vector256 or SimdPath.Vector512) throw new ArgumentException($"{spec.Id} is tabular: it steps on the scalar path only");
        if (options.Precision == Precision.Float64) throw new ArgumentException($"{spec.Id} has an integer state: float64 precision does not apply");
        _mdp = mdp;
        _n = mdp.Positions;
        _maxSteps = options.MaxEpisodeSteps ?? spec.MaxEpisodeSteps;
        _pos = new int[numEnvs]; _elapsed = new int[numEnvs]; _finalLength = new int[numEnvs];
        _off = new bool[numEnvs]; _terminated = new bool[numEnvs]; _truncated = new bool[numEnvs];
        _obsPos = new float[numEnvs]; _obsOff = new float[numEnvs]; _finalPos = new float[numEnvs]; _finalOff = new float[numEnvs];
        _reward = new double[numEnvs]; _return = new double[numEnvs]; _finalReturn = new double[numEnvs];
        _episode = new long[numEnvs];
        _key = new ulong[numEnvs];
        Reset(0);
    }

    /// <inheritdoc/>
    public override SimdPath Path => SimdPath.Scalar;

    /// <inheritdoc/>
    public override void Reset(ulong seed)
    {
        _seed = seed;
        Array.Clear(_episode);
        for (int lane = 0; lane < NumEnvs; lane++) ResetLane(lane);
        Array.Clear(_terminated); Array.Clear(_truncated); Array.Clear(_reward);
        EpisodesCompleted = 0;
        StepCount = 0;
    }

    /// <inheritdoc/>
    public override void Reset(ReadOnlySpan<bool> mask)
    {
        CheckLength(mask.Length, "mask");
        for (int lane = 0; lane < NumEnvs; lane++)
        {
            if (!mask[lane]) continue;
            ResetLane(lane);
            _terminated[lane] = _truncated[lane] = false;
            _reward[lane] = 0;
        }
    }

    private void ResetLane(int lane)
    {
        ulong key = CounterRng.Key(_seed, (ulong)(Options.FirstLane + lane), (ulong)_episode[lane]);
        _key[lane] = key;
        _pos[lane] = (int)(CounterRng.UniformFromKey(key, 0) * _n);
        _off[lane] = false;
        _elapsed[lane] = 0;
        _return[lane] = 0;
        Observe(lane);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Observe(int lane)
    {
        _obsPos[lane] = _pos[lane];
        _obsOff[lane] = _off[lane] ? 1f : 0f;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step(ReadOnlySpan<int> actions)
    {
        CheckLength(actions.Length, "actions");
        int bad = ActionCheck.FirstOutOfRange(actions, 2);
        if (bad >= 0) throw new ArgumentOutOfRangeException(nameof(actions), $"{Spec.Id} actions must be in [0, 1]; lane {bad} has {actions[bad]}");
        var mode = Options.AutoReset;
        long ended = 0;
        for (int lane = 0; lane < NumEnvs; lane++)
        {
            if (mode == AutoResetMode.NextStep && (_terminated[lane] || _truncated[lane]))
            {
                // Gymnasium's next-step auto-reset: this step starts the next episode instead of stepping.
                _episode[lane]++;
                ResetLane(lane);
                _terminated[lane] = _truncated[lane] = false;
                _reward[lane] = 0;
                continue;
            }
            Advance(lane, actions[lane]);
            double r = _reward[lane];
            _return[lane] += r;
            _elapsed[lane]++;
            _truncated[lane] = _maxSteps > 0 && _elapsed[lane] >= _maxSteps;
            _terminated[lane] = false;   // the ring never ends by itself: episodes end at the horizon
            if (!_truncated[lane]) continue;
            ended++;
            _finalReturn[lane] = _return[lane];
            _finalLength[lane] = _elapsed[lane];
            if (mode == AutoResetMode.SameStep)
            {
                _finalPos[lane] = _obsPos[lane];
                _finalOff[lane] = _obsOff[lane];
                _episode[lane]++;
                ResetLane(lane);
            }
        }
        EpisodesCompleted += ended;
        StepCount++;
    }

    /// <summary>The transition of one lane: reward of the current state, slip draw, next position and side of the road.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Advance(int lane, int action)
    {
        int i = _pos[lane];
        bool off = _off[lane];
        double slip = _mdp.Parameters.Slip;
        bool slipped = !off && slip > 0 && CounterRng.UniformFromKey(_key[lane], (ulong)_elapsed[lane] + 1) < slip;
        _reward[lane] = DriftRing.Reward(off);
        _off[lane] = _mdp.NextOffRoad(i, off, action, slipped);
        _pos[lane] = _mdp.NextPosition(i);
        Observe(lane);
    }

    /// <inheritdoc/>
    public override void Step(ReadOnlySpan<float> actions) => throw new InvalidOperationException($"{Spec.Id} has a discrete action space: pass int actions");

    /// <inheritdoc/>
    public override void StepDynamics(ReadOnlySpan<double> actions)
    {
        CheckLength(actions.Length, "actions");
        for (int lane = 0; lane < NumEnvs; lane++)
        {
            double a = actions[lane];
            if (a is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(actions), $"{Spec.Id} actions must be 0 or 1; lane {lane} has {a}");
            Advance(lane, (int)a);
            _elapsed[lane]++;
        }
    }

    /// <inheritdoc/>
    public override ReadOnlySpan<float> Observation(int j) => j switch
    {
        0 => _obsPos,
        1 => _obsOff,
        _ => throw new ArgumentOutOfRangeException(nameof(j), j, $"{Spec.Id} has 2 observation components"),
    };

    /// <inheritdoc/>
    public override ReadOnlySpan<float> FinalObservation(int j)
    {
        if (Options.AutoReset != AutoResetMode.SameStep) throw new InvalidOperationException("final observations are kept in same-step auto-reset mode only");
        return j switch
        {
            0 => _finalPos,
            1 => _finalOff,
            _ => throw new ArgumentOutOfRangeException(nameof(j), j, $"{Spec.Id} has 2 observation components"),
        };
    }

    /// <inheritdoc/>
    public override ReadOnlySpan<bool> Terminated => _terminated;
    /// <inheritdoc/>
    public override ReadOnlySpan<bool> Truncated => _truncated;
    /// <inheritdoc/>
    public override double Reward(int lane) => _reward[lane];
    /// <inheritdoc/>
    public override void CopyRewards(Span<double> destination)
    {
        CheckLength(destination.Length, "destination");
        _reward.CopyTo(destination);
    }
    /// <inheritdoc/>
    public override double EpisodeReturn(int lane) => _return[lane];
    /// <inheritdoc/>
    public override int EpisodeLength(int lane) => _elapsed[lane];
    /// <inheritdoc/>
    public override double FinalReturn(int lane) => _finalReturn[lane];
    /// <inheritdoc/>
    public override int FinalLength(int lane) => _finalLength[lane];

    /// <inheritdoc/>
    public override void GetState(int lane, Span<double> state)
    {
        state[0] = _pos[lane];
        state[1] = _off[lane] ? 1 : 0;
    }

    /// <inheritdoc/>
    public override void SetState(int lane, ReadOnlySpan<double> state)
    {
        if (state.Length != 2) throw new ArgumentException($"{Spec.Id} has 2 state variables; got {state.Length}");
        double p = state[0], o = state[1];
        if (!(p >= 0 && p < _n && p == Math.Floor(p))) throw new ArgumentException($"{Spec.Id}: position must be a whole number in [0, {_n - 1}]; got {p}");
        if (o is not (0 or 1)) throw new ArgumentException($"{Spec.Id}: off_road must be 0 or 1; got {o}");
        _pos[lane] = (int)p;
        _off[lane] = o == 1;
        Observe(lane);
    }

    private void CheckLength(int length, string what)
    {
        if (length != NumEnvs) throw new ArgumentException($"{what} has length {length}; the batch has {NumEnvs} envs");
    }

    /// <summary>The positions of every lane (for tests and tabular tools).</summary>
    public ReadOnlySpan<int> Positions => _pos;
    /// <summary>Whether each lane is off the road.</summary>
    public ReadOnlySpan<bool> OffRoad => _off;
}
