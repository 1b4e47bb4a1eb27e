using FastIL.Envs.Tabular;
using FastIL.Theory;
using Xunit;

namespace FastIL.Tests.Theory;

public class TheoryExperimentTests
{
    private static void AssertBoundsAndMonteCarlo(TheoryResult r)
    {
        foreach (var row in r.Rows)
            foreach (var (bc, dagger) in row.PerSeed)
                foreach (var (name, m) in new[] { ("BC", bc), ("DAgger", dagger) })
                {
                    double h = row.Horizon;
                    Assert.True(m.ValueGap <= h * h * m.Epsilon + 1e-9, $"{name} H={h}: gap {m.ValueGap} > H²ε = {h * h * m.Epsilon}");
                    Assert.True(m.ValueGap <= row.Recoverability * h * m.EpsilonOwn + 1e-9, $"{name} H={h}: gap {m.ValueGap} > uHε_own");
                    Assert.True(Math.Abs(m.ValueGap - m.ValueGapMc) <= 4 * m.ValueGapMcSe + 1e-9,
                        $"{name} H={h}: exact gap {m.ValueGap} vs Monte Carlo {m.ValueGapMc} ± {m.ValueGapMcSe}");
                }
    }

    [Fact]
    public void Defaults_BcGrowsQuadratically_DaggerLinearly_WithinTheBounds()
    {
        var r = TheoryExperiment.Run(new TheoryConfig { Seeds = 2 });
        AssertBoundsAndMonteCarlo(r);
        Assert.True(r.BcSlope >= 1.7, $"BC slope {r.BcSlope}");
        Assert.True(r.DaggerSlope <= 1.3, $"DAgger slope {r.DaggerSlope}");
        Assert.Equal(1000, r.Rows[^1].Horizon);
        Assert.True(r.GapRatio >= 5, $"BC/DAgger at H=1000: {r.GapRatio}");
        // ε is what the trainer learned, measured on the expert's states: with coarse:8 features it cannot see the
        // hazards, so the best it can do is k/n — and it must not do worse with this much data.
        Assert.All(r.Rows, row => Assert.Equal(r.HazardFraction, row.Bc.Epsilon, 12));
        // The quadratic regime must hold several horizons for the slope to mean anything.
        Assert.True(r.Rows.Count(x => x.Horizon * x.Bc.Epsilon <= TheoryResult.QuadraticRegime) >= 3);
    }

    [Theory]
    [InlineData(0.0, "coarse:8", 300, 8)]     // finite data: a few hundred labels
    [InlineData(0.05, "coarse:8", 4000, 8)]   // slips: the expert visits the ditch too
    [InlineData(0.0, "coarse:4", 4000, 8)]    // a coarser sensor than the pattern: large ε
    [InlineData(0.01, "identity", 2000, 2)]   // a linear policy in (position, off_road)
    public void OtherConfigs_KeepTheBounds_AndMonteCarloAgrees(double slip, string features, int labels, int period)
    {
        var config = new TheoryConfig
        {
            Env = new DriftRingParameters { Positions = 512, Period = period, Hazards = 4, Slip = slip },
            Horizons = [5, 30, 120], Seeds = 2, Labels = labels, Features = features, McEpisodes = 2048,
        };
        AssertBoundsAndMonteCarlo(TheoryExperiment.Run(config));
    }

    [Fact]
    public void SameSeed_SameResults_ForAnyThreadCount()
    {
        var config = new TheoryConfig { Horizons = [10, 60], Seeds = 1, Seed = 3, McEpisodes = 512, Env = new DriftRingParameters { Slip = 0.02 } };
        var a = TheoryExperiment.Run(config);
        var b = TheoryExperiment.Run(config with { Threads = 2 });
        Assert.Equal(a.Rows.Count, b.Rows.Count);
        for (int i = 0; i < a.Rows.Count; i++)
        {
            Assert.Equal(a.Rows[i].Bc, b.Rows[i].Bc);
            Assert.Equal(a.Rows[i].Dagger, b.Rows[i].Dagger);
        }
        var c = TheoryExperiment.Run(config with { Seed = 4 });
        Assert.NotEqual(a.Rows[0].Bc.ValueGapMc, c.Rows[0].Bc.ValueGapMc);
    }

    [Theory]
    [InlineData(new int[0], "horizons")]
    [InlineData(new[] { 0 }, "horizons must be in")]
    public void BadHorizons_AreRefused(int[] horizons, string expected)
        => Assert.Contains(expected, Assert.Throws<ArgumentException>(() => TheoryExperiment.Run(new TheoryConfig { Horizons = horizons })).Message);

    [Fact]
    public void AConfigThatCannotFitInMemory_IsRefusedUpFront()
    {
        var e = Assert.Throws<ArgumentException>(() => TheoryExperiment.Run(new TheoryConfig { Features = "coarse:4096", Labels = 1_000_000 }));
        Assert.Contains("MiB", e.Message);
    }

    [Fact]
    public void Slope_IsTheLogLogLeastSquaresSlope()
    {
        Assert.Equal(2.0, TheoryExperiment.Slope([(10, 300.0), (20, 1200.0), (40, 4800.0)]), 12);
        Assert.True(double.IsNaN(TheoryExperiment.Slope([(10, 1.0)])));
        Assert.True(double.IsNaN(TheoryExperiment.Slope([(10, 1.0), (20, 0.0)])));
    }
}
