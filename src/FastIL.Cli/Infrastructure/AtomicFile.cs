using System.Globalization;
using System.Text;

namespace FastIL.Cli.Infrastructure;

/// <summary>Writes text files atomically: to a temporary file beside the target, then renamed over it.</summary>
public static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a temp file and renames it to <paramref name="path"/> only if it succeeds.</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        string full = System.IO.Path.GetFullPath(path);
        string? dir = System.IO.Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new CliException($"{path}: directory {dir} does not exist", 1);
        string tmp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16)) write(w);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new CliException($"{path}: cannot write: {e.Message}", 1);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string p)
    {
        try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Shortest text that round-trips the double (invariant culture).</summary>
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
