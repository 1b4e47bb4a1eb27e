using System.Diagnostics;
using FastIL.Devices;
using Xunit;

namespace FastIL.Tests.Devices;

public class PtxTests
{
    /// <summary>
    /// Every kernel compiles to PTX with no unresolved external function and keeps its arithmetic unfused (.rn forms).
    /// Where FASTIL_PTXAS names NVIDIA's ptxas (.ci/run extracts it with ../shared/tools/ptxas.sh), each file must also
    /// assemble for sm_90: text is not proof, the assembler is.
    /// </summary>
    [Fact]
    public void EveryKernel_CompilesToPtx_ThatPtxasAccepts()
    {
        var kernels = PtxExport.Compile(PtxExport.Architecture("sm_90"));
        Assert.True(kernels.Count >= 16, $"{kernels.Count} kernels");
        foreach (var (name, ptx) in kernels)
        {
            Assert.DoesNotContain(".extern", ptx);
            Assert.Contains(".target sm_", ptx);   // ILGPU 1.5.3 writes sm_80 for both choices; ptxas targets sm_90 below
        }
        Assert.Contains("fma.rn.f32", kernels.First(k => k.Name == "rollout-CartPole-v1.ptx").Ptx);
        Assert.Contains("mul.rn.f32", kernels.First(k => k.Name == "evaluate-Pendulum-v1.ptx").Ptx);

        string? ptxas = Environment.GetEnvironmentVariable("FASTIL_PTXAS");
        if (string.IsNullOrEmpty(ptxas)) return;
        Assert.True(File.Exists(ptxas), $"FASTIL_PTXAS={ptxas} does not exist");
        string dir = Path.Combine(Path.GetTempPath(), "fastil-ptx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (var (name, ptx) in kernels)
        {
            string file = Path.Combine(dir, name);
            File.WriteAllText(file, ptx);
            var psi = new ProcessStartInfo(ptxas, ["-arch=sm_90", file, "-o", file + ".cubin"]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"ptxas rejected {name}: {err}");
            Assert.True(new FileInfo(file + ".cubin").Length > 0);
        }
    }
}
