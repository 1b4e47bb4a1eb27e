using System.Text.Json;
using FastIL.Algorithms;
using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Cli;

/// <summary>
/// <c>fastil env list</c> and the README's table of defaults both come from the registry: the command lists every
/// registered env with its default learner and budget, and the README's table has exactly one row per registered env
/// whose learner and budget columns are the registry's (adding an env without its README row fails here).
/// </summary>
[Collection("cli")]
public class EnvListTests
{
    [Fact]
    public void EnvList_ListsEveryRegisteredEnv()
    {
        var (code, stdout, err) = CliRunner.Run("env", "list");
        Assert.True(code == 0, err);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(EnvRegistry.All.Count + 1, lines.Length);
        foreach (var spec in EnvRegistry.All)
        {
            var d = ImitationConfig.For(spec.Id);
            Assert.Contains(lines, l => l.StartsWith(spec.Id + " ") && l.Contains(d.LearnerSummary(spec)) && l.EndsWith($"{d.Iterations} × {d.Rollouts}"));
        }

        (code, stdout, err) = CliRunner.Run("env", "list", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(EnvRegistry.All.Select(s => s.Id), doc.RootElement.EnumerateArray().Select(e => e.GetProperty("env").GetString()));
        var pendulum = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("env").GetString() == "Pendulum-v1");
        Assert.Equal(2.0, pendulum.GetProperty("action_high").GetDouble());
        Assert.Equal("linear (MSE), rff:128:1 (standardized), λ=1e-6", pendulum.GetProperty("learner").GetString());
    }

    [Fact]
    public void ReadmeDefaultsTable_IsTheRegistrys()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepoRoot(), "README.md"));
        int start = readme.IndexOf("| env | policy, features | iterations × rollouts |", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README's table of defaults was not found");
        var rows = readme[start..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.Equal(EnvRegistry.All.Count, rows.Count);
        foreach (var spec in EnvRegistry.All)
        {
            var row = rows.SingleOrDefault(r => r[1] == spec.Id || r[1].StartsWith(spec.Id + " "));
            Assert.True(row is not null, $"README's table of defaults has no row for {spec.Id}");
            var d = ImitationConfig.For(spec.Id);
            Assert.Equal(d.LearnerSummary(spec), row[2]);
            Assert.Equal($"{d.Iterations} × {d.Rollouts}", row[3]);
        }
    }
}
