using System.Diagnostics;
using FastIL.Algorithms;
using FastIL.Envs.Tabular;
using FastIL.Policies;
using FastIL.Random;

namespace FastIL.Theory;

/// <summary>What <see cref="TheoryExperiment"/> runs: the ring, the horizons, the label budget and the learner.</summary>
public sealed record TheoryConfig
{
    /// <summary>The DriftRing MDP.</summary>
    public DriftRingParameters Env { get; init; } = new();
    /// <summary>Horizons H, each a separate experiment.</summary>
    public int[] Horizons { get; init; } = [10, 20, 50, 100, 200, 500, 1000];
    /// <summary>Seeds per horizon (seeds Seed … Seed + Seeds − 1); rows report means over them.</summary>
    public int Seeds { get; init; } = 3;
    /// <summary>First seed.</summary>
    public ulong Seed { get; init; }
    /// <summary>
    /// Expert labels per method and horizon, rounded up to whole trajectories: DAgger runs <see cref="Iterations"/>
    /// iterations of r = ⌈labels / (H · iterations)⌉ trajectories, BC gets iterations · r expert demonstrations, so
    /// both label exactly iterations · r · H states. A fixed budget in labels (not trajectories) gives DAgger the
    /// same expected number of its own mistakes to learn from at every horizon.
    /// </summary>
    public int Labels { get; init; } = 32768;
    /// <summary>DAgger iterations (β = 1 in the first, 0 after: the indicator schedule).</summary>
    public int Iterations { get; init; } = 4;
    /// <summary>The learner's feature map (logistic policy); <c>coarse:Period</c> aliases hazards with their cell.</summary>
    public string Features { get; init; } = "coarse:8";
    /// <summary>λ of the learner's (λ/2)‖w‖² penalty.</summary>
    public double L2 { get; init; } = 1e-6;
    /// <summary>Monte Carlo episodes per policy for the sampled check of each exact value.</summary>
    public int McEpisodes { get; init; } = 4096;
    /// <summary>Threads (gradient passes); results do not depend on it.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Largest design matrix <see cref="Validate"/> lets the trainer build (2 GiB).</summary>
    public const long MaxTrainerBytes = 2L << 30;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        Env.Validate();
        if (Horizons.Length == 0) throw new ArgumentException("horizons: give at least one horizon");
        foreach (int h in Horizons)
            if (h is < 1 or > 100_000) throw new ArgumentException($"horizons must be in [1, 100000]; got {h}");
        if (Seeds is < 1 or > 1000) throw new ArgumentException($"seeds must be in [1, 1000]; got {Seeds}");
        if (Labels is < 1 or > 10_000_000) throw new ArgumentException($"labels must be in [1, 10000000]; got {Labels}");
        if (Iterations is < 2 or > 100) throw new ArgumentException($"iterations must be in [2, 100] (DAgger's first iteration is the expert's); got {Iterations}");
        if (McEpisodes is < 2 or > 1_000_000) throw new ArgumentException($"Monte Carlo episodes must be in [2, 1000000]; got {McEpisodes}");
        if (!(L2 >= 0 && L2 <= 1e6)) throw new ArgumentException($"l2 must be in [0, 1e6]; got {L2}");
        if (Threads is < 1 or > 1024) throw new ArgumentException($"threads must be in [1, 1024]; got {Threads}");
        FeatureMap map;
        try { map = FeatureMap.Parse(Features, 2, 0); }
        catch (FormatException e) { throw new ArgumentException(e.Message); }
        // The trainer holds every feature of every labelled state as a double: refuse before any work what cannot fit.
        long maxRows = 0;
        foreach (int h in Horizons) maxRows = Math.Max(maxRows, (long)Iterations * TrajectoriesPerIteration(h) * h);
        long bytes = maxRows * (map.OutputDim + 2) * sizeof(double);
        if (bytes > MaxTrainerBytes)
            throw new ArgumentException($"{maxRows} labelled states × {map.OutputDim} features ({Features}) need about {bytes >> 20} MiB in the trainer; the limit is {MaxTrainerBytes >> 20} MiB: use fewer labels or cells");
    }

    /// <summary>DAgger's trajectories per iteration at horizon H.</summary>
    public int TrajectoriesPerIteration(int horizon) => (int)((Labels + (long)horizon * Iterations - 1) / ((long)horizon * Iterations));
}

