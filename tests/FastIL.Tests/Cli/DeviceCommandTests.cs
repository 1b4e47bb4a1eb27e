using System.Text.Json;
using Xunit;

namespace FastIL.Tests.Cli;

[Collection("cli")]
public class DeviceCommandTests
{
    [Fact]
    public void KernelsPtx_WritesOneFilePerKernel()
    {
        string dir = Path.Combine(CliRunner.TempDir(), "ptx");
        var (code, _, err) = CliRunner.Run("kernels", "ptx", "--out", dir);
        Assert.True(code == 0, err);
        var files = Directory.GetFiles(dir, "*.ptx");
        Assert.True(files.Length >= 5, $"{files.Length} files");
        Assert.All(files, f => Assert.DoesNotContain(".extern", File.ReadAllText(f)));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
    }

    [Fact]
    public void EnvBench_OnTheCpuAccelerator_Runs()
    {
        var (code, stdout, err) = CliRunner.Run("env", "bench", "--env", "CartPole-v1", "--envs", "1024", "--seconds", "0.2", "--device", "ilgpu-cpu", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("ilgpu-cpu", doc.RootElement.GetProperty("device").GetString());
        Assert.True(doc.RootElement.GetProperty("results")[0].GetProperty("steps_per_second").GetDouble() > 0);
    }

    [Fact]
    public void Eval_OnTheCpuAccelerator_EqualsSimd()
    {
        string dir = CliRunner.TempDir(), policy = Path.Combine(dir, "p.json");
        Assert.Equal(0, CliRunner.Run("dagger", "--env", "Acrobot-v1", "--eval-episodes", "50", "--save-policy", policy, "--quiet").Code);
        var a = CliRunner.Run("eval", "--env", "Acrobot-v1", "--policy", policy, "--episodes", "300", "--json");
        var b = CliRunner.Run("eval", "--env", "Acrobot-v1", "--policy", policy, "--episodes", "300", "--device", "ilgpu-cpu", "--json");
        Assert.True(a.Code == 0 && b.Code == 0, a.Err + b.Err);
        using var da = JsonDocument.Parse(a.Out); using var db = JsonDocument.Parse(b.Out);
        foreach (var f in new[] { "return_mean", "return_std", "return_min", "return_max", "length_mean", "disagreement", "env_steps" })
            Assert.Equal(da.RootElement.GetProperty(f).GetDouble(), db.RootElement.GetProperty(f).GetDouble());
    }

    [Theory]
    [InlineData(new[] { "dagger", "--device", "tpu" }, 2, "--device must be one of simd|ilgpu-cpu|cuda|auto")]
    [InlineData(new[] { "dagger", "--env", "DriftRing-v0", "--device", "ilgpu-cpu" }, 2, "no ILGPU kernels")]
    [InlineData(new[] { "kernels", "ptx", "--out", "/tmp", "--arch", "sm_70" }, 2, "--arch must be one of sm_80|sm_90")]
    public void DeviceOptions_BadValues_AreClearErrors(string[] args, int exit, string expected)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(exit, code);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }
}
