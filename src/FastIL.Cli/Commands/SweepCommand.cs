using System.Diagnostics;
using System.Globalization;
using FastIL.Cli.Infrastructure;
using FastIL.Sweeps;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil sweep</c> and <c>fastil sweep merge</c>.</summary>
internal static class SweepCommand
{
    public static CliCommand Definition => new("sweep",
        "Runs every point × seed of a sweep spec (JSON: base, grid, samples, seeds), resumably, and writes runs/iterations/summary CSVs and plots to DIR.",
        [
            OutOption("Output directory (required); rerunning with the same spec resumes"),
            CommonOptions.Threads("(the number of cores)"),
            new("shard", "K/N", "Run only shard K of N (Slurm/Kubernetes arrays; join them with sweep merge)", "1/1"),
            CliOption.Flag("no-plots", "Do not write the learning-curve plots"),
            CommonOptions.Quiet,
        ], p => Guarded(p, RunSweep), new CliArgument("SPEC.json", "The sweep spec"));

    public static CliCommand MergeDefinition => new("sweep merge",
        "Joins the output directories of a sharded sweep into one (refuses overlapping, missing or unfinished shards).",
        [
            OutOption("Output directory for the merged sweep (required)"),
            CliOption.Flag("no-plots", "Do not write the learning-curve plots"),
        ], p => Guarded(p, Merge), new CliArgument("DIRS", "The shards' output directories", Many: true));

    private static CliOption OutOption(string description) => new("out", "DIR", description, "(none)");

    private static int Guarded(OptionValues p, Func<OptionValues, int> run)
    {
        string cmd = p.Command;
        try { return run(p); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk, a read-only directory, a file where a directory should be (or the reverse): one line, exit 1.
            throw new CliException($"{cmd}: cannot write the outputs: {e.Message}", 1);
        }
    }

    /// <summary>The output directory option: a directory name, not a file.</summary>
    private static string OutDir(OptionValues p, string cmd)
    {
        string dir = p.Require("out");
        if (dir.Length == 0) throw new CliException($"{cmd}: --out needs a directory name; got an empty string");
        if (File.Exists(dir)) throw new CliException($"{cmd}: --out '{dir}' is a file; expected a directory", 1);
        return dir;
    }

    private static int RunSweep(OptionValues p)
    {
        string cmd = p.Command;
        if (p.Positionals.Count != 1) throw new CliException($"{cmd}: expected one spec file; run 'fastil sweep --help'");
        string specPath = p.Positionals[0], outDir = OutDir(p, cmd);
        int threads = p.Get("threads") is null ? Environment.ProcessorCount : p.Int("threads", 1, 1024);
        (int k, int n) = ParseShard(p.Value("shard"));
        SweepSpec spec;
        try { spec = SweepSpec.Load(specPath); }
        catch (FormatException e) { throw new CliException(e.Message, 1); }
        int mine = SweepRunner.ShardRuns(spec, k, n).Count();
        bool quiet = p.Has("quiet");
        if (!quiet) Console.Error.WriteLine($"sweep {specPath} (spec {spec.Hash}): {spec.Points.Count} point(s) × {spec.Seeds.Count} seed(s) = {spec.Runs.Count} runs{(n > 1 ? $"; shard {k}/{n}: {mine} runs" : "")}; {threads} thread(s) -> {outDir}");
        var bar = new ProgressBar("runs", quiet);
        var sw = Stopwatch.StartNew();
        IReadOnlyList<SweepRecord> records;
        bool plots = !p.Has("no-plots");
        try
        {
            records = SweepRunner.Run(spec, outDir, new SweepOptions
            {
                Threads = threads, ShardIndex = k, ShardCount = n, Progress = pr => bar.Report(pr.Done, pr.Total, pr.RunsPerSecond, pr.Eta),
                WriteExtra = plots ? r => SweepPlots.Write(spec, outDir, r) : null,   // under the directory's lock
            });
        }
        catch (InvalidOperationException e) { bar.Finish(); throw new CliException($"{cmd}: {e.Message}", 1); }
        catch (FormatException e) { bar.Finish(); throw new CliException($"{cmd}: {e.Message}", 1); }
        bar.Finish();
        double seconds = sw.Elapsed.TotalSeconds;
        if (!quiet) PrintSummary(spec, outDir, records, seconds);
        return 0;
    }

    private static int Merge(OptionValues p)
    {
        string cmd = p.Command;
        if (p.Positionals.Count == 0) throw new CliException($"{cmd}: expected shard directories; run 'fastil sweep merge --help'");
        string outDir = OutDir(p, cmd);
        IReadOnlyList<SweepRecord> records;
        bool plots = !p.Has("no-plots");
        try { records = SweepRunner.Merge(p.Positionals.ToArray(), outDir, plots ? (spec, r) => SweepPlots.Write(spec, outDir, r) : null); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException) { throw new CliException($"{cmd}: {e.Message}", 1); }
        Console.Error.WriteLine($"merged {p.Positionals.Count} shard(s), {records.Count} runs -> {outDir}");
        return 0;
    }

    internal static (int K, int N) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1 && k >= 1 && k <= n)
            return (k, n);
        throw new CliException($"sweep: --shard expects K/N with 1 ≤ K ≤ N (e.g. 2/4); got '{text}'");
    }

    private static void PrintSummary(SweepSpec spec, string dir, IReadOnlyList<SweepRecord> records, double seconds)
    {
        long steps = records.Sum(r => r.EnvSteps);
        double busy = records.Sum(r => r.WallSeconds);
        Console.WriteLine($"{records.Count} runs in {seconds:F1} s ({records.Count / seconds:F1} runs/s of this invocation's work incl. resumed ones); {steps / Math.Max(busy, 1e-9) / 1e6:F1} M env-steps/s per worker");
        Console.WriteLine($"{"point",5}  {"runs",5}  {"return (95% CI)",-28}  {"epsilon",8}  options");
        foreach (var g in records.GroupBy(r => r.Point).OrderBy(g => g.Key))
        {
            var ret = SweepOutputs.Stats(g.Select(r => r.FinalReturnMean));
            var eps = SweepOutputs.Stats(g.Select(r => r.FinalDisagreement));
            Console.WriteLine($"{g.Key,5}  {g.Count(),5}  {ret.Mean,9:F1} [{ret.Low,8:F1}, {ret.High,8:F1}]  {eps.Mean,8:F4}  {SweepSpec.Describe(spec.Points[g.Key], spec.Columns)}");
        }
        Console.WriteLine($"outputs: {string.Join(", ", SweepOutputs.Files.Select(f => Path.Combine(dir, f)))}");
    }
}
