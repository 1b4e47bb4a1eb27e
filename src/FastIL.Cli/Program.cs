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
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
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
