using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Experts;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>
/// Fused evaluation episodes (<c>FusedEpisodes</c>: state, return, length and disagreement in registers, the policy as
/// lane code) against the column path (<see cref="Evaluator.RunEpisodes"/>: the batch stepped column by column, the
/// policy's column passes, the rule expert over the observation columns): every lane's return, length and
/// disagreement must agree bit for bit, on every SIMD path, for lane counts around the 16-lane blocks.
/// </summary>
public class FusedEpisodesTests
{
    public static TheoryData<string, string, int, SimdPath> Cases() => new()
    {
        { "CartPole-v1", "logistic", 1, SimdPath.Vector512 },
        { "CartPole-v1", "logistic:poly2", 37, SimdPath.Vector512 },
        { "Acrobot-v1", "softmax:poly2", 20, SimdPath.Scalar },
        { "Pendulum-v1", "linear:rff:32:1", 40, SimdPath.Vector512 },       // the continuous envs' default feature map
        { "MountainCarContinuous-v0", "linear:rff:16", 18, SimdPath.Vector256 },
        { "MountainCar-v0", "softmax:rff:8:2", 25, SimdPath.Scalar },
        { "CartPole-v1", "logistic", 37, SimdPath.Vector512 },      // two blocks and a partial one
        { "CartPole-v1", "softmax", 300, SimdPath.Vector256 },
        { "CartPole-v1", "logistic", 19, SimdPath.Scalar },
        { "MountainCar-v0", "softmax", 64, SimdPath.Vector512 },
        { "MountainCar-v0", "softmax", 23, SimdPath.Scalar },
        { "Acrobot-v1", "softmax", 50, SimdPath.Vector512 },
        { "Acrobot-v1", "softmax", 17, SimdPath.Vector256 },
        { "Pendulum-v1", "linear", 40, SimdPath.Vector512 },      // continuous: Σ |clip(a) − clip(e)| in double per lane
        { "Pendulum-v1", "linear", 9, SimdPath.Scalar },
        { "MountainCarContinuous-v0", "linear", 33, SimdPath.Vector256 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedEpisodes_GiveTheColumnPathsResults(string id, string head, int lanes, SimdPath path)
    {
        if (path == SimdPath.Vector512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) path = SimdPath.Vector256;
        if (path == SimdPath.Vector256 && !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) path = SimdPath.Scalar;
        var spec = EnvRegistry.Get(id);
        // A standardized policy with weights that make it disagree with the expert often (and end episodes at
        // different steps), so the masks, the counts and the early ends are all exercised.
        // "head" or "head:feature map".
        int colon = head.IndexOf(':');
        string features = colon < 0 ? "identity" : head[(colon + 1)..];
        head = colon < 0 ? head : head[..colon];
        var kind = head switch { "logistic" => PolicyKind.Logistic, "softmax" => PolicyKind.Softmax, _ => PolicyKind.Linear };
        var policy = new LinearPolicy(kind, spec.IsDiscrete ? spec.ActionCount : 0,
            FeatureMap.Parse(features, spec.ObservationSize, 3), spec.ObservationNames, standardize: true);
        var rng = new System.Random(lanes);
        for (int k = 0; k < policy.Weights.Length; k++) policy.Weights[k] = (rng.NextDouble() * 4 - 2) / Math.Sqrt(policy.FeatureDim / (double)spec.ObservationSize);
        for (int r = 0; r < policy.Bias.Length; r++) policy.Bias[r] = rng.NextDouble() - 0.5;
        for (int j = 0; j < policy.Mean.Length; j++) { policy.Mean[j] = 0.1 * j; policy.Std[j] = 0.5 + j; }
        var inference = new PolicyInference(policy, lanes);
        Assert.True(inference.HasLaneCode);
        var expert = BuiltinExperts.For(spec, lanes);

        foreach (var (actor, withExpert) in new[] { (inference, true), (inference, false), ((PolicyInference?)null, false), (null, true) })
        {
            using var env = EnvRegistry.Create(spec, lanes, new EnvOptions { AutoReset = AutoResetMode.Disabled, Path = path, MaxEpisodeSteps = 300 });
            var columns = Run(env, path, e => Evaluator.RunEpisodes(e.Env, actor, actor is null ? expert : null, withExpert ? expert : null,
                new int[lanes], new int[lanes], new float[lanes], new float[lanes], new bool[lanes], e.Returns, e.Lengths, e.Disagreement));
            // Compacted rounds (the default) and whole episodes per group.
            foreach (bool compact in new[] { true, false })
            {
                var slots = new EpisodeSlots(lanes) { Compacting = compact };
                var fused = Run(env, path, e => Assert.True(spec.Lanes!.TryRunEpisodes(e.Env, actor, withExpert, slots, e.Returns, e.Lengths, e.Disagreement)));
                Assert.Equal(columns.Returns, fused.Returns);
                Assert.Equal(columns.Lengths, fused.Lengths);
                Assert.Equal(columns.Disagreement, fused.Disagreement);
                if (withExpert && actor is not null) Assert.Contains(fused.Disagreement, d => d > 0);
            }
        }
    }

    [Fact]
    public void Float64AndFeatureMaps_TakeTheColumnPath()
    {
        var cartPole = EnvRegistry.Get("CartPole-v1");
        using (var env = EnvRegistry.Create(cartPole, 16, new EnvOptions { Precision = Precision.Float64 }))
        {
            env.Reset(1);
            Assert.False(cartPole.Lanes!.TryRunEpisodes(env, null, false, new EpisodeSlots(16), new double[16], new double[16], new double[16]));
        }
        var coarse = new LinearPolicy(PolicyKind.Logistic, 2, FeatureMap.Parse("coarse:4", 4, 0), cartPole.ObservationNames, standardize: false);
        var inference = new PolicyInference(coarse, 16);
        Assert.False(inference.HasLaneCode);
        using (var env = EnvRegistry.Create(cartPole, 16))
        {
            env.Reset(1);
            Assert.False(cartPole.Lanes!.TryRunEpisodes(env, inference, true, new EpisodeSlots(16), new double[16], new double[16], new double[16]));
        }
    }

    private sealed class Episodes(VectorEnv env, int lanes)
    {
        public readonly VectorEnv Env = env;
        public readonly double[] Returns = new double[lanes], Lengths = new double[lanes], Disagreement = new double[lanes];
    }

    private static Episodes Run(VectorEnv env, SimdPath path, Action<Episodes> run)
    {
        Assert.Equal(path, env.Path);
        env.Reset(11);
        var e = new Episodes(env, env.NumEnvs);
        run(e);
        return e;
    }
}