/// <summary>One method's figures at one horizon (means over seeds in a <see cref="TheoryRow"/>).</summary>
/// <param name="Epsilon">ε: the policy's disagreement with the expert under the expert's state distribution, averaged over t (exact).</param>
/// <param name="EpsilonOwn">The same under the policy's own state distribution (exact).</param>
/// <param name="ValueGap">V(expert) − V(policy), exact (dynamic programming).</param>
/// <param name="ValueGapMc">The same from FastIL's batched rollouts, both actors on the same reset seeds.</param>
/// <param name="ValueGapMcSe">Standard error of <paramref name="ValueGapMc"/> (of the mean of paired differences).</param>
/// <param name="Labels">Expert labels the policy was trained on.</param>
/// <param name="EpsilonOwnMc">ε on the policy's own states as the rollouts measured it.</param>
public readonly record struct MethodResult(double Epsilon, double EpsilonOwn, double ValueGap, double ValueGapMc, double ValueGapMcSe, long Labels, double EpsilonOwnMc);

/// <summary>One horizon.</summary>
/// <param name="Horizon">H.</param>
/// <param name="ExpertValue">V(expert), exact.</param>
/// <param name="Recoverability">u: the most one deviation from the expert can cost its continuation (exact).</param>
/// <param name="Bc">Behavioural cloning, means over seeds.</param>
/// <param name="Dagger">DAgger, means over seeds.</param>
/// <param name="PerSeed">Each seed's figures.</param>
public sealed record TheoryRow(int Horizon, double ExpertValue, double Recoverability, MethodResult Bc, MethodResult Dagger, IReadOnlyList<(MethodResult Bc, MethodResult Dagger)> PerSeed)
{
    /// <summary>The chapter's bound on BC's gap: H²·ε_bc.</summary>
    public double BoundBc => (double)Horizon * Horizon * Bc.Epsilon;
    /// <summary>The performance-difference bound on DAgger's gap: u·H·ε_own (its error on its own states).</summary>
    public double BoundDagger => Recoverability * Horizon * Dagger.EpsilonOwn;
}

/// <summary>The whole experiment.</summary>
/// <param name="Config">What ran.</param>
/// <param name="HazardFraction">k/n: the ε a coarse learner with unlimited data reaches.</param>
/// <param name="Rows">One per horizon, in the order given.</param>
/// <param name="BcSlope">Log-log slope of BC's exact gap over the horizons with H·ε_bc ≤ 0.3 (NaN with fewer than two).</param>
/// <param name="DaggerSlope">Log-log slope of DAgger's exact gap over all horizons.</param>
/// <param name="GapRatio">BC's gap over DAgger's at the largest horizon.</param>
/// <param name="WallSeconds">Wall-clock time of the experiment.</param>
public sealed record TheoryResult(TheoryConfig Config, double HazardFraction, IReadOnlyList<TheoryRow> Rows, double BcSlope, double DaggerSlope, double GapRatio, double WallSeconds)
{
    /// <summary>The H·ε limit of the quadratic regime that <see cref="BcSlope"/> is fitted over.</summary>
    public const double QuadraticRegime = 0.3;
}

/// <summary>
/// The chapter's two questions answered exactly on <see cref="DriftRing"/>: for each horizon H, BC on expert
/// demonstrations and DAgger with the same label budget are trained by FastIL's own runner and trainer; their greedy
/// policies are then evaluated exactly by dynamic programming (value gap, ε on the expert's and on their own state
/// distributions) and by FastIL's batched rollouts as a sampled check.
/// </summary>
public static class TheoryExperiment
{
    private const ulong McStream = 0x3C3C;

    /// <summary>Runs the experiment; <paramref name="onRow"/> sees each horizon's row as it completes.</summary>
    public static TheoryResult Run(TheoryConfig config, Action<TheoryRow>? onRow = null)
    {
        config.Validate();
        var wall = Stopwatch.StartNew();
        var ring = new DriftRing(config.Env);
        FiniteMdp mdp = ring.ToFiniteMdp();
        int[] expert = ring.ExpertTable();
        var states = new ArrayColumns(ring.ObservationTable(), ring.StateCount);
        var expertActor = new DriftRingExpert(ring);
        var rows = new List<TheoryRow>(config.Horizons.Length);
        using var ws = new ImitationWorkspace();
        foreach (int h in config.Horizons)
        {
            double expertValue = ExactEvaluation.Forward(mdp, expert, expert, h).Value;
            double u = ExactEvaluation.Recoverability(mdp, expert, h);
            using var evaluator = new Evaluator(ring.Spec, config.McEpisodes, config.Threads, h);
            var perSeed = new List<(MethodResult, MethodResult)>(config.Seeds);
            for (int k = 0; k < config.Seeds; k++)
            {
                ulong seed = config.Seed + (ulong)k;
                int r = config.TrajectoriesPerIteration(h);
                var dagger = new ImitationConfig
                {
                    Algorithm = Algorithm.Dagger, Env = DriftRing.Id, Iterations = config.Iterations, Rollouts = r, Horizon = h,
                    Beta = BetaSchedule.Indicator, Policy = PolicyKind.Logistic, Features = config.Features, Standardize = false,
                    L2 = config.L2, EvalEpisodes = 16, Seed = seed, Threads = config.Threads, SelectBest = false,
                };
                var bc = dagger with { Algorithm = Algorithm.BC, Iterations = 1, Rollouts = config.Iterations * r };
                ulong mcSeed = CounterRng.Bits(seed, McStream, (ulong)h, 0);
                MethodResult Measure(ImitationConfig c)
                {
                    RunResult run = ImitationRunner.Run(c, expertActor, workspace: ws, env: ring.Spec);
                    return Evaluate(mdp, expert, states, run, h, evaluator, expertActor, mcSeed);
                }
                perSeed.Add((Measure(bc), Measure(dagger)));
            }
            var row = new TheoryRow(h, expertValue, u, Mean(perSeed, 0), Mean(perSeed, 1), perSeed);
            rows.Add(row);
            onRow?.Invoke(row);
        }
        double bcSlope = Slope(rows.Where(x => x.Horizon * x.Bc.Epsilon <= TheoryResult.QuadraticRegime).Select(x => (x.Horizon, x.Bc.ValueGap)));
        double daggerSlope = Slope(rows.Select(x => (x.Horizon, x.Dagger.ValueGap)));
        TheoryRow last = rows.MaxBy(x => x.Horizon)!;
        return new TheoryResult(config, ring.HazardFraction, rows, bcSlope, daggerSlope, last.Bc.ValueGap / last.Dagger.ValueGap, wall.Elapsed.TotalSeconds);
    }

