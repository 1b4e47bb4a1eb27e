using System.Runtime.CompilerServices;
using FastIL.Algorithms;
using FastIL.Devices;
using FastIL.Envs;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Cli.Infrastructure;

/// <summary>
/// Compiles a <c>dagger</c>, <c>bc</c> or <c>sweep</c> run's code on the spare core while the main thread is still starting up.
/// </summary>
/// <remarks>
/// A fresh <c>fastil</c> process JIT-compiles each method of the run on its first call, on the run's critical path,
/// while the other core idles: start-up and the compiler are one thread. In the large CartPole run (issue 10) that was
/// about 50 ms of a 90 ms first fit, plus the first rollout's and evaluation's kernels. So <see cref="Start"/> runs a tiny
/// copy of the requested run (the same env, policy, features, β and mixing, so the same generic instantiations; a few
/// lanes, a short horizon, one thread) on a background thread as soon as <c>Main</c> starts. The real run then finds
/// most of its code compiled: a method the copy is compiling is waited for, not compiled twice.
/// <para>
/// It cannot change a result. The copy shares nothing mutable with the run: the library has no mutable statics, and the
/// trainer's scratch is per thread. Its failures are swallowed, since whatever it would report, the run itself reports
/// with the right message. It is skipped where it cannot help: native builds (nothing to compile), one core, help,
/// devices other than SIMD, teacher experts and datasets (other code paths), feature maps of more than
/// <see cref="MaxFeatures"/> features (the copy's fits would cost more than they save), a second run in one process
/// (tests), and when <c>FASTIL_NO_JIT_WARMUP</c> is set (to measure the JIT's cost).
/// </para>
/// </remarks>
internal static class JitWarmup
{
    /// <summary>The environment variable that turns the warm-up off.</summary>
    public const string DisableVariable = "FASTIL_NO_JIT_WARMUP";

    // Lanes and steps of the copy: two full 16-lane groups plus the run's own remainder, so the copy takes the run's tail
    // paths and no others; a horizon past one 32-step round, so evaluation compacts once.
    private const int GroupLanes = 32, GroupWidth = 16, Horizon = 40;

    /// <summary>Runs whose feature map gives more features than this are not copied.</summary>
    internal const int MaxFeatures = 256;

    private static int _started;

