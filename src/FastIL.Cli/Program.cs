using FastIL.Algorithms;
using FastIL.Cli.Commands;
using FastIL.Cli.Infrastructure;
using FastIL.Envs;

namespace FastIL.Cli;

/// <summary>Entry point of the <c>fastil</c> command.</summary>
public static class Program
{
    /// <summary>The version (the assembly's informational version).</summary>
    public static string Version =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false) is [System.Reflection.AssemblyInformationalVersionAttribute v, ..]
            ? v.InformationalVersion.Split('+')[0] : "0.0.0";

    /// <summary>
    /// Every command. <paramref name="defaultsEnv"/> is the env whose defaults dagger and bc show in their help (their
    /// defaults differ per env).
    /// </summary>
    public static IReadOnlyList<CliCommand> Commands(EnvSpec defaultsEnv)
    {
        var all = new List<CliCommand>(Factories.Length);
        foreach (var (_, make) in Factories) all.Add(make(defaultsEnv));
        return all;
    }

    /// <summary>
    /// The commands a command line needs: those under its first word when it names one (building a command's options
    /// is mostly first-call compiling, about 20 ms of a 0.2 s `fastil dagger` for all of them), else every command (help,
    /// completion, an unknown word's error message).
    /// </summary>
    internal static IReadOnlyList<CliCommand> CommandsFor(string[] args, EnvSpec defaultsEnv)
    {
        if (args is [var word, ..] && word != "help")
        {
            var some = new List<CliCommand>(2);
            foreach (var (first, make) in Factories) if (first == word) some.Add(make(defaultsEnv));
            if (some.Count > 0) return some;
        }
        return Commands(defaultsEnv);
    }

    /// <summary>Each command's first word and how to build it (a test checks the words against the paths).</summary>
    internal static readonly (string FirstWord, Func<EnvSpec, CliCommand> Make)[] Factories =
    [
        ("dagger", e => ImitationCommand.Definition(Algorithm.Dagger, e)),
        ("bc", e => ImitationCommand.Definition(Algorithm.BC, e)),
        ("eval", _ => EvalCommand.Definition),
        ("demos", _ => DemosCommand.Definition),
        ("shift", _ => ShiftCommand.Definition),
        ("theory", _ => TheoryCommand.Definition),
        ("sweep", _ => SweepCommand.Definition),
        ("sweep", _ => SweepCommand.MergeDefinition),
        ("fit", _ => FitCommand.Definition),
        ("predict", _ => PredictCommand.Definition),
        ("env", _ => EnvReplayCommand.Definition),
        ("env", _ => EnvBenchCommand.Definition),
        ("env", _ => EnvListCommand.Definition),
        ("kernels", _ => KernelsCommand.Definition),
    ];

    // Words that only group commands.
    private static readonly Dictionary<string, string> Groups = new()
    {
        ["env"] = "Environment tools: list the envs, replay rows against FastIL's dynamics, time the kernels.",
        ["kernels"] = "GPU kernel tools.",
    };

    /// <summary>Runs a command; user mistakes print one line on stderr and return a non-zero code.</summary>
    public static int Main(string[] args)
    {
        JitWarmup.Start(args);
        try
        {
            return Dispatch(args);
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"fastil: error: {e.Message}");
            return e.ExitCode;
        }
    }

    /// <summary>Dispatches to a command; throws <see cref="CliException"/> on user mistakes.</summary>
    public static int Dispatch(string[] args)
    {
        if (args is ["--version" or "-V"])
        {
            Console.WriteLine($"fastil {Version}");
            return 0;
        }
        var cli = new Infrastructure.CommandLine(
            $"fastil {Version} — fast imitation learning (behavioural cloning, DAgger) on batched classic-control envs. Envs: {EnvRegistry.IdList}.",
            CommandsFor(args, EnvFromArgs(args)), Groups);
        // Bare `fastil` shows the commands but is not a successful run (exit 2); `fastil help [CMD …]` is `CMD … --help`.
        if (args.Length == 0) { cli.Help([]); return 2; }
        if (args[0] == "help") return cli.Help(args[1..]);
        return cli.Invoke(args);
    }

    // `--env ID` (or `--env=ID`) when it names a known env: help then shows that env's defaults.
    private static EnvSpec EnvFromArgs(string[] args)
        => JitWarmup.OptionValue(args, "env") is { } id && EnvRegistry.Find(id) is { } spec ? spec : EnvRegistry.Get("CartPole-v1");
}
