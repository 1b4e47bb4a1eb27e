using System.Globalization;
using System.Text;

namespace FastIL.Cli.Infrastructure;

/// <summary>A CSV file read whole: header and rows of fields, with 1-based file line numbers for errors.</summary>
public sealed class CsvTable
{
    /// <summary>Path as given (used in error messages).</summary>
    public required string Path { get; init; }
    /// <summary>Column names.</summary>
    public required string[] Header { get; init; }
    /// <summary>Data rows; each has exactly Header.Length fields.</summary>
    public required List<string[]> Rows { get; init; }
    /// <summary>File line number of each row.</summary>
    public required List<int> LineNumbers { get; init; }

    /// <summary>Index of a column, or -1.</summary>
    public int IndexOf(string column) => Array.IndexOf(Header, column);

    /// <summary>Reads a comma-separated file with a header line (RFC 4180 quoting). Ragged rows are errors.</summary>
    public static CsvTable Read(string path)
    {
        if (path.Length == 0) throw new CliException("an input file name is empty", 2);
        if (Directory.Exists(path)) throw new CliException($"{path}: is a directory; expected a CSV file", 1);
        if (!File.Exists(path)) throw new CliException($"{path}: no such file", 1);
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"{path}: cannot read: {e.Message}", 1); }
        int first = 0;
        while (first < lines.Length && lines[first].Trim().Length == 0) first++;
        if (first == lines.Length) throw new CliException($"{path}: the file is empty (expected a header line)", 1);
        string[] header = Split(lines[first], path, first + 1);
        for (int h = 0; h < header.Length; h++) header[h] = header[h].Trim();
        // A repeated name would make every lookup by name silently take the first of them.
        for (int h = 0; h < header.Length; h++)
            for (int g = 0; g < h; g++)
                if (header[g] == header[h]) throw new CliException($"{path}:{first + 1}: column name '{header[h]}' appears twice (columns {g + 1} and {h + 1})", 1);
        var rows = new List<string[]>();
        var numbers = new List<int>();
        for (int i = first + 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            string[] f = Split(lines[i], path, i + 1);
            if (f.Length != header.Length)
                throw new CliException($"{path}:{i + 1}: expected {header.Length} fields as in the header; found {f.Length}", 1);
            rows.Add(f);
            numbers.Add(i + 1);
        }
        return new CsvTable { Path = path, Header = header, Rows = rows, LineNumbers = numbers };
    }

    private static string[] Split(string line, string path, int lineNo)
    {
        if (!line.Contains('"')) return line.Split(',');
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(ch);
        }
        if (quoted) throw new CliException($"{path}:{lineNo}: unterminated quoted field", 1);
        fields.Add(sb.ToString());
        return fields.ToArray();
    }

    /// <summary>Parses a finite number in row r, column c, or fails naming file, line and column.</summary>
    public double Number(int r, int c)
    {
        string s = Rows[r][c].Trim();
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new CliException($"{Path}:{LineNumbers[r]}: column '{Header[c]}': expected a finite number; got '{Rows[r][c]}'", 1);
        return v;
    }
}

/// <summary>Writes text files atomically: to a temporary file beside the target, then renamed over it.</summary>
public static class AtomicFile
{
    /// <summary>One CSV line (RFC 4180): quoted fields stay quoted, so every later column stays in place.</summary>
    public static string CsvLine(IEnumerable<string> fields) => FastIL.IO.CsvText.Line(fields);

    /// <summary>Runs <paramref name="write"/> on a temp file and renames it to <paramref name="path"/> only if it succeeds.</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        string full = System.IO.Path.GetFullPath(path);
        string? dir = System.IO.Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new CliException($"{path}: directory {dir} does not exist", 1);
        string tmp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16)) write(w);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new CliException($"{path}: cannot write: {e.Message}", 1);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string p)
    {
        try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Shortest text that round-trips the double (invariant culture).</summary>
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
