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
        { "CartPole-v1", 300, SimdPath.Vector256, Mixing.PerStep, 0.5, "identity" },          // many groups, compacted as lanes end
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

        (Dataset Data, long Steps) Roll(bool fused, bool compact)
        {
            using var rollout = new BlockedRollout(spec, m, 200, threads: 2, path) { Fused = fused, Compact = compact };
            var data = new Dataset(spec.ObservationSize, continuous: !spec.IsDiscrete);
            long steps = 0;
            for (int iteration = 0; iteration < 2; iteration++) steps += rollout.Run(policy, data, config, iteration, beta);
            return (data, steps);
        }
        var (columnData, columnSteps) = Roll(fused: false, compact: false);
        Assert.True(columnData.Count > m);
        foreach (bool compact in new[] { true, false })
        {
            var (fusedData, fusedSteps) = Roll(fused: true, compact);
            Assert.Equal(columnSteps, fusedSteps);
            Assert.Equal(columnData.Count, fusedData.Count);
            Assert.Equal(columnData.Labels.ToArray(), fusedData.Labels.ToArray());
            Assert.Equal(columnData.Targets.ToArray(), fusedData.Targets.ToArray());
            for (int j = 0; j < spec.ObservationSize; j++) Assert.Equal(columnData.Column(j).ToArray(), fusedData.Column(j).ToArray());
        }
    }

    /// <summary>
    /// Rows refilled into a data set's storage written before (a workspace's data set, cleared and reused) take streaming
    /// stores; they must be the plain stores' rows, for whole and compacted steps, discrete labels and continuous targets,
    /// and rows on new storage must not stream (their pages are new).
    /// </summary>
    [Theory]
    [InlineData("CartPole-v1", 300, 0.5)]
    [InlineData("Acrobot-v1", 530, 0.0)]
    [InlineData("Pendulum-v1", 70, 0.5)]
    public void StreamedRows_AreThePlainStoresRows(string id, int m, double beta)
    {
        var spec = EnvRegistry.Get(id);
        var config = ImitationConfig.For(id) with { Rollouts = m, Seed = 11 };
        var kind = !spec.IsDiscrete ? PolicyKind.Linear : spec.ActionCount == 2 ? PolicyKind.Logistic : PolicyKind.Softmax;
        var policy = new LinearPolicy(kind, spec.IsDiscrete ? spec.ActionCount : 0, FeatureMap.Parse("identity", spec.ObservationSize, 0),
            spec.ObservationNames, standardize: false);
        var rng = new System.Random(m);
        for (int k = 0; k < policy.Weights.Length; k++) policy.Weights[k] = rng.NextDouble() * 2 - 1;

        (Dataset Data, long Streamed) Roll(bool streaming)
        {
            using var rollout = new BlockedRollout(spec, m, 150, threads: 2) { Streaming = streaming, StreamingMinBytes = 0 };
            var data = new Dataset(spec.ObservationSize, continuous: !spec.IsDiscrete);
            // The first run writes new storage (plain stores); the second refills it after a clear, then appends past
            // what the first wrote.
            rollout.Run(policy, data, config, 0, beta);
            long first = rollout.StreamedRows;
            Assert.Equal(0, first);
            data.Clear();
            for (int iteration = 1; iteration < 3; iteration++) rollout.Run(policy, data, config, iteration, beta);
            return (data, rollout.StreamedRows);
        }
        var (plain, none) = Roll(streaming: false);
        var (streamed, rows) = Roll(streaming: true);
        Assert.Equal(0, none);
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            Assert.InRange(rows, 1, streamed.Count - 1);
        Assert.Equal(plain.Count, streamed.Count);
        Assert.Equal(plain.Labels.ToArray(), streamed.Labels.ToArray());
        Assert.Equal(plain.Targets.ToArray(), streamed.Targets.ToArray());
        for (int j = 0; j < spec.ObservationSize; j++) Assert.Equal(plain.Column(j).ToArray(), streamed.Column(j).ToArray());
    }

    /// <summary>
    /// Trajectories that end at different steps are compacted away: after a rollout whose lanes end in different
    /// chunks, the fused blocks use fewer slots than lanes (the column loop never moves a lane).
    /// </summary>
    [Fact]
    public void EndedLanes_AreCompactedOutOfTheGroups()
    {
        var spec = EnvRegistry.Get("MountainCar-v0");
        var config = ImitationConfig.For("MountainCar-v0") with { Rollouts = 600, Seed = 3 };
        var policy = new LinearPolicy(PolicyKind.Softmax, 3, FeatureMap.Parse("identity", 2, 0), spec.ObservationNames, standardize: false);
        // β = 1 (the expert drives): its episodes reach the goal after 80 to 170 steps, in different chunks. Stopped at
        // step 120 by the horizon, some lanes are still running in the chunk that starts at step 96.
        using var compacting = new BlockedRollout(spec, 600, 120, threads: 1);
        compacting.Run(policy, new Dataset(2, continuous: false), config, iteration: 0, beta: 1.0);
        int[] live = compacting.LiveSlots();
        Assert.Equal(2, live.Length);
        Assert.All(live, l => Assert.InRange(l, 1, 511));
        using var columns = new BlockedRollout(spec, 600, 120, threads: 1) { Fused = false };
        columns.Run(policy, new Dataset(2, continuous: false), config, iteration: 0, beta: 1.0);
        Assert.Equal([512, 88], columns.LiveSlots());
    }

    /// <summary>Compaction moves the running lanes' state, step count, mixing flag and lane forward, in order.</summary>
    [Fact]
    public void Compact_MovesRunningLanesForwardInOrder()
    {
        var stage = new RolloutStaging(first: 100, lanes: 6, d: 2, steps: 4);
        stage.Begin();
        float[][] state = [[0, 1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15]];
        float[] elapsed = [20, 21, 22, 23, 24, 25];
        bool[] ended = [true, false, true, true, false, false];
        for (int l = 0; l < 6; l++) { stage.ExpertLane[l] = l % 2 == 0; if (ended[l]) { stage.Active[l] = false; stage.ActiveCount--; } }
        stage.Compact(state, elapsed, group: 6);
        Assert.Equal(6, stage.Live);   // three running lanes still take the one group of six: nothing to gain
        Assert.Equal([0, 1, 2, 3, 4, 5], stage.LaneOf);
        stage.Compact(state, elapsed, group: 1);
        Assert.Equal(3, stage.Live);
        Assert.Equal([1, 4, 5], stage.LaneOf[..3]);
        Assert.Equal([1f, 4, 5], state[0][..3]);
        Assert.Equal([11f, 14, 15], state[1][..3]);
        Assert.Equal([21f, 24, 25], elapsed[..3]);
        Assert.Equal([false, true, false], stage.ExpertLane[..3]);
        Assert.Equal([true, true, true, false, false, false], stage.Active);
        // Lane 4 (now in slot 1) ends: the next compaction keeps lanes 1 and 5, still in order.
        stage.Active[1] = false; stage.ActiveCount--;
        stage.Compact(state, elapsed, group: 2);
        Assert.Equal(2, stage.Live);
        Assert.Equal([1, 5], stage.LaneOf[..2]);
        Assert.Equal([1f, 5], state[0][..2]);
    }
}
