using System.Diagnostics;
using FastIL.Envs;
using FastIL.Experts;
using FastIL.Learning;
using FastIL.Policies;
using FastIL.Random;

namespace FastIL.Algorithms;

/// <summary>
/// Runs BC and DAgger. Each iteration rolls out all its trajectories at once as lanes of one batch (mixing expert
/// and policy with probability β per lane per step, or per trajectory), labels every visited state with the
/// expert's action, appends them to one aggregate <see cref="Dataset"/> and refits the policy warm-started.
/// Everything random derives from the config's seed through counter-based hashes, so a run is bit-identical
/// for any thread count.
/// </summary>
public static class ImitationRunner
{
    private const ulong EvalStream = 0xE7A1UL, FinalStream = 0xF17A1UL;
    /// <summary>Counter-RNG streams of the rollouts' reset seeds and β draws.</summary>
    internal const ulong RolloutStream = 0x2011UL, MixStream = 0x3141UL;

    /// <summary>Per-trajectory mixing: whether lane <paramref name="lane"/>'s whole trajectory is the expert's in an iteration.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool ExpertTrajectory(ulong seed, int iteration, double beta, long lane)
        => CounterRng.Uniform(seed, MixStream, (ulong)iteration, (ulong)lane) < beta;

    /// <summary>
    /// Whether the expert acts for lane <paramref name="lane"/> at step <paramref name="t"/> when the policy could (β &lt; 1):
    /// the trajectory's draw, or a fresh draw per step. The one-batch loop and <see cref="BlockedRollout"/> both ask this.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool ExpertActs(ulong seed, int iteration, double beta, bool perTrajectory, bool expertTrajectory, int t, long lane)
        => perTrajectory ? expertTrajectory : beta > 0 && CounterRng.Uniform(seed, ((ulong)iteration << 32) | (uint)t, MixStream, (ulong)lane) < beta;

    /// <summary>
    /// Runs <paramref name="config"/> with the built-in expert, or <paramref name="expert"/> when given. Pass a
    /// <paramref name="workspace"/> to reuse buffers across many runs on one thread (results are the same), and
    /// <paramref name="env"/> to run on a parametrized env (e.g. a <see cref="Envs.Tabular.DriftRing"/> other than
    /// the registered default) whose id is <c>config.Env</c>.
    /// </summary>
    /// <param name="config">The run.</param>
    /// <param name="expert">The expert (null: the env's built-in one).</param>
    /// <param name="onIteration">Called after each iteration.</param>
    /// <param name="workspace">Buffers to reuse (null: the run's own).</param>
    /// <param name="env">A parametrized env whose id is <c>config.Env</c> (null: the registry's).</param>
    /// <param name="demonstrations">
    /// For BC: recorded (observation, action) pairs (e.g. a Minari dataset's) to fit instead of rolling out the expert;
    /// the expert then only serves the evaluation's ε.
    /// </param>
    /// <param name="recorder">Keeps every collected trajectory as an episode (SIMD path only).</param>
    public static RunResult Run(ImitationConfig config, IExpert? expert = null, Action<IterationResult>? onIteration = null, ImitationWorkspace? workspace = null, EnvSpec? env = null,
        Dataset? demonstrations = null, TrajectoryRecorder? recorder = null)
    {
        EnvSpec spec = env ?? EnvRegistry.Get(config.Env);
        if (spec.Id != config.Env) throw new ArgumentException($"the config names env '{config.Env}' but the env given is '{spec.Id}'");
        if (demonstrations is not null)
        {
            if (config.Algorithm != Algorithm.BC) throw new ArgumentException("recorded demonstrations are for BC; DAgger rolls out its own policies");
            if (demonstrations.InputDim != spec.ObservationSize || demonstrations.Continuous == spec.IsDiscrete)
                throw new ArgumentException($"the demonstrations have {demonstrations.InputDim} inputs and {(demonstrations.Continuous ? "continuous" : "discrete")} labels; {spec.Id} does not");
        }
        if (recorder is not null && demonstrations is not null) throw new ArgumentException("a run from recorded demonstrations collects no trajectories to record");
        if (workspace is not null) return RunCore(config, spec, expert, onIteration, workspace, demonstrations, recorder);
        using var ws = new ImitationWorkspace();
        return RunCore(config, spec, expert, onIteration, ws, demonstrations, recorder);
    }

