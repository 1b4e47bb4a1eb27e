using FastIL.Cli.Infrastructure;
using Xunit;

namespace FastIL.Tests.Cli;

/// <summary>The CLI's CSV reader (Sep underneath): errors name file, line and column; rows stream as spans.</summary>
public class CsvFileTests
{
    private static string Write(string text)
    {
        string path = Path.Combine(CliRunner.TempDir(), "d.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Error(Action read) => Assert.Throws<CliException>(read).Message;

    [Fact]
    public void LineNumbers_CountBlankLinesAndQuotedLineBreaks()
    {
        string path = Write("\n\nx,note\n1,plain\n\n2,\"two\nlines\"\n3,\"q \"\"x\"\"\"\n");
        var file = CsvFile.Open(path);
        Assert.Equal(["x", "note"], file.Header);
        Assert.EndsWith("d.csv:3", file.HeaderLocation);
        var numbers = file.ReadNumbers([0]);
        Assert.Equal([1.0, 2.0, 3.0], numbers.Values[0]);
        Assert.Equal([4, 6, 8], numbers.Lines);
    }

    [Fact]
    public void RawFields_KeepTheirQuotes_TextDropsThem()
    {
        string path = Write("a,b\n\"1,5\",\" 7 \"\n");
        var raw = new List<string>();
        var text = new List<string>();
        CsvFile.Open(path).ForEachRow((in CsvRow row) => { raw.Add(row.Raw(0).ToString()); text.Add(row.Text(1).ToString()); });
        Assert.Equal(["\"1,5\""], raw);
        Assert.Equal(["7"], text);
    }

    [Theory]
    [InlineData("x,y\n1,2\n3\n", "d.csv:3: expected 2 fields as in the header; found 1")]
    [InlineData("x,y\n1,2\n3,4,5\n", "d.csv:3: expected 2 fields as in the header; found 3")]
    [InlineData("x,y\n1,2\n\"3,4\n", "d.csv:3: unterminated quoted field")]
    [InlineData("x,y\n1,abc\n", "d.csv:2: column 'y': expected a finite number; got 'abc'")]
    [InlineData("x,y\n1,NaN\n", "d.csv:2: column 'y': expected a finite number; got 'NaN'")]
    [InlineData("x,y\n\"1\",\"2\"\n\n5,oops\n", "d.csv:4: column 'y': expected a finite number; got 'oops'")]
    [InlineData("\n\n", "d.csv: the file is empty (expected a header line)")]
    [InlineData("\nx,y,x\n", "d.csv:2: column name 'x' appears twice (columns 1 and 3)")]
    public void BadFiles_NameTheLineAndColumn(string text, string expected)
    {
        string path = Write(text);
        string message = Error(() => CsvFile.Open(path).ReadNumbers([0, 1]));
        Assert.EndsWith(expected, message);
        Assert.StartsWith(path, message);
    }

    [Fact]
    public void Writer_QuotesHeaderFieldsThatNeedIt_AndCopiesRawRows()
    {
        string src = Write("a,\"b,c\"\n\"x,1\",2\n");
        var file = CsvFile.Open(src);
        var sw = new StringWriter();
        using (var writer = CsvFile.Writer(sw))
        {
            CsvFile.WriteRow(writer, [.. file.Header, "out"]);
            file.ForEachRow((in CsvRow row) =>
            {
                using var o = writer.NewRow();
                o[0].Set(row.Raw(0));
                o[1].Set(row.Raw(1));
                o[2].Format(0.1);
            });
        }
        Assert.Equal(["a,\"b,c\",out", "\"x,1\",2,0.1"], sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }
}
