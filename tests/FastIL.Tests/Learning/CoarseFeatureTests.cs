using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Learning;

public class CoarseFeatureTests
{
    [Fact]
    public void Apply_OneHotOfTheCell_CrossedWithTheOtherInputs()
    {
        var map = FeatureMap.Parse("coarse:8", 2, 0);
        Assert.Equal(16, map.OutputDim);
        Assert.Equal(8, map.Cells);
        double[] x0 = [0, 9, -1, double.NaN, 7.9], x1 = [0, 1, 0.5, 2, 3];
        var phi = Enumerable.Range(0, 16).Select(_ => Enumerable.Repeat(-5.0, 5).ToArray()).ToArray();
        map.Apply<double>(new[] { x0, x1 }, phi, 0, 5);
        int[] cells = [0, 1, 7, 0, 7];   // ⌊x⌋ mod 8, negatives wrapped; NaN in cell 0
        for (int r = 0; r < 5; r++)
            for (int k = 0; k < 16; k++)
            {
                double expected = k == cells[r] ? 1 : k == 8 + cells[r] ? x1[r] : 0;
                Assert.Equal(expected, phi[k][r]);
            }
    }

    [Fact]
    public void PolicyJson_RoundTripsCoarseFeatures()
    {
        var p = new LinearPolicy(PolicyKind.Logistic, 2, FeatureMap.Coarse(2, 4), ["position", "off_road"], standardize: false);
        for (int k = 0; k < p.Weights.Length; k++) p.Weights[k] = k - 3.5;
        p.Bias[0] = 0.25;
        var q = PolicyJson.Parse(PolicyJson.ToJson(p));
        Assert.Equal(FeatureKind.Coarse, q.Features.Kind);
        Assert.Equal(4, q.Features.Cells);
        var obs = new ArrayColumns([[0f, 1f, 2f, 3f, 6f], [0f, 1f, 0f, 1f, 1f]], 5);
        int[] a = new int[5], b = new int[5];
        new PolicyInference(p, 5).Act(obs, a);
        new PolicyInference(q, 5).Act(obs, b);
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("coarse:0")]
    [InlineData("coarse:x")]
    [InlineData("coarse:65537")]
    public void Parse_RejectsBadCellCounts(string text)
        => Assert.Contains("coarse:M", Assert.Throws<FormatException>(() => FeatureMap.Parse(text, 2, 0)).Message);

    [Fact]
    public void Standardization_IsRefused_BecauseCellsReadRawInputs()
        => Assert.Contains("standardization", Assert.Throws<ArgumentException>(() => new LinearPolicy(PolicyKind.Logistic, 2, FeatureMap.Coarse(2, 4), ["a", "b"], standardize: true)).Message);

    [Fact]
    public void PolicyFile_WithCoarseFeaturesAndStandardization_IsAFormatError()
    {
        var p = new LinearPolicy(PolicyKind.Logistic, 2, FeatureMap.Coarse(2, 4), ["position", "off_road"], standardize: false);
        var node = System.Text.Json.Nodes.JsonNode.Parse(PolicyJson.ToJson(p))!;
        node["standardize"] = System.Text.Json.Nodes.JsonNode.Parse("{\"mean\":[0,0],\"std\":[1,1]}");
        string json = node.ToJsonString();
        Assert.Contains("cannot be standardized", Assert.Throws<FormatException>(() => PolicyJson.Parse(json)).Message);
    }
}