    private static RunResult RunCore(ImitationConfig config, EnvSpec spec, IExpert? expert, Action<IterationResult>? onIteration, ImitationWorkspace ws, Dataset? demonstrations,
        TrajectoryRecorder? recorder)
    {
        var wall = Stopwatch.StartNew();
        Validate(config, spec);
        int m = config.Rollouts;
        int horizon = config.Horizon ?? spec.MaxEpisodeSteps;
        int iterations = config.Algorithm == Algorithm.BC ? 1 : config.Iterations;
        bool builtinExpert = expert is null;
        expert ??= BuiltinExperts.For(spec, Math.Max(m, config.EvalEpisodes));
        if (expert.IsDiscrete != spec.IsDiscrete) throw new ArgumentException($"the expert's actions are {(expert.IsDiscrete ? "discrete" : "continuous")} but {spec.Id}'s are not");

        var policy = config.NewPolicy(spec);
        var best = policy.Clone();
        int capacity = PlannedCapacity(iterations, m, horizon, spec.ObservationSize, policy);
        var data = ws.Dataset(spec.ObservationSize, !spec.IsDiscrete, capacity);
        var trainer = ws.Trainer(config.NewTrainerOptions());
        var device = Devices.ComputeDevices.Resolve(config.Device);
        Devices.DeviceImitation? gpu = null;
        if (device != Devices.ComputeDevice.Simd)
        {
            if (recorder is not null) throw new ArgumentException("recording trajectories (--save-dataset) runs on the SIMD path; drop --device");
            gpu = ws.Device(spec, device);   // first: an env without kernels is the clearer error
            if (expert is not Experts.IBuiltinRuleExpert) throw new ArgumentException($"--device {Devices.ComputeDevices.Name(device)} runs the built-in experts only; use --device simd with a teacher policy");
        }
        double kernel0 = gpu?.KernelSeconds ?? 0, transfer0 = gpu?.TransferSeconds ?? 0;
        // The built-in expert rolls out by lane blocks (BlockedRollout); a user's expert, or recording, takes the
        // one-batch loop below (the same rows in the same order).
        var blocked = gpu is null && recorder is null && builtinExpert && demonstrations is null ? ws.BlockedRollout(spec, m, horizon, config.Threads) : null;
        var env = gpu is null && blocked is null && demonstrations is null ? ws.RolloutEnv(spec, m, horizon, config.Threads) : null;
        // Evaluations with the built-in expert run by lane blocks too (BlockedEvaluator: the same results).
        var blockedEval = gpu is null && builtinExpert ? ws.BlockedEvaluator(spec, config.EvalEpisodes, horizon, config.Threads) : null;
        var evaluator = gpu is null && blockedEval is null ? ws.Evaluator(spec, config.EvalEpisodes, horizon, config.Threads) : null;
        var rolloutInference = env is null ? null : new PolicyInference(policy, m);
        var evalInference = evaluator is null ? null : new PolicyInference(policy, config.EvalEpisodes);
        var buffers = env is null ? null : new RolloutBuffers(m, spec.ObservationSize);

        var results = new List<IterationResult>(iterations);
        double bestReturn = double.NegativeInfinity;
        int bestIteration = 0;
        long envSteps = 0;
        ulong evalSeed = CounterRng.Bits(config.Seed, EvalStream, 0, 0);
        for (int it = 1; it <= iterations; it++)
        {
            double beta = config.Algorithm == Algorithm.BC ? 1.0 : config.Beta.Beta(it);
            var sw = Stopwatch.StartNew();
            long steps;
            if (demonstrations is not null)
            {
                steps = 0;   // recorded data: nothing is rolled out
                if (spec.IsDiscrete) data.Append(demonstrations, demonstrations.Labels); else data.Append(demonstrations, demonstrations.Targets);
            }
            else if (gpu is not null)
                steps = gpu.Rollout(policy, data, m, horizon, CounterRng.Bits(config.Seed, RolloutStream, (ulong)it, 0), config.Seed, it, beta, config.Mixing);
            else if (blocked is not null)
                steps = blocked.Run(policy, data, config, it, beta);
            else
            {
                rolloutInference!.Refresh();
                steps = Rollout(env!, spec, expert, rolloutInference, data, buffers!, config, it, beta, recorder);
            }
            double rolloutSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();
            FitResult fit = trainer.Fit(data, policy, warmStart: true);
            double fitSeconds = sw.Elapsed.TotalSeconds;
            sw.Restart();
            EvaluationResult eval;
            if (gpu is not null) eval = gpu.Evaluate(policy, true, config.EvalEpisodes, horizon, evalSeed);
            else if (blockedEval is not null) eval = blockedEval.Evaluate(policy, evalSeed);
            else
            {
                evalInference!.Refresh();
                eval = evaluator!.Evaluate(evalInference, expert, evalSeed);
            }
            double evalSeconds = sw.Elapsed.TotalSeconds;
            envSteps += steps + eval.EnvSteps;
            var r = new IterationResult(it, beta, data.Count, steps, eval, fit, rolloutSeconds, fitSeconds, evalSeconds);
            results.Add(r);
            onIteration?.Invoke(r);
            // Ties go to the later iterate: equally good on the selection episodes, but trained on more data.
            if (!config.SelectBest || eval.ReturnMean >= bestReturn)
            {
                bestReturn = eval.ReturnMean;
                bestIteration = it;
                best.CopyFrom(policy);
            }
        }

        // The selected iterate and the expert, on held-out evaluation seeds (selection used the per-iteration seeds).
        ulong finalSeed = CounterRng.Bits(config.Seed, FinalStream, 0, 0);
        EvaluationResult final, expertEval;
        if (gpu is not null)
        {
            final = gpu.Evaluate(best, true, config.EvalEpisodes, horizon, finalSeed);
            expertEval = gpu.Evaluate(null, false, config.EvalEpisodes, horizon, finalSeed);
        }
        else if (blockedEval is not null)
        {
            final = blockedEval.Evaluate(best, finalSeed);
            expertEval = blockedEval.EvaluateExpert(finalSeed);
        }
        else
        {
            var finalInference = new PolicyInference(best, config.EvalEpisodes);
            final = evaluator!.Evaluate(finalInference, expert, finalSeed);
            expertEval = evaluator.Evaluate(expert, finalSeed);
        }
        envSteps += final.EnvSteps + expertEval.EnvSteps;
        return new RunResult(config, expert.Name, expertEval, final, bestIteration, results, best, wall.Elapsed.TotalSeconds, envSteps)
        {
            DeviceKernelSeconds = gpu is null ? double.NaN : gpu.KernelSeconds - kernel0,
            DeviceTransferSeconds = gpu is null ? double.NaN : gpu.TransferSeconds - transfer0,
        };
    }

