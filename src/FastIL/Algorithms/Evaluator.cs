using FastIL.Envs;
using FastIL.Experts;
using FastIL.Policies;

namespace FastIL.Algorithms;

/// <summary>
/// Runs E episodes of one actor (a policy or an expert) in parallel, one episode per lane, and measures returns,
/// lengths and ε against an expert on the states actually visited. Buffers are reused across calls.
/// </summary>
public sealed class Evaluator : IDisposable
{
    private readonly VectorEnv _env;
    private readonly int[] _a, _e;
    private readonly float[] _af, _ef;
    private readonly bool[] _active;
    private readonly double[] _returns, _lengths, _disagreement;

    /// <summary>An evaluator for <paramref name="episodes"/> episodes of <paramref name="spec"/>.</summary>
    public Evaluator(EnvSpec spec, int episodes, int threads = 1, int? maxEpisodeSteps = null)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), "at least one evaluation episode");
        _env = EnvRegistry.Create(spec, episodes, new EnvOptions { AutoReset = AutoResetMode.Disabled, Threads = threads, MaxEpisodeSteps = maxEpisodeSteps });
        _a = new int[episodes]; _e = new int[episodes]; _af = new float[episodes]; _ef = new float[episodes];
        _active = new bool[episodes]; _returns = new double[episodes]; _lengths = new double[episodes]; _disagreement = new double[episodes];
    }

    /// <summary>Episodes per evaluation.</summary>
    public int Episodes => _env.NumEnvs;

    /// <summary>Each episode's return in the last evaluation (episode i ran in lane i, from the seed's reset i).</summary>
    public ReadOnlySpan<double> Returns => _returns;

    /// <summary>Evaluates the greedy policy; ε against <paramref name="expert"/> when given.</summary>
    public EvaluationResult Evaluate(PolicyInference policy, IExpert? expert, ulong seed)
        => Run(policy, null, expert, seed);

    /// <summary>Evaluates an expert acting alone.</summary>
    public EvaluationResult Evaluate(IExpert actor, ulong seed) => Run(null, actor, null, seed);

    private EvaluationResult Run(PolicyInference? policy, IExpert? actorExpert, IExpert? expert, ulong seed)
    {
        var env = _env;
        int n = env.NumEnvs;
        bool discrete = env.Spec.IsDiscrete;
        env.Reset(seed);
        Array.Fill(_active, true);
        int activeCount = n;
        Array.Clear(_disagreement);
        float lo = env.Spec.ActionLow, hi = env.Spec.ActionHigh;
        while (activeCount > 0)
        {
            if (discrete)
            {
                if (policy is not null) policy.Act(env, _a); else actorExpert!.Act(env, _a);
                if (expert is not null)
                {
                    expert.Act(env, _e);
                    for (int i = 0; i < n; i++) if (_active[i] && _a[i] != _e[i]) _disagreement[i]++;
                }
                env.Step(_a);
            }
            else
            {
                if (policy is not null) policy.Act(env, _af); else actorExpert!.Act(env, _af);
                if (expert is not null)
                {
                    expert.Act(env, _ef);
                    // Summed per lane, then over lanes (EvaluationStats): the order the device kernels sum in.
                    for (int i = 0; i < n; i++)
                        if (_active[i]) _disagreement[i] += Math.Abs(Math.Clamp(_af[i], lo, hi) - Math.Clamp(_ef[i], lo, hi));
                }
                env.Step(_af);
            }
            ReadOnlySpan<bool> term = env.Terminated, trunc = env.Truncated;
            for (int i = 0; i < n; i++)
            {
                if (!_active[i] || !(term[i] || trunc[i])) continue;
                _active[i] = false;
                activeCount--;
                _returns[i] = env.FinalReturn(i);
                _lengths[i] = env.FinalLength(i);
            }
        }
        return EvaluationStats.Summarize(_returns, _lengths, _disagreement, expert is not null);
    }

    /// <summary>Releases the env's threads.</summary>
    public void Dispose() => _env.Dispose();
}
