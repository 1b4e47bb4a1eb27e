using FastIL.Learning;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Learning;

public class ReproducibleFitTests
{
    [Fact]
    public void Cos_DependsOnlyOnTheValues_NotWhereTheArrayLies()
    {
        var rnd = new System.Random(5);
        double[] a = [.. Enumerable.Range(0, 5000).Select(_ => rnd.NextDouble() * 6 - 3)];
        double[]? first = null;
        for (int off = 0; off < 8; off++)
        {
            var buf = new double[a.Length + 8];
            a.CopyTo(buf, off);
            Span<double> s = buf.AsSpan(off, a.Length);
            FastIL.Kernels.MathKernels.FastCos64.Cos(s, s);
            var r = s.ToArray();
            first ??= r;
            Assert.Equal(first, r);
        }
    }

    [Fact]
    public void RffFits_AreBitReproducible_RunAfterRun()
    {
        // With the BCL's vectorized cos, the pooled design matrix's address and the JIT tier changed the last bits of RFF
        // features and fits from run to run.
        var rnd = new System.Random(5);
        int n = 3200;
        var data = new Dataset(3, true, 4096);
        var cols = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray()).ToArray();
        data.Append(new ArrayColumns(cols, n), Enumerable.Range(0, n).Select(_ => (float)rnd.NextDouble()).ToArray());
        var objectives = new HashSet<double>();
        for (int k = 0; k < 6; k++)
        {
            var p = new LinearPolicy(PolicyKind.Linear, 0, FeatureMap.Parse("rff:128:1", 3, 3), ["a", "b", "c"], true);
            using var trainer = new Trainer(new TrainerOptions { L2 = 1e-6 });
            objectives.Add(trainer.Fit(data, p, warmStart: true).Objective);
            _ = new double[100_000 + k * 17];   // move the pool's and the heap's next addresses
        }
        Assert.Single(objectives);
    }

    [Fact]
    public void RidgeFits_AreTheSameOnAnyNumberOfThreads_WeightedOrNot()
    {
        // The normal matrix's rows are built on the worker threads (one dot product per entry, so no entry depends on
        // the thread that built it).
        var rnd = new System.Random(8);
        int n = 5000;
        foreach (bool weighted in new[] { false, true })
        {
            var data = new Dataset(3, true, n);
            var cols = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray()).ToArray();
            float[] targets = [.. Enumerable.Range(0, n).Select(i => cols[0][i] - 0.5f * cols[1][i] * cols[2][i])];
            float[] weights = [.. Enumerable.Range(0, n).Select(_ => (float)(0.1 + rnd.NextDouble()))];
            data.Append(new ArrayColumns(cols, n), targets, weighted ? weights : default);
            double[]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var p = new LinearPolicy(PolicyKind.Linear, 0, FeatureMap.Parse("rff:37:1", 3, 3), ["a", "b", "c"], true);
                using var trainer = new Trainer(new TrainerOptions { L2 = 1e-6, Threads = threads });
                trainer.Fit(data, p, warmStart: false);
                double[] theta = [.. p.Weights, .. p.Bias];
                first ??= theta;
                Assert.Equal(first, theta);
            }
        }
    }

    [Theory]
    [InlineData(5003, 37, 1, false)]   // nine tile groups plus a feature row and the bias row; a three-row tail
    [InlineData(5003, 37, 2, false)]
    [InlineData(5003, 37, 2, true)]    // the Vector256 tiles (machines without AVX-512)
    [InlineData(6, 8, 1, false)]       // fewer rows than one vector: tails only
    public void RidgeGramTiles_GiveTheRowByRowBits(int n, int features, int threads, bool narrow)
    {
        // The normal matrix's feature block comes from tiles of Vector512 accumulators (or Vector256 pairs); each entry
        // must still be OrderedDot.Dot's bits, which the row-by-row path (taken by the scalar reference) gives.
        var rnd = new System.Random(n + features);
        var data = new Dataset(3, true, n);
        var cols = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray()).ToArray();
        float[] targets = [.. Enumerable.Range(0, n).Select(i => cols[0][i] - 0.5f * cols[1][i] * cols[2][i])];
        data.Append(new ArrayColumns(cols, n), targets);
        double[] Fit(bool reference)
        {
            var p = new LinearPolicy(PolicyKind.Linear, 0, FeatureMap.Parse($"rff:{features}:1", 3, 5), ["a", "b", "c"], true);
            using var trainer = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = threads, ScalarReference = reference, NarrowVectors = narrow });
            trainer.Fit(data, p, warmStart: false);
            return [.. p.Weights, .. p.Bias];
        }
        Assert.Equal(Fit(reference: true), Fit(reference: false));
    }
}
