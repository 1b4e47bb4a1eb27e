using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>States at and one ulp around thresholds: float64 decides on the double value, float32 on the real threshold.</summary>
public class ThresholdTests
{
    private static bool TerminatesFrom(string envId, Precision p, double[] state, double action)
    {
        using var env = EnvRegistry.Create(envId, 1, new EnvOptions { Precision = p, AutoReset = AutoResetMode.Disabled });
        env.SetState(0, state);
        env.StepDynamics([action]);
        return env.Terminated[0];
    }

    [Fact]
    public void CartPole_XExactlyAtThreshold_DoesNotTerminate_OneUlpAbove_Does()
    {
        // With ẋ = 0 and θ = θ̇ = 0, x is unchanged by the step.
        Assert.False(TerminatesFrom("CartPole-v1", Precision.Float64, [2.4, 0, 0, 0], 1));
        Assert.True(TerminatesFrom("CartPole-v1", Precision.Float64, [Math.BitIncrement(2.4), 0, 0, 0], 1));
        Assert.True(TerminatesFrom("CartPole-v1", Precision.Float64, [-Math.BitIncrement(2.4), 0, 0, 0], 1));
        // float32: float(2.4) > 2.4, so the float state 2.4f is past the real threshold, as Gymnasium would judge it.
        Assert.True(TerminatesFrom("CartPole-v1", Precision.Float32, [2.4f, 0, 0, 0], 1));
        Assert.False(TerminatesFrom("CartPole-v1", Precision.Float32, [MathF.BitDecrement(2.4f), 0, 0, 0], 1));
    }

    [Fact]
    public void MountainCar_GoalReachedOnlyWithNonNegativeVelocity()
    {
        // position 0.49, velocity 0.01 → reaches ~0.5 region; compute with the env and compare with the rule.
        using var env = EnvRegistry.Create("MountainCar-v0", 3, new EnvOptions { Precision = Precision.Float64, AutoReset = AutoResetMode.Disabled });
        env.SetState(0, [0.6, 0.0]);    // at the right wall, velocity after step > 0? cos(1.8)<0 → gravity pushes right
        env.SetState(1, [-1.2, -0.05]); // left wall: velocity is zeroed
        env.SetState(2, [0.3, 0.0]);
        env.StepDynamics([2, 0, 1]);
        var s = new double[2];
        env.GetState(1, s);
        Assert.Equal(-1.2, s[0]);
        Assert.Equal(0.0, s[1]);
        env.GetState(0, s);
        Assert.Equal(s[0] >= 0.5 && s[1] >= 0, env.Terminated[0]);
        Assert.True(env.Terminated[0]);
        Assert.False(env.Terminated[2]);
    }

    [Fact]
    public void MountainCarContinuous_RewardUsesUnclippedAction_DynamicsClip()
    {
        using var env = EnvRegistry.Create("MountainCarContinuous-v0", 2, new EnvOptions { Precision = Precision.Float64, AutoReset = AutoResetMode.Disabled });
        env.SetState(0, [-0.5, 0.0]);
        env.SetState(1, [-0.5, 0.0]);
        env.StepDynamics([3.0, 1.0]);
        var a = new double[2]; var b = new double[2];
        env.GetState(0, a); env.GetState(1, b);
        Assert.Equal(b, a);                                  // clipped to 1 for the dynamics
        Assert.Equal(-(3.0 * 3.0) * 0.1, env.Reward(0));     // unclipped in the reward
        Assert.Equal((double)(float)a[0], a[0]);             // state stored as float32
    }

    [Fact]
    public void Pendulum_ClipsTorque_AndNeverTerminates()
    {
        using var env = EnvRegistry.Create("Pendulum-v1", 2, new EnvOptions { Precision = Precision.Float64, AutoReset = AutoResetMode.Disabled });
        env.SetState(0, [1.0, 0.5]);
        env.SetState(1, [1.0, 0.5]);
        env.StepDynamics([-7.0, -2.0]);
        Assert.Equal(env.Reward(1), env.Reward(0));
        Assert.False(env.Terminated[0]);
    }

    [Fact]
    public void Acrobot_WrapsAnglesIntoPlusMinusPi_AndClipsVelocities()
    {
        using var env = EnvRegistry.Create("Acrobot-v1", 1, new EnvOptions { Precision = Precision.Float64, AutoReset = AutoResetMode.Disabled });
        env.SetState(0, [3.1, -3.1, 40.0, -40.0]);
        env.StepDynamics([2]);
        var s = new double[4];
        env.GetState(0, s);
        Assert.InRange(s[0], -Math.PI, Math.PI);
        Assert.InRange(s[1], -Math.PI, Math.PI);
        Assert.InRange(s[2], -4 * Math.PI, 4 * Math.PI);
        Assert.InRange(s[3], -9 * Math.PI, 9 * Math.PI);
    }
}
