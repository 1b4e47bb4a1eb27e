using FastIL.Cli.Commands;
using FastIL.Cli.Infrastructure;

namespace FastIL.Cli;

/// <summary>Entry point of the <c>fastil</c> command.</summary>
public static class Program
{
    private static readonly string Help = string.Join(Environment.NewLine,
        "fastil — fast imitation learning on batched classic-control envs",
        "",
        "commands:",
        "  " + ImitationCommand.DaggerUsage,
        "  " + ImitationCommand.BcUsage,
        "  " + EvalCommand.Usage,
        "  " + ShiftCommand.Usage,
        "  " + DemosCommand.Usage,
        "  " + TheoryCommand.Usage,
        "  " + SweepCommand.Usage,
        "  " + SweepCommand.MergeUsage,
        "  " + EnvReplayCommand.Usage,
        "  " + EnvBenchCommand.Usage,
        "  " + KernelsCommand.Usage,
        "  " + FitCommand.Usage,
        "  " + PredictCommand.Usage,
        "",
        "envs: " + FastIL.Envs.EnvRegistry.IdList);

    /// <summary>The version (the assembly's informational version).</summary>
    public static string Version =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false) is [System.Reflection.AssemblyInformationalVersionAttribute v, ..]
            ? v.InformationalVersion.Split('+')[0] : "0.0.0";

    /// <summary>A command's usage line (with its option list), or null for an unknown command.</summary>
    private static string? CommandUsage(string command) => command switch
    {
        "dagger" => ImitationCommand.DaggerUsage,
        "bc" => ImitationCommand.BcUsage,
        "eval" => EvalCommand.Usage,
        "shift" => ShiftCommand.Usage,
        "theory" => TheoryCommand.Usage,
        "demos" => DemosCommand.Usage,
        "sweep" => SweepCommand.Usage,
        "sweep merge" => SweepCommand.MergeUsage,
        "fit" => FitCommand.Usage,
        "predict" => PredictCommand.Usage,
        "env replay" => EnvReplayCommand.Usage,
        "env bench" => EnvBenchCommand.Usage,
        "kernels ptx" => KernelsCommand.Usage,
        _ => null,
    } is { } u ? "usage: " + u + Environment.NewLine + "(options and their defaults: README.md of FastIL, section of this command)" : null;

    /// <summary>Runs a command; user mistakes print one line on stderr and return a non-zero code.</summary>
    public static int Main(string[] args)
    {
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
        if (args.Length == 0 || (args.Length == 1 && args[0] is "-h" or "--help" or "help"))
        {
            Console.WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] is "--version" or "-V")
        {
            Console.WriteLine($"fastil {Version}");
            return 0;
        }
        // `fastil help CMD [SUB]` and `fastil CMD [SUB] --help`: the command's usage, exit 0.
        if (args[0] == "help" || args.Any(a => a is "--help" or "-h"))
        {
            var words = (args[0] == "help" ? args[1..] : args).Where(a => a is not ("--help" or "-h")).ToArray();
            string key = words.Length == 0 ? "" : words[0];
            if (words.Length >= 2 && (words[0] is "env" or "kernels" || (words[0] == "sweep" && words[1] == "merge"))) key = $"{words[0]} {words[1]}";
            string usage = CommandUsage(key) ?? throw new CliException($"unknown command '{key}'; run 'fastil --help'");
            Console.WriteLine(usage);
            return 0;
        }
        string[] rest = args.Length > 2 ? args[2..] : [];
        return (args[0], args.Length > 1 ? args[1] : "") switch
        {
            ("env", "replay") => EnvReplayCommand.Run(rest),
            ("env", "bench") => EnvBenchCommand.Run(rest),
            ("dagger", _) => ImitationCommand.Run(args[1..], FastIL.Algorithms.Algorithm.Dagger),
            ("bc", _) => ImitationCommand.Run(args[1..], FastIL.Algorithms.Algorithm.BC),
            ("eval", _) => EvalCommand.Run(args[1..]),
            ("shift", _) => ShiftCommand.Run(args[1..]),
            ("theory", _) => TheoryCommand.Run(args[1..]),
            ("demos", _) => DemosCommand.Run(args[1..]),
            ("sweep", _) => SweepCommand.Run(args[1..]),
            ("fit", _) => FitCommand.Run(args[1..]),
            ("predict", _) => PredictCommand.Run(args[1..]),
            ("kernels", "ptx") => KernelsCommand.Run(rest),
            ("kernels", var sub) => throw new CliException($"unknown command 'kernels {sub}'; expected 'kernels ptx'"),
            ("env", var sub) => throw new CliException($"unknown command 'env {sub}'; expected 'env replay' or 'env bench'"),
            _ => throw new CliException($"unknown command '{args[0]}'; run 'fastil --help'"),
        };
    }
}
