using FastIL.Tests.Cli;
using Xunit;

namespace FastIL.Tests.Hardening;

/// <summary>Outputs never destroy inputs, are checked before the work, and keep CSV fields intact.</summary>
[Collection("cli")]
public class OutputFileTests
{
    private static readonly string Iris = Path.Combine(AppContext.BaseDirectory, "Data", "iris.csv");

    [Fact]
    public void AnOutputNamingAnInput_IsRefused_AndTheInputIsUnchanged()
    {
        string dir = CliRunner.TempDir(), data = Path.Combine(dir, "d.csv");
        File.Copy(Iris, data);
        string before = File.ReadAllText(data);
        var (code, _, err) = CliRunner.Run("fit", "--data", data, "--label", "label", "--features-columns", "petal_length", "--output", Path.Combine(dir, ".", "d.csv"));
        Assert.Equal(2, code);
        Assert.Contains("--output and --data name the same file", err);
        Assert.Equal(before, File.ReadAllText(data));

        string policy = Path.Combine(dir, "p.json");
        Assert.Equal(0, CliRunner.Run("fit", "--data", data, "--label", "label", "--features-columns", "petal_length", "--output", policy).Code);
        (code, _, err) = CliRunner.Run("predict", "--policy", policy, "--data", data, "--output", data);
        Assert.Equal(2, code);
        Assert.Equal(before, File.ReadAllText(data));
        string link = Path.Combine(dir, "link.csv");
        File.CreateSymbolicLink(link, data);
        (code, _, err) = CliRunner.Run("predict", "--policy", policy, "--data", data, "--output", link);
        Assert.Equal(2, code);
        Assert.Contains("name the same file", err);
        Assert.Equal(before, File.ReadAllText(data));
    }

    [Fact]
    public void Dagger_OutAndSavePolicyOnOneFile_OrAMissingDirectory_FailBeforeTheRun()
    {
        string dir = CliRunner.TempDir(), f = Path.Combine(dir, "r.json");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (code, _, err) = CliRunner.Run("dagger", "--out", f, "--save-policy", f, "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("--out and --save-policy name the same file", err);
        (code, _, err) = CliRunner.Run("dagger", "--out", f, "--save-policy", Path.Combine(dir, "missing", "p.json"), "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);
        Assert.False(File.Exists(f));   // nothing written: the check came before the run
        (code, _, err) = CliRunner.Run("dagger", "--out", "", "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("--out needs a file name", err);
        Assert.True(sw.Elapsed.TotalSeconds < 5);
    }

    [Fact]
    public void Predict_KeepsQuotedFieldsQuoted_SoColumnsStayInPlace()
    {
        string dir = CliRunner.TempDir(), data = Path.Combine(dir, "d.csv"), policy = Path.Combine(dir, "p.json"), output = Path.Combine(dir, "o.csv");
        File.WriteAllText(data, "note,x,label\n\"a,b\",1,0\n\"say \"\"hi\"\"\",2,1\nplain,3,1\n");
        Assert.Equal(0, CliRunner.Run("fit", "--data", data, "--label", "label", "--features-columns", "x", "--output", policy).Code);
        var (code, _, err) = CliRunner.Run("predict", "--policy", policy, "--data", data, "--output", output);
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(output);
        Assert.StartsWith("\"a,b\",1,0,", lines[1]);
        Assert.StartsWith("\"say \"\"hi\"\"\",2,1,", lines[2]);
        // Read back, every row has as many fields as the header.
        var table = CsvTable.Read(output);
        Assert.All(table.Rows, r => Assert.Equal(table.Header.Length, r.Length));
        Assert.Equal("a,b", table.Rows[0][0]);
    }
}
