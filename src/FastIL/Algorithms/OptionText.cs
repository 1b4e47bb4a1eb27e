using System.Globalization;

namespace FastIL.Algorithms;

/// <summary>
/// Option values as text, checked once for every front end: the command line (<c>--l2</c>) and sweep specs
/// (<c>grid.l2</c>). Errors are <see cref="FormatException"/>s naming the option as <c>display</c> and the bad value.
/// </summary>
public static class OptionText
{
    /// <summary>An integer within [min, max].</summary>
    public static int Int(string text, string display, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) throw new FormatException($"{display} expects an integer; got '{text}'");
        if (v < min || v > max) throw new FormatException($"{display} must be in [{min}, {max}]; got {v}");
        return v;
    }

    /// <summary>A non-negative 64-bit integer (seeds).</summary>
    public static ulong ULong(string text, string display)
        => ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v) ? v : throw new FormatException($"{display} expects a non-negative integer; got '{text}'");

    /// <summary>A finite number within [min, max].</summary>
    public static double Double(string text, string display, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)) throw new FormatException($"{display} expects a number; got '{text}'");
        if (v < min || v > max) throw new FormatException($"{display} must be in [{min}, {max}]; got {text}");
        return v;
    }

    /// <summary>One of <paramref name="choices"/> (case-insensitive), in its listed spelling.</summary>
    public static string Choice(string text, string display, IReadOnlyList<string> choices)
    {
        foreach (var c in choices) if (string.Equals(c, text, StringComparison.OrdinalIgnoreCase)) return c;
        throw new FormatException($"{display} must be one of {string.Join("|", choices)}; got '{text}'");
    }
}
