using System.Globalization;
using System.Text.Json;
using FastIL.Algorithms;
using FastIL.IO;
using FastIL.Cli.Infrastructure;
using FastIL.Envs;
using FastIL.Experts;
using FastIL.Policies;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil dagger</c> and <c>fastil bc</c>: one imitation run with a live progress line and a final table.</summary>
internal static class ImitationCommand
{
    /// <summary>
    /// <c>dagger</c> or <c>bc</c>; defaults are <paramref name="defaults"/>'s (they differ per env: help shows those of
    /// the env named on the command line, else CartPole-v1's).
    /// </summary>
    public static CliCommand Definition(Algorithm algorithm, EnvSpec defaults)
    {
        var d = ImitationConfig.For(defaults.Id);
        bool dagger = algorithm == Algorithm.Dagger;
        static string Inv(IFormattable v) => CommonOptions.Invariant(v);
        var options = new List<CliOption>
        {
            new("env", "ID", "Environment id: " + EnvRegistry.IdList, "CartPole-v1") { Suggestions = [.. EnvRegistry.All.Select(s => s.Id)] },
        };
        if (dagger)
            options.AddRange(
            [
                new("iterations", "N", "DAgger iterations (fit, then roll out the new policy)", Inv(d.Iterations)),
                new("rollouts", "M", "Trajectories rolled out per iteration, every visited state labelled by the expert", Inv(d.Rollouts)),
            ]);
        else
            options.AddRange(
            [
                new("demos", "M", "Expert demonstrations (trajectories) to clone", Inv(d.Rollouts * d.Iterations)),
                new("dataset", "MINARI_DIR", "Clone a Minari dataset instead of fresh demonstrations (the env comes from its env_spec)", "(none)"),
                CliOption.OneOf("labels", "With --dataset: train on the actions taken, or on infos/expert_action (DAgger's datasets)", "actions", "actions", "expert_action"),
            ]);
        options.Add(new("horizon", "H", "Steps per trajectory at most", "(the env's time limit)"));
        if (dagger)
            options.AddRange(
            [
                new("beta", "SCHEDULE", "β_i, the probability of acting with the expert in iteration i: indicator (1 then 0), exp:P (P^i), linear:R (1 - i/R)", d.Beta.ToString()),
                CliOption.OneOf("mixing", "Draw the expert-or-policy choice per step or once per trajectory", "step", "step", "trajectory"),
            ]);
        options.AddRange(
        [
            CliOption.OneOf("policy", "Policy kind (logistic: 2 actions, softmax: K, linear: continuous)", d.Policy?.ToString().ToLowerInvariant() ?? "auto", "logistic", "softmax", "linear"),
            new("features", "MAP", "Feature map: identity, poly2, rff:D[:BW] (random Fourier features), coarse:M", d.Features),
            CliOption.Flag("standardize", $"Standardize the features (mean 0, std 1){(d.Standardize ? $"; on by default for {d.Env}" : "")}"),
            CliOption.Flag("no-standardize", $"Do not standardize the features{(d.Standardize ? "" : $"; the default for {d.Env}")}"),
            new("l2", "λ", "L2 penalty λ on the weights", Inv(d.L2)),
            new("ent-weight", "E", "Entropy bonus weight", Inv(d.EntropyWeight)),
            new("eval-episodes", "E", "Held-out evaluation episodes per iteration", Inv(d.EvalEpisodes)),
            CliOption.OneOf("select", "Keep the iterate with the best evaluation return, or the last", d.SelectBest ? "best" : "last", "best", "last"),
            new("expert", "builtin|FILE", "The expert: the env's built-in one, or a teacher policy JSON", "builtin"),
            CommonOptions.Seed("Seed of everything random in the run (same seed, same result)"),
            CommonOptions.Threads(Inv(d.Threads)),
            CommonOptions.Device,
            new("out", "results.json", "Write the result JSON here", "(none)"),
            new("save-policy", "p.json", "Write the selected policy here", "(none)"),
        ]);
        if (dagger)
            options.AddRange(
            [
                new("save-dataset", "MINARI_ROOT", "Write the aggregate as a Minari dataset under this root (actions taken; the expert's labels in infos/expert_action)", "(none)"),
                new("dataset-id", "NS/NAME-vN", "Minari dataset id for --save-dataset", "(<env>/fastil-dagger-v0)"),
            ]);
        options.AddRange([CommonOptions.Json, CommonOptions.Quiet]);
        string what = dagger
            ? "DAgger (Ross, Gordon & Bagnell, 2011): roll out the current policy, label every visited state with the expert, aggregate, refit."
            : "Behavioural cloning: fit a policy to expert demonstrations (fresh ones, or a Minari dataset with --dataset).";
        return new(dagger ? "dagger" : "bc", $"{what} Defaults shown are {defaults.Id}'s ('--env ID --help' shows another env's).", options, p => Run(p, algorithm));
    }

