using System.Text;

namespace FastIL.Sweeps;

/// <summary>
/// The append-only journal of finished runs (<c>journal.jsonl</c>): one line per run, flushed to disk as the run
/// finishes, so a killed sweep loses at most the runs in flight. A torn last line (killed mid-write) is cut off on load.
/// </summary>
public sealed class SweepJournal : IDisposable
{
    private readonly FileStream _stream;
    private readonly object _gate = new();

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

    /// <summary>Appends a record and flushes it to disk before returning (thread-safe).</summary>
    public void Append(SweepRecord record)
    {
        byte[] line = Encoding.UTF8.GetBytes(record.ToJsonLine() + "\n");
        lock (_gate)
        {
            _stream.Write(line);
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
