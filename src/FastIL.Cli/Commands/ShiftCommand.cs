using FastIL.Algorithms;
using FastIL.Cli.Infrastructure;
using FastIL.Envs;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil shift</c>: the distribution-shift table (DAgger vs BC with equal expert labels) in Markdown.</summary>
internal static class ShiftCommand
{
    public static CliCommand Definition => new("shift",
        "Distribution shift table: DAgger against BC given the same number of expert labels, per env and seed (markdown).",
        [
            new("env", "ID|all", "Environment id, or all", "all") { Suggestions = ["all", .. EnvRegistry.All.Select(s => s.Id)] },
            new("seeds", "N", "Seeds per env (0 … N-1)", "3"),
            new("eval-episodes", "E", "Evaluation episodes per policy", "1000"),
            CommonOptions.Threads(),
        ], Run);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        string envArg = p.Value("env");
        var envs = envArg == "all" ? EnvRegistry.All.Select(s => s.Id).ToArray()
            : [EnvRegistry.Find(envArg)?.Id ?? throw new CliException($"{cmd}: unknown env '{envArg}'; expected all or one of: {EnvRegistry.IdList}")];
        int seeds = p.Int("seeds", 1, 10_000);
        int episodes = p.Int("eval-episodes", 1, 10_000_000);
        int threads = p.Int("threads", 1, 1024);
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
