using System.Text.Json;
using FastIL.Cli.Infrastructure;
using Xunit;

namespace FastIL.Tests.Cli;

[Collection("cli")]
public class FitCommandTests
{
    private static string Iris => Path.Combine(TestData.Dir, "iris.csv");

    [Fact]
    public void Fit_Iris_PrintsTheDocumentedJson_AndPredictReproducesTheAccuracy()
    {
        string dir = CliRunner.TempDir(), policy = Path.Combine(dir, "p.json"), pred = Path.Combine(dir, "pred.csv");
        var (code, output, err) = CliRunner.Run("fit", "--data", Iris, "--label", "label", "--features-columns", "sepal_length,sepal_width,petal_length,petal_width", "--C", "1", "--output", policy, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("gradient_norm").GetDouble() < 1e-6);
        Assert.Equal(3, root.GetProperty("weights").GetArrayLength());
        Assert.Equal(3, root.GetProperty("bias").GetArrayLength());
        Assert.InRange(root.GetProperty("objective").GetDouble(), 0.1, 0.3);
        double accuracy = root.GetProperty("accuracy").GetDouble();
        Assert.True(accuracy > 0.95);

        (code, _, err) = CliRunner.Run("predict", "--policy", policy, "--data", Iris, "--output", pred);
        Assert.True(code == 0, err);
        var t = CsvTable.Read(pred);
        int hits = Enumerable.Range(0, t.Rows.Count).Count(r => t.Number(r, t.IndexOf("action")) == t.Number(r, t.IndexOf("label")));
        Assert.Equal(accuracy, hits / (double)t.Rows.Count, 10);
    }

    [Fact]
    public void Fit_Linear_ReportsMse()
    {
        string dir = CliRunner.TempDir(), data = Path.Combine(dir, "d.csv"), policy = Path.Combine(dir, "p.json");
        File.WriteAllText(data, "x,y,a\n" + string.Join("\n", Enumerable.Range(0, 50).Select(i => $"{i * 0.25},{(i % 7) * 0.5},{2 * i * 0.25 - (i % 7) * 0.5 + 1}")) + "\n");
        var (code, output, err) = CliRunner.Run("fit", "--data", data, "--label", "a", "--policy", "linear", "--output", policy, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("mse").GetDouble() < 1e-12);
        Assert.Equal(1.0, doc.RootElement.GetProperty("bias")[0].GetDouble(), 8);
    }

    [Theory]
    [InlineData("x,a\n1,0\n2,abc\n", "d.csv:3: column 'a': expected a finite number; got 'abc'")]
    [InlineData("x,a\n1,0\nNaN,1\n", "d.csv:3: column 'x': expected a finite number")]
    [InlineData("x,a\n1,0\n1e999,1\n", "d.csv:3: column 'x': expected a finite number")]
    [InlineData("x,a\n1,0\n2\n", "d.csv:3: expected 2 fields")]
    [InlineData("x,a\n1,1\n2,1\n", "one class only")]
    [InlineData("x,a\n1,0\n2,-1\n", "d.csv:3: column 'a': a discrete policy needs integer labels")]
    [InlineData("x,a\n1,0\n2,0.5\n", "use --policy linear")]
    [InlineData("", "empty")]
    [InlineData("x,a\n", "no data rows")]
    public void Fit_BadData_IsAClearError_AndWritesNothing(string csv, string expected)
    {
        string dir = CliRunner.TempDir(), data = Path.Combine(dir, "d.csv"), policy = Path.Combine(dir, "p.json");
        File.WriteAllText(data, csv);
        var (code, _, err) = CliRunner.Run("fit", "--data", data, "--label", "a", "--output", policy);
        Assert.Equal(1, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(File.Exists(policy));
    }

    [Fact]
    public void Fit_LogisticWithThreeClasses_IsAClearError()
    {
        string dir = CliRunner.TempDir();
        var (code, _, err) = CliRunner.Run("fit", "--data", Iris, "--label", "label", "--features-columns", "sepal_length", "--policy", "logistic", "--output", Path.Combine(dir, "p.json"));
        Assert.Equal(1, code);
        Assert.Contains("labels 0 or 1", err);
    }

    [Fact]
    public void Predict_MissingInputColumn_IsAClearError()
    {
        string dir = CliRunner.TempDir(), policy = Path.Combine(dir, "p.json"), data = Path.Combine(dir, "d.csv");
        Assert.Equal(0, CliRunner.Run("fit", "--data", Iris, "--label", "label", "--features-columns", "petal_length,petal_width", "--output", policy).Code);
        File.WriteAllText(data, "petal_length\n1.0\n");
        var (code, _, err) = CliRunner.Run("predict", "--policy", policy, "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("no column 'petal_width'", err);
    }

    [Fact]
    public void Fit_CoarseFeaturesWithStandardization_IsAUsageError()
    {
        string dir = CliRunner.TempDir(), policy = Path.Combine(dir, "p.json");
        var (code, _, err) = CliRunner.Run("fit", "--data", Iris, "--label", "label", "--features-columns", "sepal_length,sepal_width", "--features", "coarse:4", "--standardize", "--output", policy);
        Assert.Equal(2, code);
        Assert.Contains("turn standardization off", err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(File.Exists(policy));
    }
}
