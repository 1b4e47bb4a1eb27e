using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FastIL.Algorithms;
using FastIL.Random;

namespace FastIL.Sweeps;

/// <summary>One run of a sweep: its index, grid point, seed and resolved options.</summary>
public sealed record SweepRun(int Id, int Point, ulong Seed, ImitationConfig Config);

/// <summary>
/// A sweep specification (JSON):
/// <code>
/// { "base": {"algorithm": "dagger", "env": "CartPole-v1", "iterations": 8},
///   "grid": {"rollouts": [16, 256], "beta": ["indicator", "exp:0.5"]},
///   "samples": {"count": 4, "seed": 0, "options": {"l2": {"log_uniform": [1e-6, 1e-2]}, "rollouts": {"choice": [4, 8]}}},
///   "seeds": 100 }
/// </code>
/// Keys are <c>fastil dagger</c>/<c>bc</c> option names without dashes. Points = the cartesian product of the grid
/// (first key slowest) × the random samples; runs = points × seeds (a count 0..n−1, or a list). Run ids follow
/// that order. Every run's options are validated when the spec is loaded.
/// </summary>
public sealed class SweepSpec
{
    private SweepSpec(string canonical, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyDictionary<string, string>> points, IReadOnlyList<ulong> seeds, IReadOnlyList<SweepRun> runs)
    {
        Canonical = canonical;
        Hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))).ToLowerInvariant()[..16];
        Columns = columns; Points = points; Seeds = seeds; Runs = runs;
    }

    /// <summary>The spec as normalized JSON (key order kept, numbers in round-trip form).</summary>
    public string Canonical { get; }
    /// <summary>First 16 hex digits of the SHA-256 of <see cref="Canonical"/>: identifies the spec in outputs and on resume.</summary>
    public string Hash { get; }
    /// <summary>Option names that appear anywhere in the spec, in first-seen order (the config columns of the outputs).</summary>
    public IReadOnlyList<string> Columns { get; }
    /// <summary>Each point's option values (as given, per column).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Points { get; }
    /// <summary>The seeds.</summary>
    public IReadOnlyList<ulong> Seeds { get; }
    /// <summary>All runs, in id order.</summary>
    public IReadOnlyList<SweepRun> Runs { get; }

    /// <summary>Most runs a spec may expand to.</summary>
    public const int MaxRuns = 10_000_000;

    /// <summary>Loads and validates a spec file; errors are <see cref="FormatException"/>s naming the file, field and value.</summary>
    public static SweepSpec Load(string path) => IO.JsonDocumentFile.Load(path, Parse);

    /// <summary>Parses and validates spec text.</summary>
    public static SweepSpec Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("a sweep spec is a JSON object with 'base', 'grid', 'samples' and 'seeds'");
        foreach (var p in root.EnumerateObject())
            if (p.Name is not ("base" or "grid" or "samples" or "seeds"))
                throw new FormatException($"unknown field '{p.Name}'; expected base, grid, samples, seeds");

        var columns = new List<string>();
        var origin = new Dictionary<string, string>();
        var baseOpts = new Dictionary<string, string>();
        if (root.TryGetProperty("base", out var b))
        {
            if (b.ValueKind != JsonValueKind.Object) throw new FormatException("field 'base' must be an object of options");
            foreach (var p in b.EnumerateObject()) { CheckKey(p.Name, "base"); baseOpts[p.Name] = Scalar(p.Value, $"base.{p.Name}"); AddColumn(columns, origin, p.Name, "base"); }
        }

        var gridKeys = new List<string>();
        var gridValues = new List<string[]>();
        if (root.TryGetProperty("grid", out var g))
        {
            if (g.ValueKind != JsonValueKind.Object) throw new FormatException("field 'grid' must be an object mapping options to lists of values");
            foreach (var p in g.EnumerateObject())
            {
                CheckKey(p.Name, "grid");
                if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0) throw new FormatException($"field 'grid.{p.Name}' must be a non-empty list of values");
                gridKeys.Add(p.Name);
                gridValues.Add(p.Value.EnumerateArray().Select((v, i) => Scalar(v, $"grid.{p.Name}[{i}]")).ToArray());
                AddColumn(columns, origin, p.Name, "grid");
            }
        }

        int sampleCount = 1;
        ulong sampleSeed = 0;
        var sampleKeys = new List<(string Key, JsonElement Dist)>();
        if (root.TryGetProperty("samples", out var s))
        {
            if (s.ValueKind != JsonValueKind.Object) throw new FormatException("field 'samples' must be an object {count, seed, options}");
            foreach (var p in s.EnumerateObject())
                if (p.Name is not ("count" or "seed" or "options"))
                    throw new FormatException($"unknown field 'samples.{p.Name}'; expected count, seed, options");
            sampleCount = s.TryGetProperty("count", out var c) && c.TryGetInt32(out int n) && n is >= 1 and <= MaxRuns ? n : throw new FormatException($"field 'samples.count' must be an integer in [1, {MaxRuns}]");
            if (s.TryGetProperty("seed", out var ss)) sampleSeed = ss.TryGetUInt64(out ulong v) ? v : throw new FormatException("field 'samples.seed' must be a non-negative integer");
            if (!s.TryGetProperty("options", out var o) || o.ValueKind != JsonValueKind.Object) throw new FormatException("field 'samples.options' must be an object mapping options to distributions");
            foreach (var p in o.EnumerateObject()) { CheckKey(p.Name, "samples.options"); sampleKeys.Add((p.Name, p.Value)); AddColumn(columns, origin, p.Name, "samples"); }
        }

        var seeds = new List<ulong>();
        if (!root.TryGetProperty("seeds", out var sd)) seeds.Add(0);
        else if (sd.ValueKind == JsonValueKind.Number)
        {
            int count = sd.TryGetInt32(out int k) && k >= 1 ? k : throw new FormatException($"field 'seeds' must be a count ≥ 1 or a list of seeds; got {sd.GetRawText()}");
            if (count > MaxRuns) throw new FormatException($"field 'seeds' is {count}; a sweep has at most {MaxRuns} runs");
            for (int i = 0; i < count; i++) seeds.Add((ulong)i);
        }
        else if (sd.ValueKind == JsonValueKind.Array && sd.GetArrayLength() > 0)
        {
            int i = 0;
            if (sd.GetArrayLength() > MaxRuns) throw new FormatException($"field 'seeds' lists {sd.GetArrayLength()} seeds; a sweep has at most {MaxRuns} runs");
            foreach (var v in sd.EnumerateArray())
            {
                seeds.Add(v.TryGetUInt64(out ulong u) ? u : throw new FormatException($"field 'seeds[{i}]' must be a non-negative integer; got {v.GetRawText()}"));
                i++;
            }
            if (seeds.Distinct().Count() != seeds.Count) throw new FormatException("field 'seeds' lists a seed twice");
        }
        else throw new FormatException("field 'seeds' must be a count ≥ 1 or a non-empty list of seeds");

        // Points: grid product (first key slowest) × samples.
        // Sized before anything is built: a grid of a billion points must be refused, not expanded.
        long total = (long)sampleCount * seeds.Count;
        foreach (var v in gridValues) total = total > MaxRuns ? total : total * v.Length;
        if (total > MaxRuns) throw new FormatException($"the spec expands to {(total > MaxRuns * 1000L ? "more than " + (MaxRuns * 1000L).ToString(CultureInfo.InvariantCulture) : total.ToString(CultureInfo.InvariantCulture))} runs; the limit is {MaxRuns}");
        var points = new List<IReadOnlyDictionary<string, string>>();
        int gridCount = 1;
        foreach (var v in gridValues) gridCount *= v.Length;
        for (int gp = 0; gp < gridCount; gp++)
        {
            for (int si = 0; si < sampleCount; si++)
            {
                var opts = new Dictionary<string, string>(baseOpts);
                int rem = gp;
                for (int k = gridKeys.Count - 1; k >= 0; k--) { opts[gridKeys[k]] = gridValues[k][rem % gridValues[k].Length]; rem /= gridValues[k].Length; }
                for (int k = 0; k < sampleKeys.Count; k++) opts[sampleKeys[k].Key] = Draw(sampleKeys[k].Dist, $"samples.options.{sampleKeys[k].Key}", sampleSeed, (ulong)si, (ulong)k);
                points.Add(opts);
            }
        }

        var runs = new List<SweepRun>(points.Count * seeds.Count);
        for (int p = 0; p < points.Count; p++)
        {
            var opts = points[p];
            ImitationConfig cfg;
            try
            {
                cfg = ImitationOptions.Build(k => opts.TryGetValue(k, out var v) ? v : null, k => $"{origin.GetValueOrDefault(k, "base")}.{k}");
            }
            catch (FormatException e) { throw new FormatException($"point {p} ({Describe(opts, columns)}): {e.Message}"); }
            foreach (ulong seed in seeds) runs.Add(new SweepRun(runs.Count, p, seed, cfg with { Seed = seed, Threads = 1 }));
        }
        string canonical = Canonicalize(root);
        return new SweepSpec(canonical, columns, points, seeds, runs);
    }

    /// <summary>"key=value, …" of a point, for messages and plot titles.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> point, IEnumerable<string> columns)
        => string.Join(", ", columns.Where(point.ContainsKey).Select(c => $"{c}={point[c]}"));

    private static void CheckKey(string key, string where)
    {
        if (key is "seed") throw new FormatException($"field '{where}.seed': seeds come from the top-level 'seeds' field");
        if (key is "threads") throw new FormatException($"field '{where}.threads': a sweep runs each run on one thread (use --threads of fastil sweep)");
        if (!ImitationOptions.All.Contains(key)) throw new FormatException($"field '{where}.{key}': unknown option; expected one of: {string.Join(", ", ImitationOptions.All.Where(k => k is not "seed" and not "threads"))}");
    }

    private static void AddColumn(List<string> columns, Dictionary<string, string> origin, string key, string where)
    {
        if (origin.TryGetValue(key, out var prev)) throw new FormatException($"option '{key}' appears in both '{prev}' and '{where}'");
        origin[key] = where;
        columns.Add(key);
    }

    private static string Scalar(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new FormatException($"field '{field}' must be a string, number or boolean; got {v.GetRawText()}"),
    };

    private static string Draw(JsonElement dist, string field, ulong seed, ulong sample, ulong key)
    {
        if (dist.ValueKind != JsonValueKind.Object || dist.EnumerateObject().Count() != 1)
            throw new FormatException($"field '{field}' must be one of {{\"choice\": [...]}}, {{\"uniform\": [lo, hi]}}, {{\"log_uniform\": [lo, hi]}}, {{\"int_uniform\": [lo, hi]}}");
        var p = dist.EnumerateObject().First();
        double u = CounterRng.Uniform(seed, sample, key, 0x5A);
        if (p.Name == "choice")
        {
            if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0) throw new FormatException($"field '{field}.choice' must be a non-empty list");
            int i = Math.Min(p.Value.GetArrayLength() - 1, (int)(u * p.Value.GetArrayLength()));
            return Scalar(p.Value[i], $"{field}.choice[{i}]");
        }
        if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() != 2 || !p.Value[0].TryGetDouble(out double lo) || !p.Value[1].TryGetDouble(out double hi) || !(lo <= hi))
            throw new FormatException($"field '{field}.{p.Name}' must be [lo, hi] with lo ≤ hi");
        return p.Name switch
        {
            "uniform" => (lo + (hi - lo) * u).ToString("R", CultureInfo.InvariantCulture),
            "log_uniform" => lo > 0 ? Math.Exp(Math.Log(lo) + (Math.Log(hi) - Math.Log(lo)) * u).ToString("R", CultureInfo.InvariantCulture) : throw new FormatException($"field '{field}.log_uniform' needs lo > 0"),
            "int_uniform" => lo == Math.Floor(lo) && hi == Math.Floor(hi) && Math.Abs(lo) < 1e15 && Math.Abs(hi) < 1e15
                ? ((long)Math.Floor(lo + (hi - lo + 1) * u)).ToString(CultureInfo.InvariantCulture)
                : throw new FormatException($"field '{field}.int_uniform' needs whole-number bounds; got [{p.Value[0].GetRawText()}, {p.Value[1].GetRawText()}]"),
            _ => throw new FormatException($"field '{field}': unknown distribution '{p.Name}'; expected choice, uniform, log_uniform or int_uniform"),
        };
    }

    private static string Canonicalize(JsonElement root) => IO.JsonText.Build(root.WriteTo);
}
