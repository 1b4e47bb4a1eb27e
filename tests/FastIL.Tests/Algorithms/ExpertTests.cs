using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Experts;
using Xunit;

namespace FastIL.Tests.Algorithms;

public class ExpertTests
{
    // Gymnasium figures over reset seeds 0..99 (mean / min); ours use 1000 episodes from FastIL's own reset draws,
    // so the bands allow for sampling noise (about three standard errors of a 100-episode mean).
    [Theory]
    [InlineData("CartPole-v1", 500.0, 499.0, 501.0)]
    [InlineData("MountainCar-v0", -110.3, -113.0, -107.5)]
    [InlineData("Acrobot-v1", -78.7, -86.0, -72.0)]
    [InlineData("Pendulum-v1", -143.6, -170.0, -120.0)]
    [InlineData("MountainCarContinuous-v0", 90.1, 89.0, 91.2)]
    public void BuiltinExperts_MatchGymnasiumFigures(string envId, double gymnasiumMean, double lo, double hi)
    {
        var spec = EnvRegistry.Get(envId);
        using var evaluator = new Evaluator(spec, 1000);
        var r = evaluator.Evaluate(BuiltinExperts.For(spec, 1000), seed: 123);
        Assert.InRange(r.ReturnMean, lo, hi);
        Assert.InRange(gymnasiumMean, lo, hi);
        Assert.Equal(1000, r.Episodes);
    }

    [Fact]
    public void PendulumExpert_ClipsToTheTorqueLimit_AndBalancesNearTheTop()
    {
        var e = BuiltinExperts.For(EnvRegistry.Pendulum, 3);
        var a = new float[3];
        // Upright with a small tilt: PD term −(10θ + 2θ̇). Hanging and spinning: energy pumping, clipped.
        e.Act(new FastIL.Policies.ArrayColumns([[MathF.Cos(0.1f), -1f, 1f], [MathF.Sin(0.1f), 0f, 0f], [0f, 5f, 0f]], 3), a);
        Assert.Equal(-1.0f, a[0], 4);
        Assert.Equal(2f, a[1]);   // E = 12.5 − 30 < 0 → −2·E·θ̇ > 0, clipped
        Assert.Equal(0f, a[2]);
    }
}
