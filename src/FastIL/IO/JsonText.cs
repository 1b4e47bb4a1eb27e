using System.Text;
using System.Text.Json;

namespace FastIL.IO;

/// <summary>Builds a JSON document with <see cref="Utf8JsonWriter"/> and returns it as text (every document FastIL writes).</summary>
public static class JsonText
{
    /// <summary>Runs <paramref name="write"/> against a writer and returns the UTF-8 text produced.</summary>
    public static string Build(Action<Utf8JsonWriter> write, bool indented = false)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented })) write(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
