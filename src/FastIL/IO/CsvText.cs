namespace FastIL.IO;

/// <summary>CSV output fields (RFC 4180), shared by every table FastIL writes.</summary>
public static class CsvText
{
    /// <summary>A field as written: quoted, with quotes doubled, when it holds a comma, a quote or a line break.</summary>
    public static string Field(string s)
        => s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>One line of fields.</summary>
    public static string Line(IEnumerable<string> fields) => string.Join(',', fields.Select(Field));
}