    /// <summary>Starts the warm-up for <paramref name="args"/> (the command line) when it can help; at most once per process.</summary>
    public static void Start(string[] args)
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled || Environment.ProcessorCount < 2) return;
        if (Environment.GetEnvironmentVariable(DisableVariable) is { Length: > 0 }) return;
        if (args is not (["dagger" or "bc", ..] or ["sweep", _, ..])) return;
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        // The options are parsed on the new thread too: that parse is itself a first call to compile.
        var thread = new Thread(Run) { IsBackground = true, Name = "fastil JIT warm-up" };
        thread.Start(args);
    }

    private static void Run(object? state)
    {
        try
        {
            if (ConfigFor((string[])state!) is { } copy) RunCopy(copy);
        }
        catch (Exception) { /* the run itself reports whatever this would have */ }
    }

    /// <summary>Runs the odd-rows fit, then the copy <paramref name="copy"/> (from <see cref="ConfigFor"/>).</summary>
    /// <remarks>
    /// The fit comes first. The main thread reaches its first rollout about as soon as the copy would, so the two
    /// compiled that code neck and neck, and the copy reached the fit's code only while the run was already fitting.
    /// Fitting first compiles the trainer while the run compiles and runs its own rollout. Whole process, five alternating
    /// runs: CartPole defaults 0.122–0.130 s against 0.143–0.182 s, the 500-run sweep 0.75–0.79 s against 0.81–0.89 s,
    /// and the large CartPole run unchanged (bench/RESULTS.md).
    /// </remarks>
    internal static void RunCopy(ImitationConfig copy)
    {
        FitOddRows(copy);
        ImitationRunner.Run(copy);
    }

    // The trainer's kernels take eight rows at a time, then four, then one: a data set whose size is not a multiple of
    // eight (most of a DAgger run's) needs the tail paths, which the copy's rows (full 16-lane groups) may not reach.
    // So the warm-up also fits the copy's policy shape on OddRows synthetic rows, first (RunCopy).
    private const int OddRows = 15;

    private static void FitOddRows(ImitationConfig config)
    {
        EnvSpec spec = EnvRegistry.Get(config.Env);
        var policy = config.NewPolicy(spec);
        var data = new Dataset(spec.ObservationSize, !spec.IsDiscrete, OddRows);
        Span<float> row = stackalloc float[spec.ObservationSize];
        for (int i = 0; i < OddRows; i++)
        {
            for (int j = 0; j < row.Length; j++) row[j] = 0.1f * ((i * (j + 3)) % 7) - 0.3f;
            data.AppendRow(row, spec.IsDiscrete ? i % spec.ActionCount : 0.05 * i);
        }
        using var trainer = new Trainer(config.NewTrainerOptions());   // the copy's: one thread
        trainer.Fit(data, policy);
    }

    /// <summary>
    /// The tiny copy of the run that <paramref name="args"/> asks for (a sweep's: its first run), or null when a warm-up
    /// cannot help (not a SIMD <c>dagger</c>/<c>bc</c>/<c>sweep</c> run with the built-in expert, help asked for, or
    /// options or a spec that do not parse).
    /// </summary>
    internal static ImitationConfig? ConfigFor(string[] args)
    {
        foreach (string a in args)
            if (a is "-h" or "--help" or "-?") return null;
        if (args is ["sweep", var specPath, ..] && specPath != "merge") return SweepConfigFor(specPath);
        if (args is not [("dagger" or "bc") and var command, ..]) return null;
        if (OptionValue(args, "expert") is { } expert && expert != "builtin") return null;
        if (OptionValue(args, "dataset") is not null || OptionValue(args, "save-dataset") is not null) return null;
        ImitationConfig config;
        try
        {
            config = ImitationOptions.Build(key => key switch
            {
                "algorithm" => command,
                "standardize" => HasFlag(args, "standardize") ? "true" : HasFlag(args, "no-standardize") ? "false" : null,
                _ => OptionValue(args, key),
            }, key => "--" + key);
        }
        catch (FormatException) { return null; }   // the real parse reports it
        return Shrink(config);
    }

    // A sweep's first run stands for all of them (a grid over policies or features compiles the rest as it goes). The
    // spec is read here a second time; a file that does not parse gets no warm-up, and the sweep reports it.
    private static ImitationConfig? SweepConfigFor(string specPath)
    {
        try { return FastIL.Sweeps.SweepSpec.Load(specPath) is { Runs: [var first, ..] } spec ? Shrink(first.Config) : null; }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException) { return null; }
    }

    // The copy of a run: null where it cannot help (see the class remarks), else a few lanes and steps on one thread.
    private static ImitationConfig? Shrink(ImitationConfig config)
    {
        if (config.Device != ComputeDevice.Simd) return null;
        // Compiling costs the same whatever the features; fitting does not: past a few hundred features the copy's own
        // fits would cost more than the compiling it saves.
        EnvSpec spec = EnvRegistry.Get(config.Env);
        if (FeatureMap.Parse(config.Features, spec.ObservationSize, 0).OutputDim > MaxFeatures) return null;
        return config with
        {
            Iterations = Math.Min(config.Iterations, 2),
            Rollouts = Math.Min(config.Rollouts, GroupLanes + config.Rollouts % GroupWidth),
            Horizon = Math.Min(config.Horizon ?? int.MaxValue, Horizon),
            EvalEpisodes = Math.Min(config.EvalEpisodes, GroupLanes + config.EvalEpisodes % GroupWidth),
            Threads = 1,
        };
    }

    /// <summary>The text after <c>--name</c> (or in <c>--name=text</c>) on the command line, or null.</summary>
    internal static string? OptionValue(string[] args, string name)
    {
        string flag = "--" + name, prefix = flag + "=";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == flag) return i + 1 < args.Length ? args[i + 1] : null;
            if (args[i].StartsWith(prefix, StringComparison.Ordinal)) return args[i][prefix.Length..];
        }
        return null;
    }

    private static bool HasFlag(string[] args, string name) => Array.IndexOf(args, "--" + name) >= 0;
}
