namespace FastIL.Cli.Infrastructure;

/// <summary>
/// One command-line option as a command declares it: the single source for parsing, <c>--help</c> (description and
/// default) and shell completion (its choices).
/// </summary>
/// <param name="Name">The name without dashes (<c>iterations</c> for <c>--iterations</c>).</param>
/// <param name="ValueName">The placeholder shown in help (<c>N</c>, <c>FILE</c>); null for a flag, which takes no value.</param>
/// <param name="Description">One line for <c>--help</c>.</param>
/// <param name="Default">The value used when the option is absent, as the user would type it; <see cref="OptionValues"/>
/// parses it like a given value, so help cannot disagree with the code. Text in parentheses, e.g. "(the env's time
/// limit)", marks a default the command computes itself (it reads the option with <see cref="OptionValues.Get"/>).</param>
/// <param name="Choices">The accepted words, when the option takes one of a fixed set (checked case-insensitively).</param>
public sealed record CliOption(string Name, string? ValueName, string Description, string? Default = null, string[]? Choices = null)
{
    /// <summary>Words offered by shell completion besides <see cref="Choices"/> (env ids for <c>--env</c>), not enforced.</summary>
    public string[]? Suggestions { get; init; }

    /// <summary>True when the option takes no value.</summary>
    public bool IsFlag => ValueName is null;

    /// <summary>A flag (no value; default off).</summary>
    public static CliOption Flag(string name, string description) => new(name, null, description);

    /// <summary>An option taking one of <paramref name="choices"/> (shown as its value name), <paramref name="default"/> when absent.</summary>
    public static CliOption OneOf(string name, string description, string @default, params string[] choices)
        => new(name, string.Join('|', choices), description, @default, choices);
}

/// <summary>A command's positional argument(s) (a spec file, shard directories).</summary>
/// <param name="Name">The placeholder shown in help.</param>
/// <param name="Description">One line for <c>--help</c>.</param>
/// <param name="Many">True for one or more values, false for exactly one.</param>
public sealed record CliArgument(string Name, string Description, bool Many = false);

/// <summary>A command: its words (<c>env bench</c>), what it does, what it accepts and the code that runs it.</summary>
/// <param name="Path">The command's words after <c>fastil</c>, space-separated.</param>
/// <param name="Description">What the command does (the first lines of its help).</param>
/// <param name="Options">Every option it accepts.</param>
/// <param name="Run">Runs the command; returns the exit code; user mistakes are <see cref="CliException"/>s.</param>
/// <param name="Argument">Its positional argument, if it takes one.</param>
public sealed record CliCommand(string Path, string Description, IReadOnlyList<CliOption> Options, Func<OptionValues, int> Run, CliArgument? Argument = null);
