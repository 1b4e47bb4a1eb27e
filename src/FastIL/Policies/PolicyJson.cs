using System.Globalization;
using System.Text.Json;

namespace FastIL.Policies;

/// <summary>
/// Saves and loads a <see cref="LinearPolicy"/> as a versioned JSON document:
/// <code>
/// { "format": "fastil.policy", "version": 1, "kind": "logistic|softmax|linear", "num_actions": K,
///   "inputs": [names], "features": {"type": "identity|poly2|rff", "dimension", "bandwidth", "seed", "omega": [[…]], "phase": […]},
///   "standardize": null | {"mean": […], "std": […]}, "weights": [[…] × rows], "bias": [… × rows] }
/// </code>
/// To evaluate from Python: z = (s − mean)/std; φ = features(z); logits = weights·φ + bias.
/// </summary>
public static class PolicyJson
{
    /// <summary>The format name written and required.</summary>
    public const string Format = "fastil.policy";
    /// <summary>The version written; loading accepts this version only.</summary>
    public const int Version = 1;

    /// <summary>Writes the policy (and optional extra metadata) with <paramref name="w"/>.</summary>
    public static void Write(Utf8JsonWriter w, LinearPolicy p, Action<Utf8JsonWriter>? metadata = null)
    {
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("version", Version);
        w.WriteString("kind", KindName(p.Kind));
        w.WriteNumber("num_actions", p.NumActions);
        w.WriteStartArray("inputs");
        foreach (var n in p.InputNames) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteStartObject("features");
        w.WriteString("type", p.Features.Kind.ToString().ToLowerInvariant());
        w.WriteNumber("dimension", p.FeatureDim);
        if (p.Features.Kind == FeatureKind.Rff)
        {
            w.WriteNumber("bandwidth", p.Features.Bandwidth);
            w.WriteNumber("seed", p.Features.Seed);
            w.WriteStartArray("omega");
            for (int k = 0; k < p.FeatureDim; k++) WriteArray(w, null, p.Features.Omega.AsSpan(k * p.InputDim, p.InputDim));
            w.WriteEndArray();
            WriteArray(w, "phase", p.Features.Phase);
        }
        if (p.Features.Kind == FeatureKind.Coarse) w.WriteNumber("cells", p.Features.Cells);
        w.WriteEndObject();
        if (p.Standardize)
        {
            w.WriteStartObject("standardize");
            WriteArray(w, "mean", p.Mean);
            WriteArray(w, "std", p.Std);
            w.WriteEndObject();
        }
        else w.WriteNull("standardize");
        w.WriteStartArray("weights");
        for (int r = 0; r < p.Rows; r++) WriteArray(w, null, p.Weights.AsSpan(r * p.FeatureDim, p.FeatureDim));
        w.WriteEndArray();
        WriteArray(w, "bias", p.Bias);
        metadata?.Invoke(w);
        w.WriteEndObject();
    }

    /// <summary>Writes a number array, as a property when <paramref name="name"/> is given.</summary>
    public static void WriteArray(Utf8JsonWriter w, string? name, ReadOnlySpan<double> values)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>The JSON text of a policy.</summary>
    public static string ToJson(LinearPolicy p)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true })) Write(w, p);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Saves to a file atomically (temporary file, then rename).</summary>
    public static void Save(string path, LinearPolicy p)
    {
        string tmp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(tmp, ToJson(p));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Loads a policy file; a malformed document throws <see cref="FormatException"/> naming the field.</summary>
    public static LinearPolicy Load(string path) => IO.JsonDocumentFile.Load(path, Parse);

    /// <summary>Parses the JSON text of a policy.</summary>
    public static LinearPolicy Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object");
        string format = Str(root, "format");
        if (format != Format) throw new FormatException($"field 'format' is '{format}', expected '{Format}'");
        int version = Int(root, "version");
        if (version != Version) throw new FormatException($"field 'version' is {version}; this FastIL reads version {Version}");
        PolicyKind kind = Str(root, "kind") switch
        {
            "logistic" => PolicyKind.Logistic,
            "softmax" => PolicyKind.Softmax,
            "linear" => PolicyKind.Linear,
            var k => throw new FormatException($"field 'kind' is '{k}', expected logistic, softmax or linear"),
        };
        int numActions = Int(root, "num_actions");
        string[] inputs = Prop(root, "inputs").EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("field 'inputs' must hold strings")).ToArray();
        var f = Prop(root, "features");
        string type = Str(f, "type");
        FeatureMap map = type switch
        {
            "identity" => FeatureMap.Identity(inputs.Length),
            "poly2" => FeatureMap.Poly2(inputs.Length),
            "coarse" => Int(f, "cells") is var cells and >= 1 and <= FeatureMap.MaxCells ? FeatureMap.Coarse(inputs.Length, cells)
                : throw new FormatException($"field 'features.cells' must be in [1, {FeatureMap.MaxCells}]"),
            "rff" => FeatureMap.RffFrom(inputs.Length, Num(f, "bandwidth"), (ulong)Num(f, "seed"),
                Prop(f, "omega").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(x => x.GetDouble())).ToArray(), Arr(f, "phase")),
            _ => throw new FormatException($"field 'features.type' is '{type}', expected identity, poly2, rff or coarse"),
        };
        var std = Prop(root, "standardize");
        LinearPolicy p;
        try { p = new LinearPolicy(kind, kind == PolicyKind.Linear ? 0 : numActions, map, inputs, std.ValueKind == JsonValueKind.Object); }
        catch (ArgumentException e) { throw new FormatException(e.Message); }
        if (p.Standardize)
        {
            Copy(Arr(std, "mean"), p.Mean, "standardize.mean");
            Copy(Arr(std, "std"), p.Std, "standardize.std");
        }
        var rows = Prop(root, "weights").EnumerateArray().ToArray();
        if (rows.Length != p.Rows) throw new FormatException($"field 'weights' has {rows.Length} rows, expected {p.Rows}");
        for (int r = 0; r < rows.Length; r++)
        {
            var vals = rows[r].EnumerateArray().Select(x => x.GetDouble()).ToArray();
            if (vals.Length != p.FeatureDim) throw new FormatException($"field 'weights[{r}]' has {vals.Length} values, expected {p.FeatureDim}");
            vals.CopyTo(p.Weights, r * p.FeatureDim);
        }
        Copy(Arr(root, "bias"), p.Bias, "bias");
        return p;
    }

    private static string KindName(PolicyKind k) => k.ToString().ToLowerInvariant();
    private static JsonElement Prop(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) ? v : throw new FormatException($"missing field '{name}'");
    private static string Str(JsonElement e, string name)
        => Prop(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new FormatException($"field '{name}' must be a string");
    private static int Int(JsonElement e, string name)
        => Prop(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out int i) ? i : throw new FormatException($"field '{name}' must be an integer");
    private static double Num(JsonElement e, string name)
        => Prop(e, name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw new FormatException($"field '{name}' must be a number");
    private static double[] Arr(JsonElement e, string name)
        => Prop(e, name) is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble() : throw new FormatException($"field '{name}' must hold numbers")).ToArray() : throw new FormatException($"field '{name}' must be an array");
    private static void Copy(double[] src, double[] dst, string name)
    {
        if (src.Length != dst.Length) throw new FormatException($"field '{name}' has {src.Length} values, expected {dst.Length}");
        src.CopyTo(dst, 0);
    }
}
