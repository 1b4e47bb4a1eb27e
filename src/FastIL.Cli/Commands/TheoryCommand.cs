using System.Globalization;
using System.Text.Json;
using FastIL.Cli.Infrastructure;
using FastIL.IO;
using FastIL.Envs.Tabular;
using FastIL.Theory;

namespace FastIL.Cli.Commands;

/// <summary>
/// <c>fastil theory</c>: BC's H²ε against DAgger's Hε, measured exactly on DriftRing over a range of horizons
/// (a Markdown table, JSON and a log-log plot).
/// </summary>
internal static class TheoryCommand
{
    public static CliCommand Definition
    {
        get
        {
            var d = new TheoryConfig();
            var e = d.Env;
            return new("theory",
                "BC's H²ε against DAgger's Hε, measured exactly on DriftRing-v0 over a range of horizons (table, JSON, log-log plot).",
                [
                    new("horizons", "H1,H2,...", "Horizons H to measure", string.Join(',', d.Horizons)),
                    new("seeds", "N", "Repetitions (data seeds) per horizon", Inv(d.Seeds)),
                    CommonOptions.Seed("First seed"),
                    new("labels", "L", "Expert labels per method and horizon", Inv(d.Labels)),
                    new("iterations", "I", "DAgger iterations", Inv(d.Iterations)),
                    new("features", "MAP", "The learner's feature map (coarse:M sees ⌊position⌋ mod M)", d.Features),
                    new("l2", "λ", "L2 penalty of the logistic fits", Inv(d.L2)),
                    new("positions", "n", "Positions on the ring", Inv(e.Positions)),
                    new("period", "P", "Period of the road's turns", Inv(e.Period)),
                    new("hazards", "k", "Positions that break the pattern (ε = k/n for a learner that cannot see them)", Inv(e.Hazards)),
                    new("slip", "p", "Probability that a step slips off the road whatever the action", Inv(e.Slip)),
                    new("layout", "S", "Seed of the road's layout", Inv(e.Layout)),
                    new("mc-episodes", "E", "Monte Carlo episodes that check each exact value", Inv(d.McEpisodes)),
                    CommonOptions.Threads(Inv(d.Threads)),
                    CommonOptions.Json,
                    new("out", "F.json", "Write the result JSON here", "(none)"),
                    new("plot", "F.png", "Write the log-log plot here", "(none)"),
                    CommonOptions.Quiet,
                ], Run);
        }
    }

    private static string Inv(IFormattable value) => CommonOptions.Invariant(value);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        var d = new TheoryConfig();
        var e = d.Env;
        var config = d with
        {
            Env = e with
            {
                Positions = p.Int("positions", 2, DriftRingParameters.MaxPositions),
                Period = p.Int("period", 1, DriftRingParameters.MaxPositions),
                Hazards = p.Int("hazards", 0, DriftRingParameters.MaxPositions / 2),
                Slip = p.Double("slip", 0, 1),
                Layout = p.ULong("layout"),
            },
            Horizons = ParseHorizons(cmd, p.Value("horizons")),
            Seeds = p.Int("seeds", 1, 1000),
            Seed = p.ULong("seed"),
            Labels = p.Int("labels", 1, 10_000_000),
            Iterations = p.Int("iterations", 2, 100),
            Features = p.Value("features"),
            L2 = p.Double("l2", 0, 1e6),
            McEpisodes = p.Int("mc-episodes", 2, 1_000_000),
            Threads = p.Int("threads", 1, 1024),
        };
        string? outPath = p.Get("out"), plotPath = p.Get("plot");
        OutputPaths.CheckWritable(cmd, "--out", outPath);
        OutputPaths.CheckWritable(cmd, "--plot", plotPath);
        OutputPaths.Distinct(cmd, [("--out", outPath), ("--plot", plotPath)]);

        try { config.Validate(); }   // before the header: a bad option is the only line printed
        catch (ArgumentException ex) { throw new CliException($"{cmd}: {ex.Message}"); }
        bool quiet = p.Has("quiet") || p.Has("json");
        if (!quiet)
            Console.Error.WriteLine($"theory {DriftRing.Id}: {config.Env.Positions} positions, period {config.Env.Period}, {config.Env.Hazards} hazards, slip {config.Env.Slip}; " +
                $"{config.Labels} labels per method, DAgger {config.Iterations} iterations, logistic on {config.Features}; {config.Seeds} seed(s); {config.McEpisodes} Monte Carlo episodes");
        TheoryResult result;
        try
        {
            result = TheoryExperiment.Run(config, quiet ? null : r => Console.Error.WriteLine(
                $"  H {r.Horizon,5}: BC gap {r.Bc.ValueGap,10:G4} (ε {r.Bc.Epsilon:G3})  DAgger gap {r.Dagger.ValueGap,10:G4} (ε {r.Dagger.Epsilon:G3})"));
        }
        catch (ArgumentException ex) { throw new CliException($"{cmd}: {ex.Message}"); }

