using FastIL.Sweeps;

namespace FastIL.Cli.Commands;

/// <summary>Learning-curve PNGs of a sweep: per point, the mean evaluation return per iteration over seeds with its 95% interval.</summary>
internal static class SweepPlots
{
    public static void Write(SweepSpec spec, string dir, IReadOnlyList<SweepRecord> records)
    {
        string plots = Path.Combine(dir, "plots");
        Directory.CreateDirectory(plots);
        // Titles name only the options that differ between points (the rest is in sweep.json).
        var varying = spec.Columns.Where(c => spec.Points.Select(p => p.GetValueOrDefault(c, "")).Distinct().Count() > 1).ToArray();
        foreach (var g in records.GroupBy(r => r.Point).OrderBy(g => g.Key))
        {
            int iterations = g.Max(r => r.Iterations.Count);
            var xs = new List<double>(); var mean = new List<double>(); var low = new List<double>(); var high = new List<double>();
            for (int i = 0; i < iterations; i++)
            {
                var vals = g.Where(r => r.Iterations.Count > i).Select(r => r.Iterations[i].ReturnMean).ToArray();
                var s = SweepOutputs.Stats(vals);
                xs.Add(i + 1); mean.Add(s.Mean);
                low.Add(double.IsNaN(s.Low) ? s.Mean : s.Low); high.Add(double.IsNaN(s.High) ? s.Mean : s.High);
            }
            var plt = new ScottPlot.Plot();
            var band = plt.Add.FillY(xs.ToArray(), low.ToArray(), high.ToArray());
            band.FillStyle.Color = ScottPlot.Colors.Blue.WithAlpha(0.2);
            band.LineStyle.Width = 0;
            var line = plt.Add.Scatter(xs.ToArray(), mean.ToArray());
            line.LineWidth = 2;
            line.Color = ScottPlot.Colors.Blue;
            plt.Title(varying.Length == 0 ? $"point {g.Key}" : $"point {g.Key}: {SweepSpec.Describe(spec.Points[g.Key], varying)}");
            plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
            plt.XLabel("DAgger iteration");
            plt.YLabel($"evaluation return (mean and 95% CI over {g.Count()} seeds)");
            string path = Path.Combine(plots, $"point-{g.Key:D4}.png");
            string tmp = path + ".tmp.png";
            plt.SavePng(tmp, 900, 550);
            File.Move(tmp, path, overwrite: true);
        }
    }
}
