using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace FastIL.Cli.Infrastructure;

/// <summary>
/// Turns FastIL's command declarations into a System.CommandLine tree and runs one command line through it:
/// System.CommandLine parses (POSIX conventions, <c>--name=value</c>, response files), writes <c>--help</c> from the
/// declarations (every option with its description and default) and answers the <c>[suggest]</c> directive for
/// shell completion; parse errors become one <c>fastil: error:</c> line with a suggestion for a mistyped name.
/// </summary>
public sealed class CommandLine
{
    private readonly RootCommand _root;
    private readonly Dictionary<Command, Bound> _bound = [];

    // A declared command with the System.CommandLine symbols made for it.
    private sealed record Bound(CliCommand Definition, Dictionary<string, Option> Options, Argument? Argument);

    /// <summary>Builds the tree; <paramref name="groups"/> describes the words that only group commands (<c>env</c>).</summary>
    public CommandLine(string description, IReadOnlyList<CliCommand> commands, IReadOnlyDictionary<string, string> groups)
    {
        _root = new RootCommand(description);
        // `fastil --version` prints "fastil X.Y.Z" (Program), not System.CommandLine's informational version with a hash.
        foreach (var o in _root.Options.Where(o => o is VersionOption).ToArray()) _root.Options.Remove(o);
        foreach (var def in commands)
        {
            string[] words = def.Path.Split(' ');
            Command parent = _root;
            for (int i = 0; i < words.Length - 1; i++)
                parent = Child(parent, words[i]) ?? Add(parent, new Command(words[i], groups.GetValueOrDefault(string.Join(' ', words[..(i + 1)]), "")));
            Command cmd = Child(parent, words[^1]) ?? Add(parent, new Command(words[^1]));
            cmd.Description = def.Description;
            var options = new Dictionary<string, Option>(StringComparer.Ordinal);
            foreach (var o in def.Options) { var option = Make(o); cmd.Add(option); options.Add(o.Name, option); }
            Argument? argument = def.Argument switch
            {
                null => null,
                { Many: true } a => new Argument<string[]>(a.Name) { Description = a.Description, Arity = ArgumentArity.OneOrMore },
                var a => new Argument<string>(a.Name) { Description = a.Description },
            };
            if (argument is not null) cmd.Add(argument);
            var bound = new Bound(def, options, argument);
            _bound.Add(cmd, bound);
            cmd.SetAction(result => Run(result, bound));
        }
    }

    /// <summary>Runs <paramref name="args"/>: help, completion or the command; user mistakes are <see cref="CliException"/>s.</summary>
    public int Invoke(string[] args)
    {
        var result = _root.Parse(args);
        if (result.Action is ParseErrorAction or null) throw new CliException(Describe(result));
        // The command, or --help, [suggest:N], [diagram]: System.CommandLine writes those to the current Console streams;
        // a command's CliException passes through (no default handler: it is printed as one line by Program).
        return result.Invoke(new InvocationConfiguration { Output = Console.Out, Error = Console.Error, EnableDefaultExceptionHandler = false });
    }

    private static int Run(ParseResult result, Bound bound)
    {
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, option) in bound.Options)
        {
            if (result.GetResult(option) is not { Implicit: false }) continue;
            if (option is Option<bool> flag) { if (result.GetValue(flag)) given.Add(name, null); }
            else given.Add(name, result.GetValue((Option<string>)option));
        }
        IReadOnlyList<string> positionals = bound.Argument switch
        {
            Argument<string[]> many => result.GetValue(many) ?? [],
            Argument<string> one => result.GetValue(one) is { } v ? [v] : [],
            _ => [],
        };
        return bound.Definition.Run(new OptionValues(bound.Definition.Path, bound.Definition.Options, given, positionals));
    }

    /// <summary>Writes the help of the command named by <paramref name="words"/> (the root's when empty).</summary>
    public int Help(IReadOnlyList<string> words)
    {
        Command command = _root;
        foreach (string w in words)
            command = Child(command, w) ?? throw new CliException($"unknown command '{string.Join(' ', words)}'{Suggest(w, command.Subcommands.Select(c => c.Name))}; run 'fastil --help'");
        return Invoke([.. words, "--help"]);
    }

    private static Option Make(CliOption o)
    {
        Option option = o.IsFlag
            ? new Option<bool>("--" + o.Name) { Description = o.Description + " [default: off]" }
            : new Option<string>("--" + o.Name) { Description = o.Description, HelpName = o.ValueName, DefaultValueFactory = o.Default is { } d ? (Func<System.CommandLine.Parsing.ArgumentResult, string>)(_ => d) : null };
        if (o.Choices is { } choices) option.CompletionSources.Add(choices);
        if (o.Suggestions is { } words) option.CompletionSources.Add(words);
        return option;
    }

    // The first parse error, in FastIL's words where it is about a name the user typed.
    private string Describe(ParseResult result)
    {
        Command command = result.CommandResult.Command;
        string path = PathOf(result.CommandResult);
        if (!_bound.ContainsKey(command) && result.UnmatchedTokens.Count == 0)
            return command == _root ? "expected a command; run 'fastil --help'"
                : $"{path}: expected a command: {string.Join(", ", command.Subcommands.Select(c => $"'{path} {c.Name}'"))}";
        string where = path.Length == 0 ? "" : path + ": ";
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                var names = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
                return $"{where}unknown option {token}{Suggest(token, names)}; run 'fastil {(path.Length == 0 ? "" : path + " ")}--help' for the options";
            }
            if (command.Subcommands.Count > 0 && !_bound.ContainsKey(command))
                return $"unknown command '{(path.Length == 0 ? "" : path + " ")}{token}'{Suggest(token, command.Subcommands.Select(c => c.Name))}; run 'fastil {(path.Length == 0 ? "" : path + " ")}--help'";
            return $"{where}unexpected argument '{token}'";
        }
        return where + result.Errors[0].Message;
    }

    // " (did you mean X?)" for the declared names closest to a mistyped one (edit distance or a prefix), else "".
    private static string Suggest(string typed, IEnumerable<string> names)
    {
        string bare = typed.Split('=')[0];
        int best = int.MaxValue;
        var closest = new List<string>();
        foreach (string n in names.Distinct())
        {
            int d = n.StartsWith(bare, StringComparison.OrdinalIgnoreCase) && bare.TrimStart('-').Length >= 2 ? 1 : EditDistance(bare, n);
            if (d > Math.Max(1, n.TrimStart('-').Length / 3)) continue;
            if (d < best) { best = d; closest.Clear(); }
            if (d == best) closest.Add(n);
        }
        return closest.Count == 0 ? "" : $" (did you mean {string.Join(" or ", closest)}?)";
    }

    private static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    private static string PathOf(System.CommandLine.Parsing.CommandResult r)
    {
        var words = new List<string>();
        for (var c = r; c?.Parent is System.CommandLine.Parsing.CommandResult parent; c = parent) words.Insert(0, c.Command.Name);
        return string.Join(' ', words);
    }

    private static Command? Child(Command parent, string name) => parent.Subcommands.FirstOrDefault(c => c.Name == name);

    private static Command Add(Command parent, Command child) { parent.Add(child); return child; }
}
