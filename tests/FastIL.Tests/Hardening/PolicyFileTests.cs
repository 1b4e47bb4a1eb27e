using System.Text.Json.Nodes;
using FastIL.Policies;
using FastIL.Tests.Cli;
using Xunit;

namespace FastIL.Tests.Hardening;

/// <summary>
/// Malformed policy files: every command that reads one (eval here; predict, --expert and the native library share
/// PolicyJson.Parse) ends with exit 1 and one line naming the file and the field, never a stack trace or garbage.
/// </summary>
[Collection("cli")]
public class PolicyFileTests
{
    private static JsonNode Valid(string features = "identity")
    {
        var p = new LinearPolicy(features == "rff" ? PolicyKind.Linear : PolicyKind.Logistic, features == "rff" ? 0 : 2,
            features == "rff" ? FeatureMap.Rff(4, 3, 1.0, 7) : FeatureMap.Identity(4), ["x", "x_dot", "theta", "theta_dot"], standardize: true);
        for (int i = 0; i < p.Weights.Length; i++) p.Weights[i] = 0.5 + i;
        return JsonNode.Parse(PolicyJson.ToJson(p))!;
    }

    public static TheoryData<string, string> Mutations() => new()
    {
        { """{"kind": "logistic", "num_actions": 3}""", "field 'num_actions' is 3; a logistic policy has exactly 2" },
        { """{"kind": "softmax", "num_actions": 1}""", "field 'num_actions' is 1; a softmax policy has at least 2" },
        { """{"num_actions": 2000000000}""", "field 'num_actions' is 2000000000; expected 0 to 4096" },
        { """{"inputs": [1, 2, 3, 4]}""", "field 'inputs[0]' must be a string" },
        { """{"inputs": "x"}""", "field 'inputs' must be an array" },
        { """{"weights": {"a": 1}}""", "field 'weights' must be an array" },
        { """{"weights": [[1, 2, "3", 4]]}""", "field 'weights[0][2]' must be a number" },
        { """{"weights": [[1e400, 2, 3, 4]]}""", "field 'weights[0][0]' is not a finite number" },
        { """{"weights": [[1e39, 2, 3, 4]]}""", "beyond float32's range" },
        { """{"bias": [1, 2]}""", "field 'bias' has 2 values, expected 1" },
        { """{"standardize": 5}""", "field 'standardize' must be null or an object" },
        { """{"standardize": {"mean": [0, 0, 0, 0], "std": [1, 0, 1, 1]}}""", "field 'standardize.std[1]' is 0; a standard deviation must be > 0" },
        { """{"standardize": {"mean": [0, 0, 0, 0], "std": [1, -2, 1, 1]}}""", "field 'standardize.std[1]' is -2" },
        { """{"standardize": {"mean": [0, 0], "std": [1, 1, 1, 1]}}""", "field 'standardize.mean' has 2 values, expected 4" },
        { """{"features": {"type": "poly3"}}""", "field 'features.type' is 'poly3'" },
        { """{"features": {"type": "identity", "dimension": 9}}""", "field 'features.dimension' is 9" },
        { """{"version": 2}""", "field 'version' is 2" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Eval_MalformedPolicy_IsOneLineNamingTheField(string patch, string expected)
    {
        var node = Valid();
        foreach (var (k, v) in JsonNode.Parse(patch)!.AsObject()) node[k] = v?.DeepClone();
        string dir = CliRunner.TempDir(), path = Path.Combine(dir, "p.json");
        File.WriteAllText(path, node.ToJsonString());
        string before = File.ReadAllText(path);
        var (code, _, err) = CliRunner.Run("eval", "--env", "CartPole-v1", "--policy", path, "--episodes", "10");
        Assert.Equal(1, code);
        Assert.Contains(expected, err);
        Assert.StartsWith($"fastil: error: {path}:", err);
        Assert.DoesNotContain("   at ", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("omega", "[[1, 2, 3, 4]]", "field 'features.omega' must be an array of 3 rows")]
    [InlineData("omega", "[[1, 2], [1, 2], [1, 2]]", "field 'features.omega[0]' has 2 values, expected 4")]
    [InlineData("bandwidth", "-1", "field 'features.bandwidth' is -1")]
    [InlineData("phase", "[1, 2, 1e400]", "field 'features.phase[2]' is not a finite number")]
    public void RffParameters_AreChecked(string field, string value, string expected)
    {
        var node = Valid("rff");
        node["features"]![field] = JsonNode.Parse(value);
        var e = Assert.Throws<FormatException>(() => PolicyJson.Parse(node.ToJsonString()));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ValidPolicies_StillRoundTrip()
    {
        foreach (var f in new[] { "identity", "rff" })
        {
            var node = Valid(f);
            var p = PolicyJson.Parse(node.ToJsonString());
            Assert.Equal(node.ToJsonString(), JsonNode.Parse(PolicyJson.ToJson(p))!.ToJsonString());
        }
    }
}