    /// <summary>Checks a config against its env before anything runs (also called when options are parsed).</summary>
    /// <summary>
    /// The data set's initial room: every state the run can label (iterations × M × H rows) when the trainer's design
    /// for that many rows fits the memory budget, else up to a million rows, growing by doubling. Rows are touched
    /// only as they arrive, so room that the run does not use costs address space, not memory; and a set that never
    /// doubles never copies its rows (each doubling copied every row so far and held both copies: the large CartPole
    /// run peaked at 460 MB with doubling and 250 MB without, and its later rollouts took 2–3× as long).
    /// </summary>
    internal static int PlannedCapacity(int iterations, int m, int horizon, int inputs, LinearPolicy policy)
    {
        long most = MemoryBudget.Saturating(MemoryBudget.Saturating(iterations, m), horizon);
        int features = policy.Features.Kind == FeatureKind.Identity ? 0 : policy.FeatureDim;
        if (most <= Array.MaxLength && MemoryBudget.Fits(MemoryBudget.DesignBytes(most, inputs, features))) return (int)Math.Max(most, 1024);
        return (int)Math.Clamp(most, 1024, Math.Max(1 << 20, (long)m * horizon));
    }

    internal static void Validate(ImitationConfig c, EnvSpec spec)
    {
        if (c.Iterations < 1) throw new ArgumentException("iterations must be ≥ 1");
        if (c.Rollouts < 1) throw new ArgumentException("rollouts must be ≥ 1");
        if (c.Horizon is < 1) throw new ArgumentException("horizon must be ≥ 1");
        if (c.EvalEpisodes < 1) throw new ArgumentException("eval episodes must be ≥ 1");
        if (c.Threads < 1) throw new ArgumentException("threads must be ≥ 1");
        // Every labelled state is kept (float32 observations and label) and fitted (doubles per feature): size it up front.
        int horizon = c.Horizon ?? spec.MaxEpisodeSteps;
        long rows = MemoryBudget.Saturating(MemoryBudget.Saturating(c.Algorithm == Algorithm.BC ? 1 : c.Iterations, c.Rollouts), horizon);
        int features;
        FeatureMap map;
        try { map = FeatureMap.Parse(c.Features, spec.ObservationSize, 0); }
        catch (FormatException e) { throw new ArgumentException(e.Message); }
        features = map.OutputDim;
        if (c.Standardize && map.Kind == FeatureKind.Coarse) throw new ArgumentException("coarse features read the raw observation (its cell is ⌊s₀⌋ mod M): turn standardization off");
        long bytes = MemoryBudget.Saturating(rows, spec.ObservationSize * 4L + 8);
        long design = MemoryBudget.DesignBytes(rows, spec.ObservationSize, features);
        MemoryBudget.Check(bytes > long.MaxValue - design ? long.MaxValue : bytes + design,
            $"{(c.Algorithm == Algorithm.BC ? 1 : c.Iterations)} iteration(s) × {c.Rollouts} trajectories × horizon {horizon} (up to {rows} labelled states, {features} features each)",
            "lower --rollouts, --iterations, --horizon or the feature count");
        long evalBytes = MemoryBudget.Saturating(c.EvalEpisodes, 256);
        MemoryBudget.Check(evalBytes, $"{c.EvalEpisodes} evaluation episodes", "lower --eval-episodes");
        if (c.Policy is { } k)
        {
            if (spec.IsDiscrete && k == PolicyKind.Linear) throw new ArgumentException($"{spec.Id} has discrete actions: a linear policy does not fit (use logistic or softmax)");
            if (!spec.IsDiscrete && k != PolicyKind.Linear) throw new ArgumentException($"{spec.Id} has continuous actions: use a linear policy");
            if (k == PolicyKind.Logistic && spec.ActionCount != 2) throw new ArgumentException($"{spec.Id} has {spec.ActionCount} actions: a logistic policy needs 2 (use softmax)");
        }
    }

