using FastIL.Learning;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>The record of what a trainer's block sums describe, alone: what it lets a refit take over, and what not.</summary>
public class PartialSumsRecordTests
{
    private const int Stride = 7;

    private static (DesignData Design, Dataset Data, LinearPolicy Policy) Prepared(int rows)
    {
        var data = TestDatasets.Synthetic(rows, 4, 2, seed: 5);
        var policy = TestDatasets.Policy(PolicyKind.Logistic, 4, 2);
        var design = new DesignData();
        design.Validate(data, policy);
        design.Prepare(data, policy, restandardize: true, direct: true);
        return (design, data, policy);
    }

    [Fact]
    public void TheSameRowsAndParameters_ReuseEveryCompleteBlock()
    {
        var (design, data, policy) = Prepared(3 * Trainer.BlockRows + 100);
        var record = new PartialSumsRecord();
        double[] theta = [0.5, -1, 2, 0.25, 0.1];
        Assert.Equal(0, record.ReusableBlocks(design, theta, withHessian: false, Stride));   // nothing recorded yet
        record.Record(design, theta, withHessian: true, Stride);
        // The incomplete last block is recomputed: it may have grown.
        Assert.Equal(3, record.ReusableBlocks(design, [.. theta], withHessian: true, Stride));
        Assert.Equal(3, record.ReusableBlocks(design, theta, withHessian: false, Stride));
        Assert.Equal(6, record.ReusedBlocks);

        // Appending keeps the generation: the old complete blocks still serve.
        data.AppendRow([1f, 2f, 3f, 4f], 1);
        design.Prepare(data, policy, restandardize: false, direct: true);
        Assert.Equal(3, record.ReusableBlocks(design, theta, withHessian: true, Stride));
    }

    [Fact]
    public void AnyDifference_ReusesNothing()
    {
        var (design, data, policy) = Prepared(2 * Trainer.BlockRows);
        var record = new PartialSumsRecord();
        double[] theta = [0.5, -1, 2, 0.25, 0.0];
        record.Record(design, theta, withHessian: false, Stride);
        Assert.Equal(0, record.ReusableBlocks(design, theta, withHessian: true, Stride));    // no Hessian sums recorded
        Assert.Equal(0, record.ReusableBlocks(design, theta, withHessian: false, Stride + 1)); // another layout
        Assert.Equal(0, record.ReusableBlocks(design, [0.5, -1, 2, 0.25, -0.0], withHessian: false, Stride));   // bits, not values
        Assert.Equal(2, record.ReusableBlocks(design, theta, withHessian: false, Stride));

        design.Prepare(data, TestDatasets.Policy(PolicyKind.Logistic, 4, 2, standardize: true), restandardize: true, direct: true);
        Assert.Equal(0, record.ReusableBlocks(design, theta, withHessian: false, Stride));   // another input transform
        design.Prepare(data, policy, restandardize: false, direct: true);
        Assert.Equal(2, record.ReusableBlocks(design, theta, withHessian: false, Stride));

        data.Clear();   // rows may change: a new generation
        data.AppendRows(2 * Trainer.BlockRows);
        design.Prepare(data, policy, restandardize: false, direct: true);
        Assert.Equal(0, record.ReusableBlocks(design, theta, withHessian: false, Stride));

        record.Record(design, theta, withHessian: false, Stride);
        record.Forget();
        Assert.Equal(0, record.ReusableBlocks(design, theta, withHessian: false, Stride));
    }
}
