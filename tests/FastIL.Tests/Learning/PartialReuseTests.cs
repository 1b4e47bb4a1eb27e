using FastIL.Learning;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// A warm refit on a grown data set (DAgger's refit) takes the complete blocks' partial sums from the previous fit's
/// last evaluation instead of recomputing them. It must give exactly the bits of a fresh trainer started from the same
/// parameters, and it must not reuse anything once the rows, the inputs' transform or the parameters differ.
/// </summary>
public class PartialReuseTests
{
    private const int Grown = 3 * Trainer.BlockRows + 517;   // the first fit's last block is incomplete

    [Theory]
    [InlineData(PolicyKind.Logistic, 2, "identity", Solver.Newton, true)]    // the two-class kernel, from float32 columns
    [InlineData(PolicyKind.Softmax, 2, "identity", Solver.Newton, true)]     // two-class softmax
    [InlineData(PolicyKind.Softmax, 3, "identity", Solver.Newton, true)]     // the general kernel
    [InlineData(PolicyKind.Logistic, 2, "poly2", Solver.Newton, true)]       // the design matrix's features
    [InlineData(PolicyKind.Logistic, 2, "identity", Solver.Lbfgs, true)]     // last evaluation without a Hessian
    [InlineData(PolicyKind.Softmax, 3, "identity", Solver.Adam, false)]      // minibatch steps rewrite single blocks
    public void RefitOnGrownData_GivesAFreshTrainersBits(PolicyKind kind, int classes, string features, Solver solver, bool reuses)
    {
        var all = TestDatasets.Synthetic(Grown + 6000, 4, classes, seed: 11);
        var data = Prefix(all, Grown);
        var options = new TrainerOptions { L2 = 1e-3, Threads = 2, Solver = solver, Epochs = 3 };
        using var trainer = new Trainer(options);
        var policy = TestDatasets.Policy(kind, 4, classes, features);
        trainer.Fit(data, policy, warmStart: false);
        Append(all, data, Grown, all.Count);
        var start = Snapshot(policy);

        long before = trainer.ReusedBlocks;
        var refit = trainer.Fit(data, policy, warmStart: true);
        using var fresh = new Trainer(options);
        var reference = Restore(TestDatasets.Policy(kind, 4, classes, features), start);
        var expected = fresh.Fit(data, reference, warmStart: true);

        Assert.Equal(expected.Objective, refit.Objective);
        Assert.Equal(expected.Iterations, refit.Iterations);
        Assert.Equal(reference.Weights, policy.Weights);
        Assert.Equal(reference.Bias, policy.Bias);
        Assert.Equal(0, fresh.ReusedBlocks);
        if (reuses) Assert.Equal(Grown / Trainer.BlockRows, trainer.ReusedBlocks - before);
        else Assert.Equal(before, trainer.ReusedBlocks);
    }

    [Fact]
    public void StandardizedInputs_ChangeWithTheRows_SoNothingIsReused()
    {
        var all = TestDatasets.Synthetic(Grown + 5000, 4, 2, seed: 5);
        var data = Prefix(all, Grown);
        using var trainer = new Trainer(new TrainerOptions { L2 = 1e-3 });
        var policy = TestDatasets.Policy(PolicyKind.Logistic, 4, 2, standardize: true);
        trainer.Fit(data, policy, warmStart: false);
        Append(all, data, Grown, all.Count);
        long before = trainer.ReusedBlocks;
        var refit = trainer.Fit(data, policy, warmStart: true);
        Assert.Equal(before, trainer.ReusedBlocks);
        Assert.True(refit.Converged);
    }

    [Fact]
    public void ClearedDataSet_IsNotReused()
    {
        var first = TestDatasets.Synthetic(Grown, 4, 2, seed: 1);
        var second = TestDatasets.Synthetic(Grown, 4, 2, seed: 2);
        var data = Prefix(first, Grown);
        using var trainer = new Trainer(new TrainerOptions { L2 = 1e-3 });
        var policy = TestDatasets.Policy(PolicyKind.Logistic, 4, 2);
        trainer.Fit(data, policy, warmStart: false);
        data.Clear();
        Append(second, data, 0, Grown);   // the same row count, other rows
        var start = Snapshot(policy);

        long before = trainer.ReusedBlocks;
        var refit = trainer.Fit(data, policy, warmStart: true);
        using var fresh = new Trainer(new TrainerOptions { L2 = 1e-3 });
        var reference = Restore(TestDatasets.Policy(PolicyKind.Logistic, 4, 2), start);
        var expected = fresh.Fit(data, reference, warmStart: true);
        Assert.Equal(before, trainer.ReusedBlocks);
        Assert.Equal(expected.Objective, refit.Objective);
        Assert.Equal(reference.Weights, policy.Weights);
    }

    [Fact]
    public void OtherParameters_AreNotReused()
    {
        var data = TestDatasets.Synthetic(Grown, 4, 2, seed: 3);
        using var trainer = new Trainer(new TrainerOptions { L2 = 1e-3 });
        var policy = TestDatasets.Policy(PolicyKind.Logistic, 4, 2);
        trainer.Fit(data, policy, warmStart: false);
        policy.Weights[0] += 0.25;
        long before = trainer.ReusedBlocks;
        var g = new double[policy.ParameterCount];
        double f = trainer.Objective(data, policy, g);
        Assert.Equal(before, trainer.ReusedBlocks);
        using var fresh = new Trainer(new TrainerOptions { L2 = 1e-3 });
        var g2 = new double[policy.ParameterCount];
        Assert.Equal(fresh.Objective(data, policy, g2), f);
        Assert.Equal(g2, g);
    }

    private static Dataset Prefix(Dataset all, int n)
    {
        var data = new Dataset(all.InputDim, false, 16);
        Append(all, data, 0, n);
        return data;
    }

    private static void Append(Dataset from, Dataset to, int start, int end)
    {
        var row = new float[from.InputDim];
        for (int i = start; i < end; i++)
        {
            for (int j = 0; j < row.Length; j++) row[j] = from.Column(j)[i];
            to.AppendRow(row, from.Labels[i]);
        }
    }

    private static (double[] W, double[] B) Snapshot(LinearPolicy p) => ((double[])p.Weights.Clone(), (double[])p.Bias.Clone());

    private static LinearPolicy Restore(LinearPolicy p, (double[] W, double[] B) s)
    {
        s.W.CopyTo(p.Weights, 0);
        s.B.CopyTo(p.Bias, 0);
        return p;
    }
}
