using FastIL.Algorithms;

namespace FastIL.Cli.Infrastructure;

/// <summary>
/// The options one command was given, read by name. System.CommandLine does the parsing (names, <c>--name=value</c>,
/// repeats, unknown options with suggestions); this class does the checks every command shares (integers and numbers
/// in a range, choices, required options), with errors that name the command, the option and the bad value. An absent
/// option takes its declared <see cref="CliOption.Default"/>, parsed like a given value.
/// </summary>
public sealed class OptionValues
{
    private readonly string _command;
    private readonly Dictionary<string, CliOption> _declared;
    private readonly Dictionary<string, string?> _given;

    /// <summary>Values given on the command line (flags map to null), checked against <paramref name="declared"/>.</summary>
    public OptionValues(string command, IReadOnlyList<CliOption> declared, IReadOnlyDictionary<string, string?> given, IReadOnlyList<string> positionals)
    {
        _command = command;
        _declared = new Dictionary<string, CliOption>(StringComparer.Ordinal);
        foreach (var o in declared) _declared.Add(o.Name, o);
        _given = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (!_declared.ContainsKey(name)) throw new InvalidOperationException($"{command}: option --{name} was not declared");
            _given.Add(name, value);
        }
        Positionals = positionals;
    }

    /// <summary>The command's words (<c>env bench</c>), for error messages.</summary>
    public string Command => _command;

    /// <summary>Positional arguments.</summary>
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>True when the flag or option was given (false for one the command does not take: it cannot have been).</summary>
    public bool Has(string name) => _given.ContainsKey(name);

    /// <summary>The option's value as given, or null when absent (its default is not applied; null too for an option
    /// the command does not take, so code shared by dagger and bc can ask for the other's options).</summary>
    public string? Get(string name) => _given.TryGetValue(name, out var v) ? v : null;

    /// <summary>The option's value as given, or an error saying it is required.</summary>
    public string Require(string name)
        => Get(name) ?? throw new CliException($"{_command}: missing required option --{name}");

    /// <summary>The value given, else the declared default.</summary>
    public string Value(string name)
    {
        var o = Declared(name);
        return Get(name) ?? (o.Default is { } d && !d.StartsWith('(') ? d
            : throw new InvalidOperationException($"{_command}: --{name} has no default to fall back on"));
    }

    /// <summary>An integer option within [min, max].</summary>
    public int Int(string name, int min = int.MinValue, int max = int.MaxValue) => Checked(name, (s, d) => OptionText.Int(s, d, min, max));

    /// <summary>A 64-bit unsigned option.</summary>
    public ulong ULong(string name) => Checked(name, OptionText.ULong);

    /// <summary>A finite floating-point option within [min, max].</summary>
    public double Double(string name, double min = double.MinValue, double max = double.MaxValue) => Checked(name, (s, d) => OptionText.Double(s, d, min, max));

    /// <summary>One of the option's declared <see cref="CliOption.Choices"/> (case-insensitive), in its declared spelling.</summary>
    public string Choice(string name)
    {
        string[] choices = Declared(name).Choices ?? throw new InvalidOperationException($"{_command}: --{name} declares no choices");
        return Checked(name, (s, d) => OptionText.Choice(s, d, choices));
    }

    // The value (or default) through the library's check; its error becomes a usage error naming the command.
    private T Checked<T>(string name, Func<string, string, T> parse)
    {
        try { return parse(Value(name), "--" + name); }
        catch (FormatException e) { throw new CliException($"{_command}: {e.Message}"); }
    }

    /// <summary>Rejects positional arguments the command does not take.</summary>
    public void NoPositionals()
    {
        if (Positionals.Count > 0) throw new CliException($"{_command}: unexpected argument '{Positionals[0]}'");
    }

    // A name the command did not declare is a bug in the command, not a user mistake.
    private CliOption Declared(string name)
        => _declared.TryGetValue(name, out var o) ? o : throw new InvalidOperationException($"{_command}: option --{name} is read but not declared");
}