    private static int Run(OptionValues p, Algorithm algorithm)
    {
        string cmd = p.Command;
        if (p.Has("standardize") && p.Has("no-standardize")) throw new CliException($"{cmd}: give --standardize or --no-standardize, not both");
        // bc --dataset: the demonstrations come from a Minari dataset, the env from its env_spec.
        FastIL.IO.MinariDataset? minari = null;
        if (p.Has("labels") && !p.Has("dataset")) throw new CliException($"{cmd}: --labels applies with --dataset only");
        if (p.Get("dataset") is { } datasetDir)
        {
            if (p.Has("demos")) throw new CliException($"{cmd}: --demos does not apply with --dataset (the dataset's episodes are the demonstrations)");
            if (p.Has("expert")) throw new CliException($"{cmd}: --expert does not apply with --dataset (the dataset's actions are the labels)");
            try { minari = FastIL.IO.MinariDataset.Load(datasetDir); }
            catch (FormatException e) { throw new CliException(e.Message, 1); }
            if (p.Choice("labels") == "expert_action" && minari.Episodes.Any(e => e.ExpertLabels is null))
                throw new CliException($"{datasetDir}: --labels expert_action needs infos/expert_action in every episode (DAgger's datasets, `fastil dagger --save-dataset`)", 1);
            if (p.Get("env") is { } envArg && envArg != minari.Env.Id)
                throw new CliException($"{datasetDir}: the dataset's env_spec names {minari.Env.Id}, but --env is {envArg}", 1);
        }
        ImitationConfig config;
        try
        {
            config = ImitationOptions.Build(key => key switch
            {
                "algorithm" => cmd,
                "standardize" => p.Has("standardize") ? "true" : p.Has("no-standardize") ? "false" : null,
                "env" when minari is not null => minari.Env.Id,
                "demos" when minari is not null => minari.Episodes.Count.ToString(CultureInfo.InvariantCulture),
                _ => p.Get(key),
            }, key => "--" + key);
        }
        catch (FormatException e) { throw new CliException($"{cmd}: {e.Message}"); }
        EnvSpec spec = EnvRegistry.Get(config.Env);
        // dagger --save-dataset ROOT: the aggregate as a Minari dataset (checked before the run).
        FastIL.Algorithms.TrajectoryRecorder? recorder = null;
        string? saveRoot = p.Get("save-dataset"), saveId = p.Get("dataset-id");
        if (saveId is not null && saveRoot is null) throw new CliException($"{cmd}: --dataset-id applies with --save-dataset only");
        if (saveRoot is not null)
        {
            if (saveRoot.Length == 0) throw new CliException($"{cmd}: --save-dataset needs a directory name (the Minari datasets root)");
            if (File.Exists(saveRoot)) throw new CliException($"{cmd}: --save-dataset '{saveRoot}' is a file; expected a directory", 1);
            saveId ??= $"{spec.Id.Split('-')[0].ToLowerInvariant()}/fastil-dagger-v0";
            try
            {
                var (ns, name) = FastIL.IO.MinariWriter.ParseId(saveId);
                if (Directory.Exists(Path.Combine(saveRoot, ns, name))) throw new CliException($"{cmd}: {Path.Combine(saveRoot, ns, name)} exists already; choose another --dataset-id", 1);
            }
            catch (ArgumentException e) { throw new CliException($"{cmd}: --dataset-id: {e.Message}"); }
            recorder = new FastIL.Algorithms.TrajectoryRecorder();
        }
        // Outputs are checked before the run: a long run must not fail at its last step, nor overwrite an input.
        string? outArg = p.Get("out"), policyOut = p.Get("save-policy"), expertArg = p.Get("expert") is { } x && x != "builtin" ? x : null;
        OutputPaths.CheckWritable(cmd, "--out", outArg);
        OutputPaths.CheckWritable(cmd, "--save-policy", policyOut);
        OutputPaths.Distinct(cmd, [("--out", outArg), ("--save-policy", policyOut)], ("--expert", expertArg));
        IExpert? expert = null;
        if (p.Get("expert") is { } ex && ex != "builtin")
        {
            LinearPolicy teacher = CommonOptions.LoadPolicyFor(ex, spec, "teacher");
            expert = new PolicyExpert(teacher, Math.Max(config.Rollouts, config.EvalEpisodes), $"teacher {Path.GetFileName(ex)}");
        }

        bool quiet = p.Has("quiet") || p.Has("json");
        if (!quiet) Console.Error.WriteLine($"{cmd} {spec.Id}: {config.Iterations} iteration(s) × {config.Rollouts} trajectories, β {config.Beta}, {(config.Policy?.ToString() ?? "auto").ToLowerInvariant()} policy on {config.Features}{(config.Standardize ? " (standardized)" : "")}, λ {config.L2:G3}, {config.EvalEpisodes} eval episodes, seed {config.Seed}");
        RunResult result;
        // A live bar over the iterations on a terminal; off a terminal, the iterations' lines say enough.
        var bar = new ProgressBar("iterations", quiet, plainDeciles: false);
        bar.Report(0, config.Iterations);
        try
        {
            result = ImitationRunner.Run(config, expert, quiet ? null : r => { bar.Line(ProgressLine(r, config.Iterations)); bar.Report(r.Iteration, config.Iterations); }, demonstrations: minari?.ToDataset(algorithm == Algorithm.BC && p.Choice("labels") == "expert_action"), recorder: recorder);
        }
        catch (ArgumentException e) { throw new CliException($"{cmd}: {e.Message}"); }
        catch (ArithmeticException e) { throw new CliException($"{cmd}: {e.Message}", 1); }
        catch (FastIL.Devices.DeviceUnavailableException e) { throw new CliException($"{cmd}: {e.Message}", 1); }
        finally { bar.Finish(); }

        if (recorder is not null)
        {
            try
            {
                string dir = FastIL.IO.MinariWriter.Write(saveRoot!, saveId!, spec, recorder.Episodes,
                    $"{spec.Id}: DAgger's aggregate, {recorder.Episodes.Count} trajectories (actions taken; the expert's labels in infos/expert_action), seed {config.Seed}", recorder.ExpertLabels);
                if (!quiet) Console.Error.WriteLine($"saved {recorder.Episodes.Count} trajectories -> {dir}");
            }
            catch (ArgumentException e) { throw new CliException($"{cmd}: {e.Message}"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"{cmd}: cannot write the dataset: {e.Message}", 1); }
        }
        if (p.Get("out") is { } outPath) AtomicFile.Write(outPath, w => w.Write(ResultJson(result, indented: true)));
        if (p.Get("save-policy") is { } policyPath) AtomicFile.Write(policyPath, w => w.Write(PolicyJson.ToJson(result.Policy)));
        if (p.Has("json")) Console.WriteLine(ResultJson(result, indented: false));
        else PrintTable(result);
        return 0;
    }