    /// <summary>Exact and sampled figures of one trained policy.</summary>
    private static MethodResult Evaluate(FiniteMdp mdp, int[] expert, ArrayColumns states, RunResult run, int horizon, Evaluator evaluator, DriftRingExpert expertActor, ulong mcSeed)
    {
        // The greedy policy's action in every state, by the same inference the rollouts use.
        var inference = new PolicyInference(run.Policy, states.RowCount);
        var table = new int[states.RowCount];
        inference.Act(states, table);
        double expertValue = ExactEvaluation.Forward(mdp, expert, expert, horizon).Value;
        double epsilon = ExactEvaluation.Forward(mdp, expert, table, horizon).Disagreement;
        var own = ExactEvaluation.Forward(mdp, table, expert, horizon);

        var mcInference = new PolicyInference(run.Policy, evaluator.Episodes);
        EvaluationResult policyEval = evaluator.Evaluate(mcInference, expertActor, mcSeed);
        double[] policyReturns = evaluator.Returns.ToArray();
        evaluator.Evaluate(expertActor, mcSeed);
        ReadOnlySpan<double> expertReturns = evaluator.Returns;
        int e = policyReturns.Length;
        double mean = 0;
        for (int i = 0; i < e; i++) mean += expertReturns[i] - policyReturns[i];
        mean /= e;
        double ss = 0;
        for (int i = 0; i < e; i++) { double d = expertReturns[i] - policyReturns[i] - mean; ss += d * d; }
        double se = Math.Sqrt(ss / (e - 1) / e);
        return new MethodResult(epsilon, own.Disagreement, expertValue - own.Value, mean, se, run.Iterations[^1].DatasetSize, policyEval.Disagreement);
    }

    private static MethodResult Mean(List<(MethodResult Bc, MethodResult Dagger)> seeds, int which)
    {
        int n = seeds.Count;
        double eps = 0, own = 0, gap = 0, mc = 0, se2 = 0, ownMc = 0;
        long labels = 0;
        foreach (var s in seeds)
        {
            MethodResult m = which == 0 ? s.Bc : s.Dagger;
            eps += m.Epsilon; own += m.EpsilonOwn; gap += m.ValueGap; mc += m.ValueGapMc; se2 += m.ValueGapMcSe * m.ValueGapMcSe; ownMc += m.EpsilonOwnMc;
            labels += m.Labels;
        }
        // The seeds' estimates are independent: the standard error of their mean is √(Σ se²) / n.
        return new MethodResult(eps / n, own / n, gap / n, mc / n, Math.Sqrt(se2) / n, labels / n, ownMc / n);
    }

    /// <summary>Least-squares slope of ln y over ln x; NaN with fewer than two points or a non-positive y.</summary>
    public static double Slope(IEnumerable<(int X, double Y)> points)
    {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        foreach (var (x, y) in points)
        {
            if (!(y > 0)) return double.NaN;
            double lx = Math.Log(x), ly = Math.Log(y);
            sx += lx; sy += ly; sxx += lx * lx; sxy += lx * ly; n++;
        }
        if (n < 2) return double.NaN;
        double den = n * sxx - sx * sx;
        return den == 0 ? double.NaN : (n * sxy - sx * sy) / den;
    }
}
