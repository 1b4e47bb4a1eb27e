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


    /// <summary>
    /// Refuses an output that names one of the command's inputs or another output: writing it would destroy data the
    /// command is reading, or keep only one of two results. Inputs may name the same file. Links are resolved.
    /// </summary>
    public static void Distinct(string command, (string Option, string? Path)[] outputs, params (string Option, string? Path)[] inputs)
    {
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i].Path is not { } a) continue;
            foreach (var other in outputs.Skip(i + 1).Concat(inputs))
                if (other.Path is { } b && Same(a, b))
                    throw new CliException($"{command}: {outputs[i].Option} and {other.Option} name the same file '{a}'; the output would overwrite it");
        }
    }

    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try { return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full; }
        catch (IOException) { return full; }
    }

    /// <summary>Whether two paths name the same file (relative parts and symbolic links resolved).</summary>
    public static bool Same(string a, string b) => string.Equals(Resolve(a), Resolve(b), StringComparison.Ordinal);
}
