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
        _env.Reset(seed);
        RunEpisodes(_env, policy, actorExpert, expert, _a, _e, _af, _ef, _active, _returns, _lengths, _disagreement);
        return EvaluationStats.Summarize(_returns, _lengths, _disagreement, expert is not null);
    }

    /// <summary>
    /// One episode per lane of <paramref name="env"/> (already reset) until all have ended, acting with
    /// <paramref name="policy"/> or else <paramref name="actorExpert"/>: each lane's return, length and, when
    /// <paramref name="expert"/> is given, its disagreement with it on the visited states. The other spans are scratch
    /// of the env's lane count. Shared by this evaluator and <see cref="BlockedEvaluator"/>'s blocks.
    /// </summary>
    internal static void RunEpisodes(VectorEnv env, PolicyInference? policy, IExpert? actorExpert, IExpert? expert,
        Span<int> a, Span<int> e, Span<float> af, Span<float> ef, Span<bool> active, Span<double> returns, Span<double> lengths, Span<double> disagreement)
    {
        int n = env.NumEnvs;
        bool discrete = env.Spec.IsDiscrete;
        active.Fill(true);
        int activeCount = n;
        disagreement.Clear();
        float lo = env.Spec.ActionLow, hi = env.Spec.ActionHigh;
        while (activeCount > 0)
        {
            if (discrete)
            {
                if (policy is not null) policy.Act(env, a); else actorExpert!.Act(env, a);
                if (expert is not null)
                {
                    expert.Act(env, e);
                    for (int i = 0; i < n; i++) if (active[i] && a[i] != e[i]) disagreement[i]++;
                }
                env.Step(a);
            }
            else
            {
                if (policy is not null) policy.Act(env, af); else actorExpert!.Act(env, af);
                if (expert is not null)
                {
                    expert.Act(env, ef);
                    // Summed per lane, then over lanes (EvaluationStats): the order the device kernels sum in.
                    for (int i = 0; i < n; i++)
                        if (active[i]) disagreement[i] += Math.Abs(Math.Clamp(af[i], lo, hi) - Math.Clamp(ef[i], lo, hi));
                }
                env.Step(af);
            }
            ReadOnlySpan<bool> term = env.Terminated, trunc = env.Truncated;
            for (int i = 0; i < n; i++)
            {
                if (!active[i] || !(term[i] || trunc[i])) continue;
                active[i] = false;
                activeCount--;
                returns[i] = env.FinalReturn(i);
                lengths[i] = env.FinalLength(i);
            }
        }
    }

    /// <summary>Releases the env's threads.</summary>
    public void Dispose() => _env.Dispose();
}
