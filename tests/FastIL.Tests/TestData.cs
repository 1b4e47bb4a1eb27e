using System.Globalization;
using FastIL.Cli.Infrastructure;

namespace FastIL.Tests;

/// <summary>Paths of the data shipped with the tests (copied from shared/refdata; see Data/refdata/README.md).</summary>
internal static class TestData
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Data");
    public static string RefCsv(string envId) => Path.Combine(Dir, "refdata", envId + ".csv");
    public static CsvTable Ref(string envId) => CsvTable.Read(RefCsv(envId));

    /// <summary>The envs with Gymnasium reference rows: the registry's classic-control envs.</summary>
    public static readonly string[] EnvIds = [.. FastIL.Envs.EnvRegistry.ClassicControl.Select(s => s.Id)];
    public static IEnumerable<object[]> Envs() => EnvIds.Select(e => new object[] { e });

    /// <summary>The repository's root (the folder holding FastIL.sln above the test binaries).</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FastIL.sln"))) return d.FullName;
        throw new InvalidOperationException("FastIL.sln not found above the test binaries");
    }
}

/// <summary>A small CSV held whole as strings, for tests that look rows up by index (read through the CLI's <see cref="CsvFile"/>).</summary>
internal sealed class CsvTable
{
    public required string[] Header { get; init; }
    public required List<string[]> Rows { get; init; }
    public required List<int> LineNumbers { get; init; }

    public int IndexOf(string column) => Array.IndexOf(Header, column);

    public double Number(int r, int c) => double.Parse(Rows[r][c], NumberStyles.Float, CultureInfo.InvariantCulture);

    public static CsvTable Read(string path)
    {
        var file = CsvFile.Open(path);
        var rows = new List<string[]>();
        var lines = new List<int>();
        file.ForEachRow((in CsvRow row) =>
        {
            var fields = new string[file.Header.Length];
            for (int c = 0; c < fields.Length; c++) fields[c] = row.Text(c).ToString();
            rows.Add(fields);
            lines.Add(row.Line);
        });
        return new CsvTable { Header = file.Header, Rows = rows, LineNumbers = lines };
    }
}
