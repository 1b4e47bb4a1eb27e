using System.Text.Json;

namespace FastIL.IO;

/// <summary>Reads a JSON document file with errors that name the file: unreadable, not JSON, or rejected by the parser.</summary>
public static class JsonDocumentFile
{
    /// <summary>
    /// Reads <paramref name="path"/> and parses it with <paramref name="parse"/>; every failure is a
    /// <see cref="FormatException"/> whose message starts with the path.
    /// </summary>
    public static T Load<T>(string path, Func<string, T> parse)
    {
        string text;
        if (path.Length == 0) throw new FormatException("a file name is empty");
        if (Directory.Exists(path)) throw new FormatException($"{path}: is a directory; expected a JSON file");
        if (!File.Exists(path)) throw new FormatException($"{path}: no such file");
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new FormatException($"{path}: cannot read: {e.Message}"); }
        try { return parse(text); }
        catch (FormatException e) { throw new FormatException($"{path}: {e.Message}"); }
        catch (JsonException e) { throw new FormatException($"{path}: not valid JSON: {e.Message}"); }
    }
}