    private static string ProgressLine(IterationResult r, int total)
        => $"  iter {r.Iteration}/{total}  β {r.Beta:F2}  data {r.DatasetSize,8}  return {r.Eval.ReturnMean,8:F1} ± {r.Eval.ReturnStd,-6:F1} (min {r.Eval.ReturnMin:F1})  ε {r.Eval.Disagreement:F4}  rollout {Ms(r.RolloutSeconds)}  fit {Ms(r.FitSeconds)} ({r.Fit.Iterations} it)  eval {Ms(r.EvalSeconds)}";

    private static string Ms(double s) => s < 1 ? $"{s * 1e3:F1} ms" : $"{s:F2} s";

    private static void PrintTable(RunResult r)
    {
        Console.WriteLine($"{"iter",4} {"beta",5} {"dataset",9} {"return",9} {"std",7} {"min",8} {"epsilon",8} {"rollout",10} {"fit",10} {"eval",10}");
        foreach (var it in r.Iterations)
            Console.WriteLine($"{it.Iteration,4} {it.Beta,5:F2} {it.DatasetSize,9} {it.Eval.ReturnMean,9:F1} {it.Eval.ReturnStd,7:F1} {it.Eval.ReturnMin,8:F1} {it.Eval.Disagreement,8:F4} {Ms(it.RolloutSeconds),10} {Ms(it.FitSeconds),10} {Ms(it.EvalSeconds),10}");
        Console.WriteLine($"final (iteration {r.SelectedIteration}, {r.Final.Episodes} held-out episodes): return {r.Final.ReturnMean:F1} ± {r.Final.ReturnStd:F1} (min {r.Final.ReturnMin:F1}, max {r.Final.ReturnMax:F1}), ε {r.Final.Disagreement:F4}; expert {r.Expert.ReturnMean:F1} (min {r.Expert.ReturnMin:F1})");
        Console.WriteLine($"wall {Ms(r.WallSeconds)}, {r.EnvSteps} env steps ({r.EnvSteps / r.WallSeconds / 1e6:F1} M/s)");
    }

    /// <summary>The result document of <c>--out</c> and <c>--json</c>.</summary>
    internal static string ResultJson(RunResult r, bool indented) => RunResultJson.ToJson(r, indented);
}
