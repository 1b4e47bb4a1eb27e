using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>Stepping a batch allocates nothing, single- or multi-threaded, whatever the resets.</summary>
public class AllocationTests
{
    [Theory]
    [InlineData("CartPole-v1", 1, SimdPath.Auto)]
    [InlineData("CartPole-v1", 2, SimdPath.Auto)]
    [InlineData("Acrobot-v1", 1, SimdPath.Scalar)]
    [InlineData("Pendulum-v1", 2, SimdPath.Auto)]
    public void Step_AllocatesZeroBytes(string envId, int threads, SimdPath path)
    {
        using var env = EnvRegistry.Create(envId, 4096, new EnvOptions { Threads = threads, Path = path });
        env.Reset(0);
        var ia = new int[4096]; var fa = new float[4096];
        for (int i = 0; i < ia.Length; i++) { ia[i] = i % 2; fa[i] = (i % 5) - 2; }
        void Step() { if (env.Spec.IsDiscrete) env.Step(ia); else env.Step(fa); }
        for (int s = 0; s < 50; s++) Step(); // warm up: JIT, tiering, first resets
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 200; s++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(env.EpisodesCompleted > 0 || envId == "Acrobot-v1");
    }
}
