using System.Diagnostics;

namespace FastIL.Cli.Infrastructure;

/// <summary>
/// Progress of a long command on stderr. On a terminal: one live line (bar, count, rate, ETA) redrawn at most 10 times a
/// second, with <see cref="Line"/>s printed above it; when stderr is not a terminal (CI, a log file): the lines, plus a
/// plain progress line every 10% if asked for, once the work has lasted a second (a short run's log stays short);
/// with <c>--quiet</c>: nothing.
/// </summary>
public sealed class ProgressBar
{
    private const int Width = 30;
    private const double QuietSeconds = 1.0;
    private readonly string _unit;
    private readonly bool _quiet, _terminal, _plainDeciles;
    private readonly TextWriter _out;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private long _lastDraw = -1_000;   // draws at once the first time
    private int _lastDecile = -1;
    private string? _bar;

    /// <summary>A bar counting <paramref name="unit"/> (plural, e.g. "runs").</summary>
    /// <param name="unit">What is counted.</param>
    /// <param name="quiet">Print nothing at all.</param>
    /// <param name="plainDeciles">Off a terminal, print a progress line every 10% (leave off when the command's own lines say enough).</param>
    /// <param name="output">Where to write (stderr by default).</param>
    /// <param name="terminal">Whether <paramref name="output"/> is a terminal (by default: stderr is not redirected).</param>
    public ProgressBar(string unit, bool quiet, bool plainDeciles = true, TextWriter? output = null, bool? terminal = null)
    {
        _unit = unit;
        _quiet = quiet;
        _plainDeciles = plainDeciles;
        _out = output ?? Console.Error;
        _terminal = terminal ?? !Console.IsErrorRedirected;
    }

    /// <summary>
    /// <paramref name="done"/> of <paramref name="total"/> finished. Rate and ETA are measured from the bar's creation
    /// unless the caller knows better (a resumed sweep counts runs it did not run).
    /// </summary>
    public void Report(long done, long total, double? perSecond = null, TimeSpan? eta = null)
    {
        if (_quiet) return;
        double seconds = Math.Max(_elapsed.Elapsed.TotalSeconds, 1e-9);
        if (!_terminal)
        {
            int decile = total <= 0 ? 10 : (int)(10 * done / total);
            if (!_plainDeciles || decile == _lastDecile || seconds < QuietSeconds) return;
            _lastDecile = decile;
            _out.WriteLine("  " + Status(done, total, seconds, perSecond, eta));
            return;
        }
        long now = _elapsed.ElapsedMilliseconds;
        if (now - _lastDraw < 100 && done < total) return;
        _lastDraw = now;
        int filled = total <= 0 ? Width : (int)Math.Clamp(Width * done / total, 0, Width);
        _bar = $"  [{new string('#', filled)}{new string('.', Width - filled)}] {Status(done, total, seconds, perSecond, eta)}";
        _out.Write("\r" + _bar + "   ");
    }

    // "done/total unit  rate unit/s  ETA h:mm:ss", built only when a line is drawn.
    private string Status(long done, long total, double seconds, double? perSecond, TimeSpan? eta)
    {
        double rate = perSecond ?? done / seconds;
        TimeSpan left = eta ?? (rate > 0 && done < total ? TimeSpan.FromSeconds(Math.Min((total - done) / rate, TimeSpan.MaxValue.TotalSeconds / 2)) : TimeSpan.Zero);
        return $"{done}/{total} {_unit}  {rate,7:F1} {_unit}/s  ETA {left:h\\:mm\\:ss}";
    }

    /// <summary>A whole line of output (an iteration's summary), printed above the live bar.</summary>
    public void Line(string text)
    {
        if (_quiet) return;
        if (_terminal && _bar is not null)
        {
            _out.Write("\r" + new string(' ', _bar.Length + 3) + "\r");
            _out.WriteLine(text);
            _out.Write(_bar + "   ");
            return;
        }
        _out.WriteLine(text);
    }

    /// <summary>Ends the live line (call once the work is done or has failed).</summary>
    public void Finish()
    {
        if (_quiet || !_terminal || _bar is null) return;
        _out.WriteLine();
        _bar = null;
    }
}
