using FastIL.Cli.Infrastructure;
using Xunit;

namespace FastIL.Tests.Cli;

public class ProgressBarTests
{
    [Fact]
    public void OnATerminal_RedrawsOneLine_WithRateAndEta_AndPrintsLinesAboveIt()
    {
        var w = new StringWriter();
        var bar = new ProgressBar("runs", quiet: false, output: w, terminal: true);
        bar.Report(0, 4);
        bar.Line("iteration 1 done");
        Thread.Sleep(120);
        bar.Report(2, 4);
        bar.Report(4, 4);
        bar.Finish();
        string s = w.ToString();
        Assert.Contains("\r  [..............................] 0/4 runs", s);
        Assert.Contains("iteration 1 done" + Environment.NewLine, s);
        Assert.Contains("] 2/4 runs", s);
        Assert.Contains("[##############################] 4/4 runs", s);
        Assert.Matches(@"runs/s  ETA \d:\d\d:\d\d", s);
        Assert.EndsWith(Environment.NewLine, s);
    }

    [Fact]
    public void OffATerminal_PrintsPlainLines_OnlyOnceTheWorkIsLong()
    {
        var w = new StringWriter();
        var bar = new ProgressBar("episodes", quiet: false, output: w, terminal: false);
        bar.Report(5, 10);
        Assert.Equal("", w.ToString());   // under a second: nothing
        Thread.Sleep(1100);
        bar.Report(5, 10);
        bar.Report(6, 10);
        bar.Report(10, 10);
        bar.Finish();
        var lines = w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("  5/10 episodes", lines[0]);
        Assert.DoesNotContain('\r', w.ToString());
    }

    [Fact]
    public void Quiet_PrintsNothing()
    {
        var w = new StringWriter();
        var bar = new ProgressBar("runs", quiet: true, output: w, terminal: true);
        bar.Report(1, 2);
        bar.Line("x");
        bar.Finish();
        Assert.Equal("", w.ToString());
    }
}
