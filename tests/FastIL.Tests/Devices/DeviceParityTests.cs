using FastIL.Algorithms;
using FastIL.Devices;
using Xunit;

namespace FastIL.Tests.Devices;

/// <summary>
/// The ILGPU kernels on ILGPU's CPU accelerator against the SIMD path: a whole BC/DAgger run (rollouts, labels,
/// fits on the data they produce, evaluations, ε) must be bit-identical for the same seed.
/// </summary>
public class DeviceParityTests
{
    private static void AssertSameRun(RunResult a, RunResult b)
    {
        Assert.Equal(a.EnvSteps, b.EnvSteps);
        Assert.Equal(a.SelectedIteration, b.SelectedIteration);
        Assert.Equal(a.Expert, b.Expert);
        Assert.Equal(a.Final, b.Final);
        Assert.Equal(a.Iterations.Count, b.Iterations.Count);
        for (int i = 0; i < a.Iterations.Count; i++)
        {
            var x = a.Iterations[i]; var y = b.Iterations[i];
            Assert.Equal(x.DatasetSize, y.DatasetSize);
            Assert.Equal(x.RolloutSteps, y.RolloutSteps);
            Assert.Equal(x.Eval, y.Eval);
            Assert.Equal(x.Fit, y.Fit);
        }
        Assert.Equal(a.Policy.Weights, b.Policy.Weights);
        Assert.Equal(a.Policy.Bias, b.Policy.Bias);
    }

    [Theory]
    [InlineData("CartPole-v1", 0UL)]
    [InlineData("Acrobot-v1", 1UL)]
    [InlineData("Pendulum-v1", 2UL)]
    [InlineData("MountainCar-v0", 3UL)]
    [InlineData("MountainCarContinuous-v0", 4UL)]
    public void IlgpuCpu_DaggerRun_IsBitIdenticalToSimd(string env, ulong seed)
    {
        var config = ImitationConfig.For(env) with { Seed = seed, EvalEpisodes = 200 };
        var simd = ImitationRunner.Run(config);
        var device = ImitationRunner.Run(config with { Device = ComputeDevice.IlgpuCpu });
        AssertSameRun(simd, device);
    }

    /// <summary>
    /// The policy's lane code (<c>LinearLanes</c>) is the same for the SIMD lanes and the kernels' G32 lanes: poly2
    /// (logistic and softmax) and random Fourier features (the continuous defaults above), and coarse maps, which the
    /// kernels still compute apart.
    /// </summary>
    [Theory]
    [InlineData("CartPole-v1", "poly2")]
    [InlineData("Acrobot-v1", "poly2")]
    [InlineData("MountainCar-v0", "rff:16:2")]
    [InlineData("CartPole-v1", "coarse:4")]
    public void IlgpuCpu_FeatureMaps_AreBitIdenticalToSimd(string env, string features)
    {
        var config = ImitationConfig.For(env) with { Features = features, Standardize = features.StartsWith("rff"), Iterations = 3, Seed = 6, EvalEpisodes = 150 };
        AssertSameRun(ImitationRunner.Run(config), ImitationRunner.Run(config with { Device = ComputeDevice.IlgpuCpu }));
    }

    [Fact]
    public void IlgpuCpu_PerTrajectoryMixingAndBc_AreBitIdenticalToSimd()
    {
        var mixed = ImitationConfig.For("CartPole-v1") with { Seed = 9, EvalEpisodes = 100, Beta = BetaSchedule.Parse("exp:0.5"), Mixing = Mixing.PerTrajectory };
        AssertSameRun(ImitationRunner.Run(mixed), ImitationRunner.Run(mixed with { Device = ComputeDevice.IlgpuCpu }));
        var perStep = mixed with { Mixing = Mixing.PerStep, Beta = BetaSchedule.Parse("linear:3") };
        AssertSameRun(ImitationRunner.Run(perStep), ImitationRunner.Run(perStep with { Device = ComputeDevice.IlgpuCpu }));
        var bc = ImitationConfig.For("Acrobot-v1") with { Algorithm = Algorithm.BC, Iterations = 1, Rollouts = 12, EvalEpisodes = 100, Seed = 4 };
        AssertSameRun(ImitationRunner.Run(bc), ImitationRunner.Run(bc with { Device = ComputeDevice.IlgpuCpu }));
    }

    [Fact]
    public void Cuda_WhereThereIsNone_IsAClearError_NotAFallback()
    {
        if (IlgpuSession.CudaAvailable()) return;   // a machine with a GPU runs the CUDA path instead (bench/gpu)
        var e = Assert.Throws<DeviceUnavailableException>(() => ImitationRunner.Run(ImitationConfig.For("CartPole-v1") with { Device = ComputeDevice.Cuda }));
        Assert.Contains("no CUDA device", e.Message);
        Assert.Equal(ComputeDevice.Simd, ComputeDevices.Resolve(ComputeDevice.Auto));
    }

    [Fact]
    public void DeviceRuns_RefuseATeacherExpert_AndEnvsWithoutKernels()
    {
        var teacher = new FastIL.Experts.PolicyExpert(new FastIL.Policies.LinearPolicy(FastIL.Policies.PolicyKind.Logistic, 2,
            FastIL.Policies.FeatureMap.Identity(4), ["a", "b", "c", "d"], false), 16);
        var config = ImitationConfig.For("CartPole-v1") with { Device = ComputeDevice.IlgpuCpu };
        Assert.Contains("built-in experts only", Assert.Throws<ArgumentException>(() => ImitationRunner.Run(config, teacher)).Message);
        var ring = ImitationConfig.For("DriftRing-v0") with { Device = ComputeDevice.IlgpuCpu };
        Assert.Contains("no ILGPU kernels", Assert.Throws<ArgumentException>(() => ImitationRunner.Run(ring)).Message);
    }
}
