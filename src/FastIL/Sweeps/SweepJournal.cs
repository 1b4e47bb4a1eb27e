using System.Text;

namespace FastIL.Sweeps;

/// <summary>
/// The append-only journal of finished runs (<c>journal.jsonl</c>): one line per run, written to the file as the run
/// finishes, so a killed sweep loses at most the runs in flight. A torn last line (killed mid-write) is cut off on load.
/// The file is forced to disk at most <see cref="SyncInterval"/> after a line and on close: a machine that goes down loses
/// at most that much of the journal, and those runs (deterministic) run again on resume.
/// </summary>
public sealed class SweepJournal : IDisposable
{
    /// <summary>
    /// How long a written line may wait for the disk. Forcing every line to disk cost 3% of a one-thread sweep of
    /// 2-ms runs (`perf`), for a guarantee that only a machine crash, not a killed process, needs.
    /// </summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(1);

    private readonly FileStream _stream;
    private readonly object _gate = new();
    private long _lastSync = System.Diagnostics.Stopwatch.GetTimestamp();

    private SweepJournal(FileStream stream) => _stream = stream;

    /// <summary>File name inside a sweep directory.</summary>
    public const string FileName = "journal.jsonl";

    /// <summary>Reads the complete records of a journal (none if the file is absent), cutting off a torn tail.</summary>
    public static List<SweepRecord> Load(string path, bool repair)
    {
        var records = new List<SweepRecord>();
        if (!File.Exists(path)) return records;
        byte[] bytes = File.ReadAllBytes(path);
        int start = 0;
        long good = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            string line = Encoding.UTF8.GetString(bytes, start, i - start);
            try { records.Add(SweepRecord.Parse(line)); }
            catch (FormatException e) { throw new FormatException($"{path}: line {records.Count + 1} is corrupt ({e.Message}); the journal was written by something else"); }
            start = i + 1;
            good = start;
        }
        if (good < bytes.Length && repair)
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
            fs.SetLength(good); // a run interrupted mid-write: drop its partial line, it will run again
        }
        return records;
    }

    /// <summary>Opens a journal for appending.</summary>
    public static SweepJournal OpenAppend(string path) => new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));

    /// <summary>
    /// Appends a record: written to the file before returning, and forced to disk if the last time was
    /// <see cref="SyncInterval"/> ago or more (thread-safe).
    /// </summary>
    public void Append(SweepRecord record)
    {
        byte[] line = Encoding.UTF8.GetBytes(record.ToJsonLine() + "\n");
        lock (_gate)
        {
            _stream.Write(line);
            bool sync = System.Diagnostics.Stopwatch.GetElapsedTime(_lastSync) >= SyncInterval;
            _stream.Flush(flushToDisk: sync);
            if (sync) _lastSync = System.Diagnostics.Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Forces the journal to disk and closes it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            try { _stream.Flush(flushToDisk: true); }
            finally { _stream.Dispose(); }
        }
    }
}
