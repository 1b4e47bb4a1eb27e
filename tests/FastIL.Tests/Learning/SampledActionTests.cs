using System.Runtime.Intrinsics;
using FastIL.Envs;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Lanes;
using FastIL.Kernels.Policies;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// Sampled actions as lane code (<see cref="LinearLanes.Sample{TL, TP}"/>, the Gumbel-max rule): the SIMD lanes draw
/// exactly the actions of the column passes (<see cref="PolicyInference.Sample{TSrc}"/>) for the same lanes and counter,
/// and the draws follow the policy's probabilities.
/// </summary>
public class SampledActionTests
{
    public static TheoryData<PolicyKind, int, string> Policies() => new()
    {
        { PolicyKind.Logistic, 2, "identity" },
        { PolicyKind.Softmax, 3, "identity" },
        { PolicyKind.Softmax, 4, "poly2" },
        { PolicyKind.Softmax, 2, "rff:12" },
        { PolicyKind.Logistic, 2, "rff:8:0.7" },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void LaneSamples_AreTheColumnPassesSamples(PolicyKind kind, int classes, string features)
    {
        const int d = 4, n = 64;
        var p = TestDatasets.Policy(kind, d, classes, features, standardize: true);
        var rng = new System.Random(classes * 7 + features.Length);
        for (int k = 0; k < p.Weights.Length; k++) p.Weights[k] = rng.NextDouble() * 2 - 1;
        for (int j = 0; j < d; j++) { p.Mean[j] = 0.1 * j; p.Std[j] = 0.5 + 0.25 * j; }
        var cols = new float[d][];
        for (int j = 0; j < d; j++) { cols[j] = new float[n]; for (int i = 0; i < n; i++) cols[j][i] = (float)(rng.NextDouble() * 4 - 2); }
        var inference = new PolicyInference(p, n);
        var expected = new int[n];
        inference.Sample(new ArrayColumns(cols, n), expected, seed: 11, counter: 5, firstLane: 1000);
        Assert.Equal(Lanes<F32>(inference, cols, n), expected);
        if (Vector256.IsHardwareAccelerated) Assert.Equal(Lanes<V256F32>(inference, cols, n), expected);
        if (Vector512.IsHardwareAccelerated) Assert.Equal(Lanes<V512F32>(inference, cols, n), expected);
        // Another counter draws other actions somewhere (the noise is not stuck).
        var other = new int[n];
        inference.Sample(new ArrayColumns(cols, n), other, seed: 11, counter: 6, firstLane: 1000);
        Assert.NotEqual(expected, other);
    }

    private static int[] Lanes<TL>(PolicyInference inference, float[][] cols, int n) where TL : struct, ILane<TL, float>
    {
        var actions = new int[n];
        var tmp = new float[TL.Count];
        for (int i = 0; i < n; i += TL.Count)
        {
            EnvObs<TL> o = default;
            o.O0 = TL.Load(ref cols[0][i]); o.O1 = TL.Load(ref cols[1][i]); o.O2 = TL.Load(ref cols[2][i]); o.O3 = TL.Load(ref cols[3][i]);
            TL.StoreSingle(inference.SampledAction(in o, seed: 11, firstLane: 1000 + (ulong)i, counter: 5), ref tmp[0]);
            for (int l = 0; l < TL.Count; l++) actions[i + l] = (int)tmp[l];
        }
        return actions;
    }

    [Fact]
    public void Samples_FollowTheSoftmaxProbabilities()
    {
        // One input fixed at 0: every row has the logits (0, ln 2, ln 5), so P = (1, 2, 5)/8.
        var p = TestDatasets.Policy(PolicyKind.Softmax, 1, 3);
        p.Bias[0] = 0; p.Bias[1] = Math.Log(2); p.Bias[2] = Math.Log(5);
        const int n = 80000;
        var inference = new PolicyInference(p, n);
        var actions = new int[n];
        inference.Sample(new ArrayColumns([new float[n]], n), actions, seed: 3, counter: 0);
        var counts = new int[3];
        foreach (int a in actions) counts[a]++;
        double[] prob = [1 / 8.0, 2 / 8.0, 5 / 8.0];
        // Each count within 5 binomial standard deviations of its expectation.
        for (int a = 0; a < 3; a++) Assert.InRange(counts[a], n * prob[a] - 5 * Math.Sqrt(n * prob[a] * (1 - prob[a])), n * prob[a] + 5 * Math.Sqrt(n * prob[a] * (1 - prob[a])));
    }

    [Fact]
    public void Gumbel_IsFiniteAndHasTheStandardMean()
    {
        // E[g] = γ (Euler–Mascheroni), Var[g] = π²/6.
        const int n = 200000;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            float g = GumbelDraws.Gumbel(1, (ulong)i, 0, i % 4);
            Assert.True(float.IsFinite(g));
            sum += g;
        }
        Assert.InRange(sum / n, 0.5772156649 - 5 * Math.Sqrt(Math.PI * Math.PI / 6 / n), 0.5772156649 + 5 * Math.Sqrt(Math.PI * Math.PI / 6 / n));
    }

    [Fact]
    public void LinearPolicies_HaveNothingToSample()
    {
        var p = TestDatasets.Policy(PolicyKind.Linear, 1, 0);
        var inference = new PolicyInference(p, 1);
        Assert.Throws<InvalidOperationException>(() => inference.Sample(new ArrayColumns([new float[1]], 1), new int[1], 0, 0));
    }
}