        if (outPath is not null) AtomicFile.Write(outPath, w => w.Write(Json(result, indented: true)));
        if (plotPath is not null) TheoryPlot.Write(result, plotPath);
        if (p.Has("json")) Console.WriteLine(Json(result, indented: false));
        else PrintTable(result);
        return 0;
    }

    private static int[] ParseHorizons(string cmd, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var hs = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out hs[i]) || hs[i] is < 1 or > 100_000)
                throw new CliException($"{cmd}: --horizons expects a comma-separated list of whole numbers in [1, 100000]; item {i + 1} is '{parts[i]}'");
        }
        if (hs.Distinct().Count() != hs.Length) throw new CliException($"{cmd}: --horizons lists a horizon twice ('{text}')");
        return hs;
    }

    private static void PrintTable(TheoryResult r)
    {
        Console.WriteLine("| H | ε BC | ε DAgger | ε_own BC | ε_own DAgger | BC gap (exact) | BC gap (MC ± se) | H²ε_BC | DAgger gap (exact) | DAgger gap (MC ± se) | u·H·ε_own DAgger | BC / DAgger |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var x in r.Rows)
            Console.WriteLine($"| {x.Horizon} | {x.Bc.Epsilon:G3} | {x.Dagger.Epsilon:G3} | {x.Bc.EpsilonOwn:G3} | {x.Dagger.EpsilonOwn:G3} | {x.Bc.ValueGap:G4} | {x.Bc.ValueGapMc:G4} ± {x.Bc.ValueGapMcSe:G2} | {x.BoundBc:G4} | {x.Dagger.ValueGap:G4} | {x.Dagger.ValueGapMc:G4} ± {x.Dagger.ValueGapMcSe:G2} | {x.BoundDagger:G4} | {x.Bc.ValueGap / x.Dagger.ValueGap:F1} |");
        Console.WriteLine($"log-log slope of the gap: BC {r.BcSlope:F2} (horizons with H·ε ≤ {TheoryResult.QuadraticRegime}), DAgger {r.DaggerSlope:F2} (all); BC / DAgger at H = {r.Rows.Max(x => x.Horizon)}: {r.GapRatio:F1}×; ε* = k/n = {r.HazardFraction:G3}; {r.WallSeconds:F2} s");
    }

    /// <summary>The result document of <c>--out</c> and <c>--json</c>.</summary>
    internal static string Json(TheoryResult r, bool indented) => JsonText.Build(w =>
    {
        var c = r.Config;
        w.WriteStartObject();
        w.WriteString("env", DriftRing.Id);
        w.WriteStartObject("config");
        w.WriteNumber("positions", c.Env.Positions);
        w.WriteNumber("period", c.Env.Period);
        w.WriteNumber("hazards", c.Env.Hazards);
        w.WriteNumber("slip", c.Env.Slip);
        w.WriteNumber("layout", c.Env.Layout);
        w.WriteStartArray("horizons");
        foreach (int h in c.Horizons) w.WriteNumberValue(h);
        w.WriteEndArray();
        w.WriteNumber("seeds", c.Seeds);
        w.WriteNumber("seed", c.Seed);
        w.WriteNumber("labels", c.Labels);
        w.WriteNumber("iterations", c.Iterations);
        w.WriteString("policy", "logistic");
        w.WriteString("features", c.Features);
        w.WriteNumber("l2", c.L2);
        w.WriteNumber("mc_episodes", c.McEpisodes);
        w.WriteEndObject();
        w.WriteNumber("hazard_fraction", r.HazardFraction);
        w.WriteStartArray("rows");
        foreach (var x in r.Rows)
        {
            w.WriteStartObject();
            w.WriteNumber("horizon", x.Horizon);
            w.WriteNumber("expert_value", x.ExpertValue);
            w.WriteNumber("recoverability", x.Recoverability);
            WriteMethod(w, "bc", x.Bc);
            WriteMethod(w, "dagger", x.Dagger);
            w.WriteNumber("bound_bc", x.BoundBc);
            w.WriteNumber("bound_dagger", x.BoundDagger);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteNumberOrNull(w, "bc_slope", r.BcSlope);
        WriteNumberOrNull(w, "dagger_slope", r.DaggerSlope);
        WriteNumberOrNull(w, "gap_ratio", r.GapRatio);
        w.WriteNumber("wall_seconds", r.WallSeconds);
        w.WriteEndObject();
    }, indented);

    private static void WriteMethod(Utf8JsonWriter w, string name, MethodResult m)
    {
        w.WriteStartObject(name);
        w.WriteNumber("epsilon", m.Epsilon);
        w.WriteNumber("epsilon_own", m.EpsilonOwn);
        w.WriteNumber("value_gap", m.ValueGap);
        w.WriteNumber("value_gap_mc", m.ValueGapMc);
        w.WriteNumber("value_gap_mc_se", m.ValueGapMcSe);
        w.WriteNumber("labels", m.Labels);
        w.WriteNumber("epsilon_own_mc", m.EpsilonOwnMc);
        w.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v); else w.WriteNull(name);
    }
}
