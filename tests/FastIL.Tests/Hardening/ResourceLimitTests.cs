using FastIL.Tests.Cli;
using Xunit;

namespace FastIL.Tests.Hardening;

/// <summary>
/// Requests that would exhaust memory or the stack are refused from their sizes, before any work, with the figure
/// and the limit: one line, exit 1 or 2, within seconds.
/// </summary>
[Collection("cli")]
public class ResourceLimitTests
{
    [Theory]
    [InlineData(new[] { "dagger", "--rollouts", "10000000" }, "would need about", "the limit is 8.0 GiB")]
    [InlineData(new[] { "bc", "--demos", "10000000", "--horizon", "10000000" }, "up to 100000000000000 labelled states", "the limit is 8.0 GiB")]
    [InlineData(new[] { "dagger", "--features", "rff:100000000" }, "at most 65536 random Fourier features", "")]
    public void Imitation_OversizedRuns_AreRefusedUpFront(string[] args, string expected, string also)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (code, _, err) = CliRunner.Run([.. args, "--quiet"]);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.Contains(also, err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.True(sw.Elapsed.TotalSeconds < 5, $"took {sw.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Fit_AMillionClasses_IsADataError_NotAStackOverflow()
    {
        string dir = CliRunner.TempDir(), data = Path.Combine(dir, "d.csv"), policy = Path.Combine(dir, "p.json");
        File.WriteAllText(data, "x,a\n1,0\n2,999999\n3,1\n");
        var (code, _, err) = CliRunner.Run("fit", "--data", data, "--label", "a", "--output", policy);
        Assert.Equal(1, code);
        Assert.Contains("d.csv:3: column 'a': a discrete policy needs integer labels 0..K-1 with K ≤ 4096; got '999999'", err);
        Assert.False(File.Exists(policy));
    }

    [Fact]
    public void Trainer_RefusesADesignMatrixBeyondTheBudget()
    {
        var data = new FastIL.Learning.Dataset(2, false, 1 << 20);
        data.Append(new FastIL.Policies.ArrayColumns([[0f, 1f], [1f, 0f]], 2), [0, 1]);
        var p = new FastIL.Policies.LinearPolicy(FastIL.Policies.PolicyKind.Logistic, 2, FastIL.Policies.FeatureMap.Rff(2, 65536, 1, 1), ["a", "b"], false);
        using var t = new FastIL.Learning.Trainer(new FastIL.Learning.TrainerOptions());
        Assert.Contains("the limit is 8.0 GiB", Assert.Throws<ArgumentException>(() => t.Fit(data, p)).Message);
    }
}
