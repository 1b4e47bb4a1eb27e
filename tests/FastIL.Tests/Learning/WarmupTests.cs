using FastIL.Learning;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// Large Newton fits first solve on a sixteenth of the rows (a slice of every block), then on all rows. The warm-up's
/// objective must be that of a data set holding those rows, and the fit must end at the optimum it reaches without the
/// warm-up, to the tolerance, with the same bits for any thread count.
/// </summary>
public class WarmupTests
{
    private const int Rows = Trainer.WarmupMinBlocks * Trainer.BlockRows + 3001;   // just past the threshold, a part block

    [Theory]
    [InlineData(PolicyKind.Logistic, 2, false)]   // the two-class kernel
    [InlineData(PolicyKind.Logistic, 2, true)]    // weighted rows: the slices' weights, one log per row
    [InlineData(PolicyKind.Softmax, 3, false)]    // the general kernel
    public void SubsampleObjective_IsThatOfItsBlocks(PolicyKind kind, int classes, bool weighted)
    {
        var data = TestDatasets.Synthetic(Rows, 4, classes, seed: 21, weighted);
        var policy = TestDatasets.Policy(kind, 4, classes);
        for (int k = 0; k < policy.Weights.Length; k++) policy.Weights[k] = 0.2 - 0.03 * k;
        policy.Bias[0] = 0.1;
        var blocks = new Dataset(4, false, 16);
        var row = new float[4];
        int count = 0;
        foreach (int i in Trainer.WarmupRows(Rows))
        {
            for (int j = 0; j < 4; j++) row[j] = data.Column(j)[i];
            blocks.AppendRow(row, data.Labels[i], weighted ? data.Weights[i] : 1f);
            count++;
        }
        // 256 rows from each of the 64 whole blocks, and from the 3001-row block 64, whose slice starts at 64·7 mod 16 = 0.
        Assert.Equal(65 * 256, count);
        using var trainer = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2 });
        using var reference = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2 });
        int p = policy.ParameterCount;
        var g = new double[p];
        var gRef = new double[p];
        double f = trainer.SubsampleObjective(data, policy, g);
        double fRef = reference.Objective(blocks, policy, gRef);
        // The same rows in other blocks: the sums are grouped differently, so equal to rounding, not to the bit.
        Assert.Equal(fRef, f, 1e-13);
        for (int k = 0; k < p; k++) Assert.Equal(gRef[k], g[k], 1e-13);
    }

    [Fact]
    public void WarmupPrefetch_PointsAtTheNextBlocksSlice()
    {
        // Each slice's prefetch distance leads from its first row to the first row of the next block's slice, which is
        // where the kernel reads next (the usual one-block distance would land on rows the warm-up skips).
        int rows = 40 * Trainer.BlockRows;
        var starts = new List<int>();
        int previous = -2;
        foreach (int i in Trainer.WarmupRows(rows))
        {
            if (i != previous + 1) starts.Add(i);
            previous = i;
        }
        Assert.Equal(40, starts.Count);
        for (int b = 0; b + 1 < starts.Count; b++)
            Assert.Equal(starts[b + 1], starts[b] + Trainer.WarmupPrefetchDistance(starts[b]));
        Assert.Contains(starts, s => s % Trainer.BlockRows != 0);   // the slices do move within their blocks
    }

    [Fact]
    public void WarmedFit_ReachesTheOptimumOfTheFullFit()
    {
        var data = TestDatasets.Synthetic(Rows, 4, 2, seed: 4);
        LinearPolicy Policy() => TestDatasets.Policy(PolicyKind.Logistic, 4, 2);
        using var warmed = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = 2 });
        using var plain = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = 2, SubsampleWarmup = false });
        var pw = Policy();
        var pp = Policy();
        var fw = warmed.Fit(data, pw, warmStart: false);
        var fp = plain.Fit(data, pp, warmStart: false);
        Assert.True(warmed.LastWarmupIterations > 0);
        Assert.Equal(0, plain.LastWarmupIterations);
        Assert.True(fw.Converged && fw.GradientNorm <= 1e-7);
        Assert.True(fw.Iterations < fp.Iterations, $"full iterations {fw.Iterations} warmed against {fp.Iterations}");
        // Both stop at ‖∇‖ ≤ 1e-7 from different sides: the objectives agree to its square, the weights to about
        // ‖∇‖ over the Hessian's smallest eigenvalue.
        Assert.Equal(fp.Objective, fw.Objective, 1e-12);
        for (int k = 0; k < pw.Weights.Length; k++) Assert.Equal(pp.Weights[k], pw.Weights[k], 1e-4 * Math.Abs(pp.Weights[k]));
    }

    [Fact]
    public void WarmedFit_IsTheSameForAnyThreadCount()
    {
        using var one = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = 1 });
        using var two = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = 2 });
        AssertSameFit(one, two, TestDatasets.Synthetic(Rows, 4, 2, seed: 9));
        Assert.True(two.LastWarmupIterations > 0);
    }

    [Fact]
    public void WarmedRefit_AllocatesNothing()
    {
        var data = TestDatasets.Synthetic(Rows, 4, 2, seed: 2);
        var policy = TestDatasets.Policy(PolicyKind.Logistic, 4, 2);
        using var trainer = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = 2 });
        trainer.Fit(data, policy, warmStart: false);
        trainer.Fit(data, policy, warmStart: false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(data, policy, warmStart: false);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(trainer.LastWarmupIterations > 0);
    }

    /// <summary>A warm-up that does not converge (here: an iteration budget of one) leaves the start as it was.</summary>
    [Fact]
    public void UnsolvedWarmup_LeavesTheStartAlone()
    {
        using var warmed = new Trainer(new TrainerOptions { L2 = 1e-4, MaxIterations = 1 });
        using var plain = new Trainer(new TrainerOptions { L2 = 1e-4, MaxIterations = 1, SubsampleWarmup = false });
        AssertSameFit(plain, warmed, TestDatasets.Synthetic(Rows, 4, 2, seed: 6));
        Assert.Equal(1, warmed.LastWarmupIterations);
    }

    /// <summary>Both trainers fit a logistic policy from zero; objective, iterations and parameters must be the same bits.</summary>
    private static void AssertSameFit(Trainer expected, Trainer actual, Dataset data)
    {
        var pe = TestDatasets.Policy(PolicyKind.Logistic, 4, 2);
        var pa = TestDatasets.Policy(PolicyKind.Logistic, 4, 2);
        var fe = expected.Fit(data, pe, warmStart: false);
        var fa = actual.Fit(data, pa, warmStart: false);
        Assert.Equal(fe.Objective, fa.Objective);
        Assert.Equal(fe.Iterations, fa.Iterations);
        Assert.Equal(pe.Weights, pa.Weights);
        Assert.Equal(pe.Bias, pa.Bias);
    }
}
