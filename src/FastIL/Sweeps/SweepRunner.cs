using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FastIL.Algorithms;

namespace FastIL.Sweeps;

/// <summary>Progress of a sweep, reported after every finished run.</summary>
public readonly record struct SweepProgress(int Done, int Total, double RunsPerSecond, TimeSpan Eta);

/// <summary>Options of <see cref="SweepRunner.Run"/>.</summary>
public sealed record SweepOptions
{
    /// <summary>Runs executed at once (each on one thread).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>This machine's shard, 1-based (K of N): runs whose id mod N equals K−1.</summary>
    public int ShardIndex { get; init; } = 1;
    /// <summary>Number of shards N.</summary>
    public int ShardCount { get; init; } = 1;
    /// <summary>Called after each finished run (from worker threads, serialized).</summary>
    public Action<SweepProgress>? Progress { get; init; }
    /// <summary>Writes more outputs (the CLI's plots) while the directory is still locked, after the tables.</summary>
    public Action<IReadOnlyList<SweepRecord>>? WriteExtra { get; init; }
}

/// <summary>
/// Runs a sweep into a directory: <c>sweep.json</c> (spec, hash, shard), <c>journal.jsonl</c> (each finished run,
/// flushed as it finishes) and the tables of <see cref="SweepOutputs"/>. Re-running on the same directory after a
/// crash skips the recorded runs and finishes the rest; the tables come out byte-identical to an uninterrupted
/// sweep. A directory holding a different spec or shard is refused.
/// </summary>
public static class SweepRunner
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestFile = "sweep.json";

    /// <summary>The runs of shard K of N.</summary>
    public static IEnumerable<SweepRun> ShardRuns(SweepSpec spec, int k, int n) => spec.Runs.Where(r => r.Id % n == k - 1);

    /// <summary>Runs (or resumes) the sweep; returns the records of this shard's runs, in id order.</summary>
    public static IReadOnlyList<SweepRecord> Run(SweepSpec spec, string dir, SweepOptions options)
    {
        if (options.ShardCount < 1 || options.ShardIndex < 1 || options.ShardIndex > options.ShardCount)
            throw new ArgumentException($"shard {options.ShardIndex}/{options.ShardCount}: expected K/N with 1 ≤ K ≤ N");
        if (options.Threads < 1) throw new ArgumentException("threads must be ≥ 1");
        using var dirLock = SweepLock.Acquire(dir);
        CheckOrWriteManifest(spec, dir, options.ShardIndex, options.ShardCount);

        string journalPath = Path.Combine(dir, SweepJournal.FileName);
        var mine = ShardRuns(spec, options.ShardIndex, options.ShardCount).ToArray();
        var mineIds = mine.Select(r => r.Id).ToHashSet();
        var done = new Dictionary<int, SweepRecord>();
        foreach (var rec in SweepJournal.Load(journalPath, repair: true))
        {
            if (!mineIds.Contains(rec.Run)) throw new InvalidOperationException($"{journalPath}: run {rec.Run} does not belong to shard {options.ShardIndex}/{options.ShardCount} of this spec");
            CheckRecord(spec, rec, journalPath);
            done.TryAdd(rec.Run, rec);
        }
        var todo = mine.Where(r => !done.ContainsKey(r.Id)).ToArray();
        var results = new List<SweepRecord>(done.Values);

        using (var journal = SweepJournal.OpenAppend(journalPath))
        {
            int next = 0, finished = done.Count;
            var gate = new object();
            var clock = Stopwatch.StartNew();
            Exception? failure = null;
            void Worker()
            {
                using var ws = new ImitationWorkspace();
                int i;
                while (Volatile.Read(ref failure) is null && (i = Interlocked.Increment(ref next) - 1) < todo.Length)
                {
                    try
                    {
                        var run = todo[i];
                        var rec = SweepRecord.From(run, ImitationRunner.Run(run.Config, workspace: ws));
                        journal.Append(rec);
                        lock (gate)
                        {
                            results.Add(rec);
                            finished++;
                            double rate = (finished - done.Count) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                            options.Progress?.Invoke(new SweepProgress(finished, mine.Length, rate, TimeSpan.FromSeconds(rate > 0 ? (mine.Length - finished) / rate : 0)));
                        }
                    }
                    catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
                }
            }
            int threads = Math.Min(options.Threads, Math.Max(1, todo.Length));
            var workers = new Thread[threads - 1];
            for (int w = 0; w < workers.Length; w++) { workers[w] = new Thread(Worker) { IsBackground = true, Name = $"sweep-{w + 1}" }; workers[w].Start(); }
            Worker();
            foreach (var t in workers) t.Join();
            if (failure is not null) throw new InvalidOperationException($"a run failed: {failure.Message} (finished runs are kept; re-run to resume)", failure);
        }
        results.Sort((a, b) => a.Run.CompareTo(b.Run));
        SweepOutputs.Write(spec, dir, results);
        options.WriteExtra?.Invoke(results);
        return results;
    }

    /// <summary>A journal record must be the spec's run: same point and seed (a foreign record is an error, never a row).</summary>
    private static void CheckRecord(SweepSpec spec, SweepRecord rec, string journalPath)
    {
        if ((uint)rec.Run >= (uint)spec.Runs.Count) throw new InvalidOperationException($"{journalPath}: run {rec.Run} is not a run of this spec (it has {spec.Runs.Count})");
        var run = spec.Runs[rec.Run];
        if (rec.Point != run.Point || rec.Seed != run.Seed)
            throw new InvalidOperationException($"{journalPath}: the record of run {rec.Run} has point {rec.Point} and seed {rec.Seed}; this spec's run {rec.Run} is point {run.Point}, seed {run.Seed}");
    }

    private static void CheckOrWriteManifest(SweepSpec spec, string dir, int k, int n)
    {
        string path = Path.Combine(dir, ManifestFile);
        if (!File.Exists(path) && File.Exists(Path.Combine(dir, SweepJournal.FileName)) && new FileInfo(Path.Combine(dir, SweepJournal.FileName)).Length > 0)
            throw new InvalidOperationException($"{dir} holds a journal but no {ManifestFile}: its runs belong to an unknown spec. Use a new --out directory, or delete {dir} to start over");
        if (File.Exists(path))
        {
            var (hash, mk, mn) = ReadManifest(path);
            if (hash != spec.Hash)
                throw new InvalidOperationException($"{dir} holds a sweep of a different spec (hash {hash}, this spec is {spec.Hash}); the spec changed since that run. Use a new --out directory, or delete {dir} to start over");
            if (mk != k || mn != n)
                throw new InvalidOperationException($"{dir} holds shard {mk}/{mn}, not {k}/{n}");
            return;
        }
        WriteManifest(path, spec, k, n);
    }

    /// <summary>Writes <c>sweep.json</c>.</summary>
    public static void WriteManifest(string path, SweepSpec spec, int k, int n)
    {
        string json = IO.JsonText.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("format", "fastil.sweep");
            w.WriteNumber("version", 1);
            w.WriteString("hash", spec.Hash);
            w.WriteNumber("runs", spec.Runs.Count);
            w.WriteStartArray("shard"); w.WriteNumberValue(k); w.WriteNumberValue(n); w.WriteEndArray();
            w.WritePropertyName("spec");
            using (var doc = JsonDocument.Parse(spec.Canonical)) doc.RootElement.WriteTo(w);
            w.WriteEndObject();
        }, indented: true);
        SweepOutputs.Atomic(path, json + "\n");
    }

    /// <summary>Reads the hash and shard of a manifest.</summary>
    public static (string Hash, int K, int N) ReadManifest(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            if (r.GetProperty("format").GetString() != "fastil.sweep") throw new FormatException("not a fastil sweep manifest");
            var s = r.GetProperty("shard");
            return (r.GetProperty("hash").GetString()!, s[0].GetInt32(), s[1].GetInt32());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            throw new FormatException($"{path}: not a readable sweep manifest ({e.Message})");
        }
    }

    /// <summary>The spec stored in a manifest.</summary>
    public static SweepSpec ReadSpec(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return SweepSpec.Parse(doc.RootElement.GetProperty("spec").GetRawText());
    }

    /// <summary>
    /// Combines complete shard directories into what a single-machine sweep writes. Refuses shards of different
    /// specs or shard counts, overlapping shards, missing shards and incomplete shards, naming them.
    /// </summary>
    public static IReadOnlyList<SweepRecord> Merge(IReadOnlyList<string> shardDirs, string outDir, Action<SweepSpec, IReadOnlyList<SweepRecord>>? writeExtra = null)
    {
        if (shardDirs.Count == 0) throw new ArgumentException("merge needs at least one shard directory");
        SweepSpec? spec = null;
        int n = 0;
        var seen = new Dictionary<int, string>();
        var records = new List<SweepRecord>();
        foreach (var dir in shardDirs)
        {
            string manifest = Path.Combine(dir, ManifestFile);
            if (!File.Exists(manifest)) throw new InvalidOperationException($"{dir}: no {ManifestFile}; not a sweep output directory");
            var (hash, k, sn) = ReadManifest(manifest);
            spec ??= ReadSpec(manifest);
            if (hash != spec.Hash) throw new InvalidOperationException($"{dir} is a shard of a different spec (hash {hash}, expected {spec.Hash})");
            if (n == 0) n = sn;
            else if (sn != n) throw new InvalidOperationException($"{dir} is shard {k}/{sn} but the others are of {n} shards");
            if (seen.TryGetValue(k, out var other)) throw new InvalidOperationException($"overlapping shards: shard {k}/{n} is in both {other} and {dir}");
            seen[k] = dir;
            string journalPath = Path.Combine(dir, SweepJournal.FileName);
            var recs = SweepJournal.Load(journalPath, repair: false);
            var shardRuns = ShardRuns(spec, k, n).Select(r => r.Id).ToHashSet();
            foreach (var rec in recs)
            {
                if (!shardRuns.Contains(rec.Run)) throw new InvalidOperationException($"{journalPath}: run {rec.Run} does not belong to shard {k}/{n}");
                CheckRecord(spec, rec, journalPath);
            }
            int expected = shardRuns.Count;
            int distinct = recs.Select(r => r.Run).Distinct().Count();
            if (distinct != expected) throw new InvalidOperationException($"shard {k}/{n} in {dir} is incomplete: {distinct} of {expected} runs finished (re-run its fastil sweep command to finish it)");
            records.AddRange(recs.GroupBy(r => r.Run).Select(g => g.First()));
        }
        var missing = Enumerable.Range(1, n).Where(k => !seen.ContainsKey(k)).ToArray();
        if (missing.Length > 0) throw new InvalidOperationException($"missing shards: {string.Join(", ", missing.Select(k => $"{k}/{n}"))}");
        using var dirLock = SweepLock.Acquire(outDir);
        string outManifest = Path.Combine(outDir, ManifestFile);
        if (File.Exists(outManifest) || File.Exists(Path.Combine(outDir, SweepJournal.FileName)))
            throw new InvalidOperationException($"{outDir} already holds a sweep; merge into a new directory");
        records.Sort((a, b) => a.Run.CompareTo(b.Run));
        WriteManifest(outManifest, spec!, 1, 1);
        SweepOutputs.Atomic(Path.Combine(outDir, SweepJournal.FileName), string.Concat(records.Select(r => r.ToJsonLine() + "\n")));
        SweepOutputs.Write(spec!, outDir, records);
        writeExtra?.Invoke(spec!, records);   // still under the output directory's lock
        return records;
    }
}
