using System.Globalization;

namespace FastIL.Algorithms;

/// <summary>
/// DAgger's mixing schedule β_i (probability of acting with the expert at iteration i, counted from 1):
/// <c>indicator</c> (β_1 = 1, then 0; the default), <c>exp:P</c> (β_i = P^(i−1)) or <c>linear:R</c>
/// (β_i = max(0, 1 − (i−1)/R), reaching 0 after R iterations).
/// </summary>
public sealed class BetaSchedule
{
    private BetaSchedule(string kind, double parameter) { Kind = kind; Parameter = parameter; }

    /// <summary>indicator, exp or linear.</summary>
    public string Kind { get; }
    /// <summary>P for exp, R for linear.</summary>
    public double Parameter { get; }

    /// <summary>The default schedule.</summary>
    public static BetaSchedule Indicator { get; } = new("indicator", 0);

    /// <summary>β at iteration i (1-based).</summary>
    public double Beta(int iteration) => Kind switch
    {
        "indicator" => iteration == 1 ? 1.0 : 0.0,
        "exp" => Math.Pow(Parameter, iteration - 1),
        _ => Math.Max(0.0, 1.0 - (iteration - 1) / Parameter),
    };

    /// <summary>Parses <c>indicator</c>, <c>exp:P</c> with P in [0, 1], or <c>linear:R</c> with R &gt; 0.</summary>
    public static BetaSchedule Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "indicator") return Indicator;
        string[] parts = t.Split(':');
        if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            if (parts[0] == "exp")
                return v is >= 0 and <= 1 ? new("exp", v) : throw new FormatException($"beta '{text}': P must be in [0, 1] (β_i = P^(i−1))");
            if (parts[0] == "linear")
                return v > 0 && double.IsFinite(v) ? new("linear", v) : throw new FormatException($"beta '{text}': R must be > 0 (β_i = 1 − (i−1)/R)");
        }
        throw new FormatException($"beta '{text}': expected indicator, exp:P (P in [0,1]) or linear:R (R > 0)");
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == "indicator" ? "indicator" : $"{Kind}:{Parameter.ToString("R", CultureInfo.InvariantCulture)}";
}