    /// <summary>Scratch of one rollout batch, reused across iterations.</summary>
    private sealed class RolloutBuffers(int m, int obsDim)
    {
        public readonly int[] PolicyA = new int[m], ExpertA = new int[m], Act = new int[m];
        public readonly float[] PolicyF = new float[m], ExpertF = new float[m], ActF = new float[m];
        public readonly bool[] Active = new bool[m], ExpertLane = new bool[m];
        public readonly float[][] Gather = Enumerable.Range(0, obsDim).Select(_ => new float[m]).ToArray();
        public readonly int[] GatherLabels = new int[m];
        public readonly float[] GatherTargets = new float[m];
    }

    private static long Rollout(VectorEnv env, EnvSpec spec, IExpert expert, PolicyInference policy, Dataset data, RolloutBuffers b,
        ImitationConfig config, int iteration, double beta, TrajectoryRecorder? recorder)
    {
        int m = env.NumEnvs;
        env.Reset(CounterRng.Bits(config.Seed, RolloutStream, (ulong)iteration, 0));
        recorder?.Begin(env);
        Array.Fill(b.Active, true);
        for (int i = 0; i < m; i++) b.ExpertLane[i] = ExpertTrajectory(config.Seed, iteration, beta, i);
        int active = m;
        long steps = 0;
        for (int t = 0; active > 0; t++)
        {
            bool discrete = spec.IsDiscrete;
            if (discrete) expert.Act(env, b.ExpertA); else expert.Act(env, b.ExpertF);
            bool needPolicy = beta < 1.0;
            if (needPolicy) { if (discrete) policy.Act(env, b.PolicyA); else policy.Act(env, b.PolicyF); }
            for (int i = 0; i < m; i++)
            {
                bool useExpert = !needPolicy || ExpertActs(config.Seed, iteration, beta, config.Mixing == Mixing.PerTrajectory, b.ExpertLane[i], t, i);
                if (discrete) b.Act[i] = useExpert ? b.ExpertA[i] : b.PolicyA[i];
                else b.ActF[i] = useExpert ? b.ExpertF[i] : b.PolicyF[i];
            }
            AppendActive(env, data, b, active, discrete);
            if (discrete) env.Step(b.Act); else env.Step(b.ActF);
            steps += m;
            if (recorder is not null)
                for (int i = 0; i < m; i++)
                    if (b.Active[i]) recorder.Step(env, i, discrete ? b.Act[i] : b.ActF[i], discrete ? b.ExpertA[i] : b.ExpertF[i]);
            ReadOnlySpan<bool> term = env.Terminated, trunc = env.Truncated;
            for (int i = 0; i < m; i++)
                if (b.Active[i] && (term[i] || trunc[i])) { b.Active[i] = false; active--; }
        }
        recorder?.End();
        return steps;
    }

    /// <summary>Labels every state visited by a still-running trajectory with the expert's action.</summary>
    private static void AppendActive(VectorEnv env, Dataset data, RolloutBuffers b, int active, bool discrete)
    {
        int m = env.NumEnvs;
        if (active == m)
        {
            if (discrete) data.Append(env, b.ExpertA); else data.Append(env, b.ExpertF);
            return;
        }
        int k = 0;
        for (int i = 0; i < m; i++)
        {
            if (!b.Active[i]) continue;
            for (int j = 0; j < b.Gather.Length; j++) b.Gather[j][k] = env.Observation(j)[i];
            if (discrete) b.GatherLabels[k] = b.ExpertA[i]; else b.GatherTargets[k] = b.ExpertF[i];
            k++;
        }
        var cols = new GatherColumns(b.Gather, k);
        if (discrete) data.Append(cols, b.GatherLabels.AsSpan(0, k)); else data.Append(cols, b.GatherTargets.AsSpan(0, k));
    }

    private readonly struct GatherColumns(float[][] cols, int n) : IColumnSource
    {
        public int RowCount => n;
        public ReadOnlySpan<float> Column(int j) => cols[j].AsSpan(0, n);
    }
}
