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
    public static IReadOnlyList<CliCommand> Commands(EnvSpec defaultsEnv) =>
    [
        ImitationCommand.Definition(Algorithm.Dagger, defaultsEnv),
        ImitationCommand.Definition(Algorithm.BC, defaultsEnv),
        EvalCommand.Definition,
        DemosCommand.Definition,
        ShiftCommand.Definition,
        TheoryCommand.Definition,
        SweepCommand.Definition,
        SweepCommand.MergeDefinition,
        FitCommand.Definition,
        PredictCommand.Definition,
        EnvReplayCommand.Definition,
        EnvBenchCommand.Definition,
        EnvListCommand.Definition,
        KernelsCommand.Definition,
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
            Commands(EnvFromArgs(args)), Groups);
        // Bare `fastil` shows the commands but is not a successful run (exit 2); `fastil help [CMD …]` is `CMD … --help`.
        if (args.Length == 0) { cli.Help([]); return 2; }
        if (args[0] == "help") return cli.Help(args[1..]);
        return cli.Invoke(args);
    }

    // `--env ID` (or `--env=ID`) when it names a known env: help then shows that env's defaults.
    private static EnvSpec EnvFromArgs(string[] args)
        => JitWarmup.OptionValue(args, "env") is { } id && EnvRegistry.Find(id) is { } spec ? spec : EnvRegistry.Get("CartPole-v1");
}
