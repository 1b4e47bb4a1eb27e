namespace FastIL.Cli.Infrastructure;

/// <summary>Checks on output paths made before any work starts, so a long run never fails at its last step.</summary>
public static class OutputPaths
{
    /// <summary>
    /// Refuses (exit 1, naming the option and path) an output path that is empty, names a directory, or lies in a
    /// directory that does not exist. Null (option not given) passes.
    /// </summary>
    public static void CheckWritable(string command, string option, string? path)
    {
        if (path is null) return;
        if (path.Length == 0) throw new CliException($"{command}: {option} needs a file name; got an empty string");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CliException($"{command}: {option} '{path}' is a directory; expected a file name", 1);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new CliException($"{command}: {option} '{path}': directory {dir} does not exist", 1);
    }

    /// <summary>Whether two paths name the same file (after resolving relative parts).</summary>
    public static bool Same(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
}
