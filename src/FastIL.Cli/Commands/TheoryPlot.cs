using FastIL.Cli.Infrastructure;
using FastIL.Theory;

namespace FastIL.Cli.Commands;

/// <summary>
/// The log-log plot of <c>fastil theory --plot</c>: BC's and DAgger's exact value gaps against H, with the reference
/// lines H²·ε and H·ε (ε = BC's mean error on the expert's states) and the sampled estimates as error bars.
/// </summary>
internal static class TheoryPlot
{
    public static void Write(TheoryResult r, string path)
    {
        var rows = r.Rows.OrderBy(x => x.Horizon).ToArray();
        double eps = rows.Average(x => x.Bc.Epsilon);
        double[] lh = rows.Select(x => Math.Log10(x.Horizon)).ToArray();
        var plt = new ScottPlot.Plot();
        // ScottPlot draws linear axes: plot log10 of every value and label the ticks with the powers of ten.
        AddLine(plt, lh, rows.Select(x => (double)x.Horizon * x.Horizon * eps).ToArray(), "H²·ε (the chapter's bound on BC)", ScottPlot.Colors.Red, dashed: true);
        AddLine(plt, lh, rows.Select(x => x.Horizon * eps).ToArray(), "H·ε", ScottPlot.Colors.Blue, dashed: true);
        AddLine(plt, lh, rows.Select(x => x.Bc.ValueGap).ToArray(), "BC value gap (exact)", ScottPlot.Colors.Red, dashed: false);
        AddLine(plt, lh, rows.Select(x => x.Dagger.ValueGap).ToArray(), "DAgger value gap (exact)", ScottPlot.Colors.Blue, dashed: false);
        plt.Axes.Bottom.TickGenerator = PowersOfTen(lh.Min(), lh.Max());
        var all = rows.SelectMany(x => new[] { x.Bc.ValueGap, x.Dagger.ValueGap, x.Horizon * eps, (double)x.Horizon * x.Horizon * eps }).Where(v => v > 0).Select(Math.Log10).ToArray();
        plt.Axes.Left.TickGenerator = PowersOfTen(all.Min(), all.Max());
        plt.Title($"DriftRing: n = {r.Config.Env.Positions}, k = {r.Config.Env.Hazards} hazards, ε ≈ {eps:G3}; BC slope {r.BcSlope:F2}, DAgger slope {r.DaggerSlope:F2}");
        plt.XLabel("horizon H");
        plt.YLabel("V(expert) − V(policy)");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        string full = Path.GetFullPath(path);
        string tmp = full + $".tmp-{Environment.ProcessId}.png";
        try
        {
            plt.SavePng(tmp, 900, 600);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new CliException($"{path}: cannot write: {e.Message}", 1);
        }
    }

    private static void AddLine(ScottPlot.Plot plt, double[] lh, double[] values, string label, ScottPlot.Color color, bool dashed)
    {
        // Zero gaps have no logarithm: they are left out of the line rather than drawn at an arbitrary floor.
        var keep = Enumerable.Range(0, values.Length).Where(i => values[i] > 0).ToArray();
        var s = plt.Add.Scatter(keep.Select(i => lh[i]).ToArray(), keep.Select(i => Math.Log10(values[i])).ToArray());
        s.Color = color;
        s.LineWidth = dashed ? 1.5f : 2.5f;
        s.MarkerSize = dashed ? 0 : 7;
        if (dashed) s.LinePattern = ScottPlot.LinePattern.Dashed;
        s.LegendText = label;
    }

    private static ScottPlot.TickGenerators.NumericManual PowersOfTen(double lo, double hi)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = (int)Math.Floor(lo); k <= (int)Math.Ceiling(hi); k++)
        {
            ticks.AddMajor(k, k is >= 0 and <= 4 ? Math.Pow(10, k).ToString("0", System.Globalization.CultureInfo.InvariantCulture) : $"1e{k}");
            for (int m = 2; m <= 9; m++) ticks.AddMinor(k + Math.Log10(m));
        }
        return ticks;
    }
}
