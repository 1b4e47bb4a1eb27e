using System.Globalization;
using nietras.SeparatedValues;

namespace FastIL.Cli.Infrastructure;

/// <summary>What to do with one data row of a <see cref="CsvFile"/>.</summary>
public delegate void CsvRowAction(in CsvRow row);

/// <summary>
/// A comma-separated file with a header line, read by Sep: rows stream through a reused buffer and fields are spans,
/// so a large file costs no string per field. The header is read and checked once (duplicate names, its line); each
/// pass over the rows checks field counts and quoting and names file, line and column in every error.
/// </summary>
public sealed class CsvFile
{
    private readonly int _headerLine;

    private CsvFile(string path, string[] header, int headerLine)
    {
        Path = path;
        Header = header;
        _headerLine = headerLine;
    }

    /// <summary>Path as given (used in error messages).</summary>
    public string Path { get; }

    /// <summary>Column names (trimmed, unquoted).</summary>
    public string[] Header { get; }

    /// <summary>"path:line" of the header, for errors about columns.</summary>
    public string HeaderLocation => $"{Path}:{_headerLine}";

    /// <summary>Index of a column, or -1.</summary>
    public int IndexOf(string column) => Array.IndexOf(Header, column);

    /// <summary>Opens <paramref name="path"/> and reads its header (blank lines before it are skipped).</summary>
    public static CsvFile Open(string path)
    {
        if (path.Length == 0) throw new CliException("an input file name is empty", 2);
        if (Directory.Exists(path)) throw new CliException($"{path}: is a directory; expected a CSV file", 1);
        if (!File.Exists(path)) throw new CliException($"{path}: no such file", 1);
        string[]? header = null;
        int line = 0;
        Guard(path, () =>
        {
            using var reader = Reader(path);
            foreach (var row in reader)
            {
                if (row.Span.IsEmpty) continue;
                CheckQuotes(path, row);
                line = LineOf(row);
                header = new string[row.ColCount];
                for (int c = 0; c < header.Length; c++) header[c] = Unquote(row[c].Span.Trim()).Trim().ToString();
                break;
            }
        });
        if (header is null) throw new CliException($"{path}: the file is empty (expected a header line)", 1);
        // A repeated name would make every lookup by name silently take the first of them.
        for (int h = 0; h < header.Length; h++)
            for (int g = 0; g < h; g++)
                if (header[g] == header[h]) throw new CliException($"{path}:{line}: column name '{header[h]}' appears twice (columns {g + 1} and {h + 1})", 1);
        return new CsvFile(path, header, line);
    }

    /// <summary>Streams the data rows (blank lines skipped) through <paramref name="action"/>; returns how many there were.</summary>
    public int ForEachRow(CsvRowAction action)
    {
        int count = 0;
        Guard(Path, () =>
        {
            using var reader = Reader(Path);
            bool headerSeen = false;
            foreach (var row in reader)
            {
                if (row.Span.IsEmpty) continue;
                CheckQuotes(Path, row);
                if (!headerSeen) { headerSeen = true; continue; }
                if (row.ColCount != Header.Length)
                    throw new CliException($"{Path}:{LineOf(row)}: expected {Header.Length} fields as in the header; found {row.ColCount}", 1);
                action(new CsvRow(this, row, count));
                count++;
            }
        });
        return count;
    }

    /// <summary>The numbers in <paramref name="columns"/> (values[j][row]) and each row's line, in one pass.</summary>
    public CsvNumbers ReadNumbers(IReadOnlyList<int> columns, CsvRowAction? check = null)
    {
        var values = new List<double>[columns.Count];
        for (int j = 0; j < values.Length; j++) values[j] = [];
        var lines = new List<int>();
        ForEachRow((in CsvRow row) =>
        {
            check?.Invoke(row);
            for (int j = 0; j < values.Length; j++) values[j].Add(row.Number(columns[j]));
            lines.Add(row.Line);
        });
        return new CsvNumbers([.. values.Select(v => v.ToArray())], [.. lines]);
    }

    /// <summary>A writer of CSV rows to <paramref name="output"/>; fields are written as given (see <see cref="CsvRow.Raw"/>).</summary>
    public static SepWriter Writer(TextWriter output)
        => Sep.New(',').Writer(o => o with { WriteHeader = false, Escape = false, DisableColCountCheck = true }).To(output);

    /// <summary>Writes one row of <paramref name="fields"/>, quoting them where RFC 4180 needs it.</summary>
    public static void WriteRow(SepWriter writer, IReadOnlyList<string> fields)
    {
        using var row = writer.NewRow();
        for (int c = 0; c < fields.Count; c++) row[c].Set(FastIL.IO.CsvText.Field(fields[c]));
    }

    // Fields stay raw (quotes kept) so that a row can be copied out unchanged and an unclosed quote is seen.
    private static SepReader Reader(string path)
        => Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = false, DisableColCountCheck = true }).FromFile(path);

    private static void CheckQuotes(string path, SepReader.Row row)
    {
        if (row.Span.Count('"') % 2 != 0) throw new CliException($"{path}:{LineOf(row)}: unterminated quoted field", 1);
    }

    /// <summary>The 1-based line where a row starts. Sep 0.17.1 reports the file's first row (read without a header)
    /// as starting on line 2; it starts on line 1.</summary>
    internal static int LineOf(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    private static void Guard(string path, Action read)
    {
        try { read(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"{path}: cannot read: {e.Message}", 1); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or NotSupportedException) { throw new CliException($"{path}: not a readable CSV file: {e.Message}", 1); }
    }

    /// <summary>A field's text without its RFC 4180 quotes (doubled quotes inside are left doubled; no number has any).</summary>
    internal static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field)
        => field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1] : field;
}

/// <summary>One data row of a <see cref="CsvFile"/>, valid during its <see cref="CsvRowAction"/> only.</summary>
public readonly ref struct CsvRow
{
    private readonly CsvFile _file;
    private readonly SepReader.Row _row;

    internal CsvRow(CsvFile file, SepReader.Row row, int index)
    {
        _file = file;
        _row = row;
        Index = index;
    }

    /// <summary>0-based index among the data rows.</summary>
    public int Index { get; }

    /// <summary>1-based line of the file where the row starts.</summary>
    public int Line => CsvFile.LineOf(_row);

    /// <summary>The field as it is in the file (quotes kept): what a copy of the row writes back.</summary>
    public ReadOnlySpan<char> Raw(int column) => _row[column].Span;

    /// <summary>The field's text, unquoted and trimmed.</summary>
    public ReadOnlySpan<char> Text(int column) => CsvFile.Unquote(_row[column].Span.Trim()).Trim();

    /// <summary>A finite number in <paramref name="column"/>, or an error naming file, line and column.</summary>
    public double Number(int column)
    {
        var text = Text(column);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new CliException($"{_file.Path}:{Line}: column '{_file.Header[column]}': expected a finite number; got '{_row[column].Span}'", 1);
        return v;
    }

    /// <summary>An error about this row's <paramref name="column"/>: "path:line: column 'name': message".</summary>
    public CliException Error(int column, string message) => new($"{_file.Path}:{Line}: column '{_file.Header[column]}': {message}", 1);
}

/// <summary>Numeric columns of a <see cref="CsvFile"/>: <see cref="Values"/>[j][row] and each row's line.</summary>
/// <param name="Values">One array per requested column.</param>
/// <param name="Lines">The file line of each row.</param>
public sealed record CsvNumbers(double[][] Values, int[] Lines)
{
    /// <summary>Rows read.</summary>
    public int Count => Lines.Length;
}
