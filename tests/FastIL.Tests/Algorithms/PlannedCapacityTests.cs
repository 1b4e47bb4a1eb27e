using FastIL.Algorithms;
using FastIL.Learning;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Algorithms;

/// <summary>
/// The data set's room is planned once per run: all the states a run can label when the trainer's design fits the
/// memory budget (so the set never doubles and copies its rows), else the doubling start of up to a million rows.
/// </summary>
public class PlannedCapacityTests
{
    private static LinearPolicy Policy(string features) =>
        new(PolicyKind.Logistic, 2, FeatureMap.Parse(features, 4, 0), ["a", "b", "c", "d"], standardize: false);

    [Fact]
    public void RoomForTheWholeRun_WhenItsDesignFits()
    {
        // The large CartPole run: 3 × 8192 × 500 = 12.3 M rows, 56 B per row of design (four inputs + 3).
        Assert.Equal(3 * 8192 * 500, ImitationRunner.PlannedCapacity(3, 8192, 500, 4, Policy("identity")));
        // A small run still gets at least 1024 rows.
        Assert.Equal(1024, ImitationRunner.PlannedCapacity(1, 2, 10, 4, Policy("identity")));
    }

    [Fact]
    public void DoublingStart_WhenTheWholeRunsDesignWouldNotFit()
    {
        // 40 × 8192 × 500 = 164 M rows of 512 random Fourier features: far beyond the budget.
        var rff = Policy("rff:512");
        long most = 40L * 8192 * 500;
        Assert.False(MemoryBudget.Fits(MemoryBudget.DesignBytes(most, 4, rff.FeatureDim)));
        Assert.Equal(8192 * 500, ImitationRunner.PlannedCapacity(40, 8192, 500, 4, rff));
        // Beyond an array's length (int overflow in iterations × M × H) the same.
        Assert.Equal(1 << 20, ImitationRunner.PlannedCapacity(int.MaxValue, 1000, 1000, 4, Policy("identity")));
    }

    [Fact]
    public void LargeRun_NeverGrowsItsDataSet()
    {
        // A run whose rows outgrow the old one-million-row start: the set's capacity is the planned one at the end.
        using var ws = new ImitationWorkspace();
        var config = ImitationConfig.For("CartPole-v1") with { Iterations = 2, Rollouts = 1500, EvalEpisodes = 16 };
        ImitationRunner.Run(config, workspace: ws);
        Assert.Equal(2 * 1500 * 500, ws.LastDataset!.Capacity);
        Assert.True(ws.LastDataset.Count > 1 << 20);   // beyond the old start: it would have doubled to 2 M
    }
}
