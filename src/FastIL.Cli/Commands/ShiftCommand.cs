using FastIL.Algorithms;
using FastIL.Cli.Infrastructure;
using FastIL.Envs;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil shift</c>: the distribution-shift table (DAgger vs BC with equal expert labels) in Markdown.</summary>
internal static class ShiftCommand
{
    public const string Usage = "fastil shift [--env ID|all] [--seeds N] [--eval-episodes E] [--threads T]";

    public static int Run(string[] args)
    {
        const string cmd = "shift";
        var p = new OptionParser(cmd, args, ["env", "seeds", "eval-episodes", "threads"], []);
        p.NoPositionals();
        string envArg = p.Get("env") ?? "all";
        var envs = envArg == "all" ? EnvRegistry.All.Select(s => s.Id).ToArray()
            : [EnvRegistry.Find(envArg)?.Id ?? throw new CliException($"{cmd}: unknown env '{envArg}'; expected all or one of: {EnvRegistry.IdList}")];
        int seeds = p.GetInt("seeds", 3, 1, 10_000);
        int episodes = p.GetInt("eval-episodes", 1000, 1, 10_000_000);
        int threads = p.GetInt("threads", 1, 1, 1024);
        Console.WriteLine("| env | seed | expert labels (DAgger / BC) | DAgger return | BC return | expert return | ε DAgger | ε BC |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var env in envs)
            for (ulong s = 0; s < (ulong)seeds; s++)
            {
                var r = ShiftExperiment.Run(env, s, episodes, threads);
                Console.WriteLine($"| {env} | {s} | {r.DaggerLabels} / {r.BcLabels} ({r.BcDemos} demos) | {r.Dagger.ReturnMean:F1} ± {r.Dagger.ReturnStd:F1} | {r.Bc.ReturnMean:F1} ± {r.Bc.ReturnStd:F1} | {r.ExpertReturn:F1} | {r.Dagger.Disagreement:F3} | {r.Bc.Disagreement:F3} |");
            }
        return 0;
    }
}
