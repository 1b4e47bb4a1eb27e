using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Learning;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>
/// Fused rollout chunks (<c>FusedRollout</c>: a 16-lane block's state in registers for 32 steps, the expert rule and the
/// policy's lane code per step) against the column loop of <c>BlockedRollout</c> on the same blocks: the data set's
/// rows (observations and labels, in order) and the lane-steps must agree bit for bit, on every SIMD path, for both
/// mixing modes and for lane counts around the 16-lane groups and the 512-lane blocks.
/// </summary>
public class FusedRolloutTests
{
    public static TheoryData<string, int, SimdPath, Mixing, double, string> Cases() => new()
    {
        { "CartPole-v1", 40, SimdPath.Vector512, Mixing.PerStep, 0.3, "poly2" },
        { "Pendulum-v1", 33, SimdPath.Vector256, Mixing.PerStep, 0.5, "rff:32:1" },
        { "Acrobot-v1", 17, SimdPath.Scalar, Mixing.PerTrajectory, 0.5, "rff:16" },
        { "CartPole-v1", 37, SimdPath.Vector512, Mixing.PerStep, 0.5, "identity" },
        { "CartPole-v1", 530, SimdPath.Vector512, Mixing.PerTrajectory, 0.4, "identity" },   // two blocks, the second of 18 lanes
        { "CartPole-v1", 100, SimdPath.Vector256, Mixing.PerStep, 0.0, "identity" },
        { "CartPole-v1", 21, SimdPath.Scalar, Mixing.PerStep, 0.3, "identity" },
        { "MountainCar-v0", 50, SimdPath.Vector512, Mixing.PerStep, 0.6, "identity" },
        { "Acrobot-v1", 40, SimdPath.Vector256, Mixing.PerTrajectory, 0.5, "identity" },
        { "Acrobot-v1", 19, SimdPath.Vector512, Mixing.PerStep, 1.0, "identity" },            // the expert alone (no policy)
        { "Pendulum-v1", 45, SimdPath.Vector512, Mixing.PerStep, 0.5, "identity" },           // continuous: the expert's actions as targets
        { "MountainCarContinuous-v0", 20, SimdPath.Scalar, Mixing.PerTrajectory, 0.5, "identity" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedChunks_GiveTheColumnLoopsRows(string id, int m, SimdPath path, Mixing mixing, double beta, string features)
    {
        if (path == SimdPath.Vector512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) path = SimdPath.Vector256;
        if (path == SimdPath.Vector256 && !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) path = SimdPath.Scalar;
        var spec = EnvRegistry.Get(id);
        var config = ImitationConfig.For(id) with { Rollouts = m, Mixing = mixing, Seed = 5 };
        // A standardized policy with weights of its own, so that it disagrees with the expert and ends trajectories at
        // other steps.
        var kind = !spec.IsDiscrete ? PolicyKind.Linear : spec.ActionCount == 2 ? PolicyKind.Logistic : PolicyKind.Softmax;
        var policy = new LinearPolicy(kind, spec.IsDiscrete ? spec.ActionCount : 0,
            FeatureMap.Parse(features, spec.ObservationSize, 3), spec.ObservationNames, standardize: true);
        var rng = new System.Random(m);
        for (int k = 0; k < policy.Weights.Length; k++) policy.Weights[k] = rng.NextDouble() * 4 - 2;
        for (int j = 0; j < policy.Mean.Length; j++) { policy.Mean[j] = 0.05 * j; policy.Std[j] = 0.5 + j; }

        (Dataset Data, long Steps) Roll(bool fused)
        {
            using var rollout = new BlockedRollout(spec, m, 200, threads: 2, path) { Fused = fused };
            var data = new Dataset(spec.ObservationSize, continuous: !spec.IsDiscrete);
            long steps = 0;
            for (int iteration = 0; iteration < 2; iteration++) steps += rollout.Run(policy, data, config, iteration, beta);
            return (data, steps);
        }
        var (fusedData, fusedSteps) = Roll(fused: true);
        var (columnData, columnSteps) = Roll(fused: false);
        Assert.Equal(columnSteps, fusedSteps);
        Assert.Equal(columnData.Count, fusedData.Count);
        Assert.True(fusedData.Count > m);
        Assert.Equal(columnData.Labels.ToArray(), fusedData.Labels.ToArray());
        Assert.Equal(columnData.Targets.ToArray(), fusedData.Targets.ToArray());
        for (int j = 0; j < spec.ObservationSize; j++) Assert.Equal(columnData.Column(j).ToArray(), fusedData.Column(j).ToArray());
    }
}
