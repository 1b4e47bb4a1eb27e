using FastIL.Sweeps;
using FastIL.Tests.Cli;
using Xunit;

namespace FastIL.Tests.Hardening;

/// <summary>Sweep specs, CSV files and teacher policies: refused with the field and what was expected.</summary>
[Collection("cli")]
public class InputValidationTests
{
    [Theory]
    [InlineData("""{"grid": {"l2": [1,2,3,4,5,6,7,8,9,10], "rollouts": [1,2,3,4,5,6,7,8,9,10], "iterations": [1,2,3,4,5,6,7,8,9,10], "horizon": [1,2,3,4,5,6,7,8,9,10], "eval-episodes": [1,2,3,4,5,6,7,8,9,10], "ent-weight": [1,2,3,4,5,6,7,8,9,10], "standardize": [true,false,true,false,true,false,true,false,true,false], "mixing": ["step","trajectory","step","trajectory","step","trajectory","step","trajectory","step","trajectory"], "select": ["best","last","best","last","best","last","best","last","best","last"], "features": ["identity","poly2","identity","poly2","identity","poly2","identity","poly2","identity","poly2"], "beta": ["indicator","indicator","indicator","indicator","indicator","indicator","indicator","indicator","indicator","indicator"]}}""", "the limit is 10000000")]
    [InlineData("""{"seeds": 2000000000}""", "field 'seeds' is 2000000000; a sweep has at most 10000000 runs")]
    [InlineData("""{"samples": {"count": 2, "options": {"l2": {"uniform": [0.1, 0.2]}}, "colour": 1}}""", "unknown field 'samples.colour'")]
    [InlineData("""{"seeds": [0, 1, -5]}""", "field 'seeds[2]' must be a non-negative integer")]
    [InlineData("""{"samples": {"count": 2, "options": {"rollouts": {"int_uniform": [1.5, 2.5]}}}}""", "needs whole-number bounds")]
    public void SweepSpecs_AreCheckedBeforeAnythingIsBuilt(string json, string expected)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Contains(expected, Assert.Throws<FormatException>(() => SweepSpec.Parse(json)).Message);
        Assert.True(sw.Elapsed.TotalSeconds < 2, "refused from the sizes, not after expanding");
    }

    [Fact]
    public void Csv_DuplicateColumnNames_AndADirectoryAsAFile_AreClearErrors()
    {
        string dir = CliRunner.TempDir(), data = Path.Combine(dir, "d.csv");
        File.WriteAllText(data, "x,x,a\n1,2,0\n3,4,1\n");
        var (code, _, err) = CliRunner.Run("fit", "--data", data, "--label", "a", "--output", Path.Combine(dir, "p.json"));
        Assert.Equal(1, code);
        Assert.Contains("d.csv:1: column name 'x' appears twice (columns 1 and 2)", err);
        (code, _, err) = CliRunner.Run("fit", "--data", dir, "--label", "a", "--output", Path.Combine(dir, "p.json"));
        Assert.Equal(1, code);
        Assert.Contains("is a directory; expected a CSV file", err);
        (code, _, err) = CliRunner.Run("eval", "--env", "CartPole-v1", "--policy", dir);
        Assert.Equal(1, code);
        Assert.Contains("is a directory; expected a JSON file", err);
    }

    [Fact]
    public void Predict_ValuesBeyondFloat32_AreRefused_NotPredictedAsGarbage()
    {
        string dir = CliRunner.TempDir(), data = Path.Combine(dir, "d.csv"), policy = Path.Combine(dir, "p.json");
        File.WriteAllText(data, "x,a\n1,0\n2,1\n3,1\n");
        Assert.Equal(0, CliRunner.Run("fit", "--data", data, "--label", "a", "--output", policy).Code);
        File.WriteAllText(data, "x,a\n1e39,0\n");
        var (code, _, err) = CliRunner.Run("predict", "--policy", policy, "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("d.csv:2: column 'x': 1E+39 does not fit in float32", err);
    }

    [Fact]
    public void Dagger_ATeacherOfTheWrongActionCount_IsRefusedBeforeTheRun()
    {
        string dir = CliRunner.TempDir(), teacher = Path.Combine(dir, "t.json");
        Assert.Equal(0, CliRunner.Run("dagger", "--env", "Acrobot-v1", "--eval-episodes", "20", "--save-policy", teacher, "--quiet").Code);
        // Acrobot's observation has 6 components; a 3-action teacher there is fine, on MountainCar (2 inputs) it is not.
        var (code, _, err) = CliRunner.Run("dagger", "--env", "MountainCar-v0", "--expert", teacher, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("takes 6 inputs", err);
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "t.json")))!;
        string two = Path.Combine(dir, "two.json");
        Assert.Equal(0, CliRunner.Run("dagger", "--env", "CartPole-v1", "--eval-episodes", "20", "--save-policy", two, "--quiet").Code);
        var cp = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(two))!;
        cp["inputs"] = node["inputs"]!.DeepClone();
        cp["features"]!["dimension"] = 6;
        cp["weights"] = System.Text.Json.Nodes.JsonNode.Parse("[[1,1,1,1,1,1]]");
        cp["standardize"] = null;
        File.WriteAllText(two, cp.ToJsonString());
        (code, _, err) = CliRunner.Run("dagger", "--env", "Acrobot-v1", "--expert", two, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("is a logistic policy with 2 actions; Acrobot-v1 has 3 discrete actions", err);
    }
}
