using System.Text.Json;
using Xunit;

namespace FastIL.Tests.Cli;

[Collection("cli")]
public class DaggerCommandTests
{
    [Fact]
    public void Dagger_Out_HasTheDocumentedFields_AndSavePolicyWorksWithEval()
    {
        string dir = CliRunner.TempDir(), outPath = Path.Combine(dir, "r.json"), policy = Path.Combine(dir, "p.json");
        var (code, stdout, err) = CliRunner.Run("dagger", "--env", "CartPole-v1", "--eval-episodes", "100", "--out", outPath, "--save-policy", policy, "--quiet");
        Assert.True(code == 0, err);
        Assert.Contains("final (iteration", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(outPath));
        var root = doc.RootElement;
        foreach (var f in new[] { "env", "seed", "config", "expert_return_mean", "wall_seconds", "final", "iterations" }) Assert.True(root.TryGetProperty(f, out _), f);
        Assert.True(root.GetProperty("final").GetProperty("eval_return_mean").GetDouble() >= 475);
        var it = root.GetProperty("iterations")[0];
        foreach (var f in new[] { "iteration", "beta", "dataset_size", "eval_return_mean", "eval_return_std", "eval_return_min", "disagreement", "rollout_seconds", "fit_seconds" })
            Assert.True(it.TryGetProperty(f, out _), f);

        (code, stdout, err) = CliRunner.Run("eval", "--env", "CartPole-v1", "--policy", policy, "--episodes", "50", "--json");
        Assert.True(code == 0, err);
        using var ev = JsonDocument.Parse(stdout);
        Assert.True(ev.RootElement.GetProperty("return_mean").GetDouble() >= 475);
    }

    [Fact]
    public void Bc_RunsWithDemos()
    {
        var (code, stdout, err) = CliRunner.Run("bc", "--env", "Acrobot-v1", "--demos", "8", "--eval-episodes", "50", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("bc", doc.RootElement.GetProperty("algorithm").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("iterations").GetArrayLength());
    }

    [Theory]
    [InlineData(new[] { "dagger", "--env", "CartPole-v9" }, "unknown env 'CartPole-v9'")]
    [InlineData(new[] { "dagger", "--env", "CartPole-v1", "--policy", "linear" }, "discrete actions")]
    [InlineData(new[] { "dagger", "--beta", "exp:2" }, "P must be in [0, 1]")]
    [InlineData(new[] { "dagger", "--iterations", "0" }, "--iterations must be in [1,")]
    [InlineData(new[] { "dagger", "--features", "rff:x" }, "expected identity, poly2")]
    [InlineData(new[] { "bc", "--iterations", "3" }, "unknown option --iterations")]
    public void Dagger_InvalidOptions_AreClearErrors(string[] args, string expected)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }
}
