using System.Text.Json;
using FastIL.Cli.Infrastructure;
using Xunit;

namespace FastIL.Tests.Cli;

[Collection("cli")]
public class EnvCommandTests
{
    [Fact]
    public void Replay_WritesRowsMatchingGymnasium()
    {
        string dir = CliRunner.TempDir();
        string output = Path.Combine(dir, "out.csv");
        var (code, _, err) = CliRunner.Run("env", "replay", "--env", "Pendulum-v1", "--input", TestData.RefCsv("Pendulum-v1"), "--output", output, "--precision", "float64");
        Assert.True(code == 0, err);
        var refT = CsvTable.Read(TestData.RefCsv("Pendulum-v1"));
        var outT = CsvTable.Read(output);
        Assert.Equal(refT.Header, outT.Header);
        Assert.Equal(refT.Rows.Count, outT.Rows.Count);
        int c = refT.IndexOf("next_state_1"), rw = refT.IndexOf("reward");
        for (int r = 0; r < refT.Rows.Count; r++)
        {
            Assert.True(Math.Abs(refT.Number(r, c) - outT.Number(r, c)) <= 1e-9 * Math.Max(1, Math.Abs(refT.Number(r, c))));
            Assert.True(Math.Abs(refT.Number(r, rw) - outT.Number(r, rw)) <= 1e-9 * Math.Max(1, Math.Abs(refT.Number(r, rw))));
        }
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
    }

    [Fact]
    public void Replay_MinimalInput_AddsOutputColumns()
    {
        string dir = CliRunner.TempDir();
        string input = Path.Combine(dir, "in.csv"), output = Path.Combine(dir, "out.csv");
        File.WriteAllText(input, "state_0,state_1,state_2,state_3,action\n0,0,0,0,1\n0.1,0,0,0,0\n");
        var (code, _, err) = CliRunner.Run("env", "replay", "--env", "CartPole-v1", "--input", input, "--output", output);
        Assert.True(code == 0, err);
        var t = CsvTable.Read(output);
        Assert.Contains("next_state_3", t.Header);
        Assert.Contains("next_obs_0", t.Header);
        Assert.Equal("1", t.Rows[0][t.IndexOf("reward")]);
        Assert.Equal("0", t.Rows[0][t.IndexOf("terminated")]);
        Assert.True(t.Number(0, t.IndexOf("next_state_1")) > 0); // pushed right
    }

    [Theory]
    [InlineData("state_0,state_1,action\n0,0,1\n", "CartPole-v1", "missing column 'state_2'")]
    [InlineData("state_0,state_1,state_2,state_3,action\n0,0,abc,0,1\n", "CartPole-v1", ":2: column 'state_2': expected a finite number; got 'abc'")]
    [InlineData("state_0,state_1,state_2,state_3,action\n0,0,0,0,1\n0,0,0\n", "CartPole-v1", ":3: expected 5 fields")]
    [InlineData("state_0,state_1,state_2,state_3,action\n0,0,0,0,2\n", "CartPole-v1", "integer action in [0, 1]")]
    [InlineData("state_0,state_1,state_2,state_3,action\n0,0,0,0,1\n", "MountainCar-v0", "'state_2' present, but MountainCar-v0 has only 2")]
    [InlineData("state_0,state_1,state_2,state_3\n0,0,0,0\n", "CartPole-v1", "missing column 'action'")]
    [InlineData("", "CartPole-v1", "empty")]
    [InlineData("state_0,state_1,state_2,state_3,action\n0,0,nan,0,1\n", "CartPole-v1", "finite number")]
    public void Replay_BadInput_IsAClearErrorNamingTheProblem_AndWritesNothing(string csv, string env, string expected)
    {
        string dir = CliRunner.TempDir();
        string input = Path.Combine(dir, "in.csv"), output = Path.Combine(dir, "out.csv");
        File.WriteAllText(input, csv);
        var (code, _, err) = CliRunner.Run("env", "replay", "--env", env, "--input", input, "--output", output);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err); // no stack trace
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData(new[] { "env", "replay", "--env", "CartPole-v0", "--input", "x", "--output", "y" }, "unknown env 'CartPole-v0'")]
    [InlineData(new[] { "env", "bench", "--env", "CartPole-v1", "--envs", "zero" }, "--envs expects an integer")]
    [InlineData(new[] { "env", "bench", "--env", "CartPole-v1", "--bogus" }, "unknown option --bogus")]
    [InlineData(new[] { "env", "bench", "--env", "CartPole-v1", "--path", "avx" }, "--path must be one of")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    public void BadOptions_AreClearErrors(string[] args, string expected)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void Bench_Json_HasTheDocumentedShape()
    {
        var (code, output, err) = CliRunner.Run("env", "bench", "--env", "MountainCar-v0", "--envs", "256", "--seconds", "0.05", "--json", "--threads", "2");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("MountainCar-v0", doc.RootElement.GetProperty("env").GetString());
        Assert.Equal(256, doc.RootElement.GetProperty("envs").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("threads").GetInt32());
        var results = doc.RootElement.GetProperty("results");
        Assert.True(results.GetArrayLength() >= 1);
        Assert.Equal("scalar", results[0].GetProperty("path").GetString());
        Assert.True(results[0].GetProperty("steps_per_second").GetDouble() > 0);
    }
}
