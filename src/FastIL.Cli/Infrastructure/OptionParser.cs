using System.Globalization;

namespace FastIL.Cli.Infrastructure;

/// <summary>
/// Parses <c>--name value</c>, <c>--name=value</c> and boolean <c>--flag</c> options against a declared set, so a
/// typo is an error that lists what the command accepts rather than a silently ignored option.
/// </summary>
public sealed class OptionParser
{
    private readonly string _command;
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    /// <summary>Parses <paramref name="args"/>; <paramref name="valueOptions"/> take a value, <paramref name="flags"/> do not.</summary>
    public OptionParser(string command, string[] args, string[] valueOptions, string[] flags)
    {
        _command = command;
        var valueSet = new HashSet<string>(valueOptions, StringComparer.Ordinal);
        var flagSet = new HashSet<string>(flags, StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                _positionals.Add(a);
                continue;
            }
            string name = a[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            if (_values.ContainsKey(name)) throw new CliException($"{command}: option --{name} given twice");
            if (flagSet.Contains(name))
            {
                if (inline is not null) throw new CliException($"{command}: option --{name} takes no value");
                _values[name] = null;
            }
            else if (valueSet.Contains(name))
            {
                if (inline is null)
                {
                    if (i + 1 >= args.Length) throw new CliException($"{command}: option --{name} needs a value");
                    inline = args[++i];
                }
                _values[name] = inline;
            }
            else
            {
                var known = valueOptions.Select(o => "--" + o).Concat(flags.Select(f => "--" + f));
                throw new CliException($"{command}: unknown option --{name}; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    /// <summary>Arguments that are not options.</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>True when the flag or option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The option's value, or null.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>The option's value, or an error saying it is required.</summary>
    public string Require(string name)
        => Get(name) ?? throw new CliException($"{_command}: missing required option --{name}");

    /// <summary>An integer option within [min, max].</summary>
    public int GetInt(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        string? s = Get(name);
        if (s is null) return defaultValue;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new CliException($"{_command}: --{name} expects an integer; got '{s}'");
        if (v < min || v > max)
            throw new CliException($"{_command}: --{name} must be in [{min}, {max}]; got {v}");
        return v;
    }

    /// <summary>A 64-bit unsigned option.</summary>
    public ulong GetULong(string name, ulong defaultValue)
    {
        string? s = Get(name);
        if (s is null) return defaultValue;
        if (!ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v))
            throw new CliException($"{_command}: --{name} expects a non-negative integer; got '{s}'");
        return v;
    }

    /// <summary>A finite floating-point option within [min, max].</summary>
    public double GetDouble(string name, double defaultValue, double min = double.MinValue, double max = double.MaxValue)
    {
        string? s = Get(name);
        if (s is null) return defaultValue;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new CliException($"{_command}: --{name} expects a number; got '{s}'");
        if (v < min || v > max)
            throw new CliException($"{_command}: --{name} must be in [{min}, {max}]; got {s}");
        return v;
    }

    /// <summary>An option restricted to a set of words (case-insensitive).</summary>
    public string GetChoice(string name, string defaultValue, params string[] choices)
    {
        string? s = Get(name);
        if (s is null) return defaultValue;
        foreach (var c in choices) if (string.Equals(c, s, StringComparison.OrdinalIgnoreCase)) return c;
        throw new CliException($"{_command}: --{name} must be one of {string.Join("|", choices)}; got '{s}'");
    }

    /// <summary>Rejects positional arguments the command does not take.</summary>
    public void NoPositionals()
    {
        if (_positionals.Count > 0) throw new CliException($"{_command}: unexpected argument '{_positionals[0]}'");
    }
}
