using System.Text.Json;
using Xunit;

namespace FastIL.Tests.Cli;

[Collection("cli")]
public class TheoryCommandTests
{
    [Fact]
    public void Theory_WritesTheDocumentedJson_AndAPlot()
    {
        string dir = CliRunner.TempDir(), outPath = Path.Combine(dir, "t.json"), plot = Path.Combine(dir, "t.png");
        var (code, stdout, err) = CliRunner.Run("theory", "--horizons", "10,100", "--seeds", "1", "--mc-episodes", "256", "--out", outPath, "--plot", plot, "--quiet");
        Assert.True(code == 0, err);
        Assert.Contains("| H |", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(outPath));
        var root = doc.RootElement;
        Assert.Equal("DriftRing-v0", root.GetProperty("env").GetString());
        Assert.Equal(4096, root.GetProperty("config").GetProperty("positions").GetInt32());
        var rows = root.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        var row = rows[1];
        Assert.Equal(100, row.GetProperty("horizon").GetInt32());
        foreach (var m in new[] { "bc", "dagger" })
            foreach (var f in new[] { "epsilon", "epsilon_own", "value_gap", "value_gap_mc", "value_gap_mc_se", "labels" })
                Assert.True(row.GetProperty(m).TryGetProperty(f, out _), $"{m}.{f}");
        double bound = row.GetProperty("bound_bc").GetDouble(), eps = row.GetProperty("bc").GetProperty("epsilon").GetDouble();
        Assert.Equal(100.0 * 100.0 * eps, bound, 9);
        Assert.True(row.GetProperty("bc").GetProperty("value_gap").GetDouble() <= bound);
        Assert.True(row.GetProperty("dagger").GetProperty("value_gap").GetDouble() <= row.GetProperty("bound_dagger").GetDouble() + 1e-9);
        byte[] png = File.ReadAllBytes(plot);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
    }

    [Theory]
    [InlineData(new[] { "theory", "--horizons", "10,x" }, "item 2 is 'x'")]
    [InlineData(new[] { "theory", "--horizons", "10,10" }, "twice")]
    [InlineData(new[] { "theory", "--features", "rff:x" }, "expected identity, poly2")]
    [InlineData(new[] { "theory", "--period", "5000" }, "period must be in")]
    [InlineData(new[] { "theory", "--slip", "2" }, "--slip must be in [0, 1]")]
    [InlineData(new[] { "theory", "--out", "" }, "--out needs a file name")]
    [InlineData(new[] { "theory", "--hazards", "99" , "--positions", "100" }, "hazards must be in")]
    public void Theory_BadOptions_AreUsageErrors(string[] args, string expected)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Theory_OutputInAMissingDirectory_FailsBeforeAnyWork()
    {
        string dir = CliRunner.TempDir();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (code, _, err) = CliRunner.Run("theory", "--out", Path.Combine(dir, "missing", "t.json"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);
        Assert.True(sw.Elapsed.TotalSeconds < 1, "the check must come before the experiment");
        (code, _, err) = CliRunner.Run("theory", "--plot", dir);
        Assert.Equal(1, code);
        Assert.Contains("is a directory", err);
    }

    [Fact]
    public void Dagger_OnDriftRing_ReachesTheExpert()
    {
        var (code, stdout, err) = CliRunner.Run("dagger", "--env", "DriftRing-v0", "--eval-episodes", "500", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        double expert = doc.RootElement.GetProperty("expert_return_mean").GetDouble();
        Assert.Equal(100, expert);
        Assert.True(doc.RootElement.GetProperty("final").GetProperty("eval_return_mean").GetDouble() >= expert - 1);
    }
}
