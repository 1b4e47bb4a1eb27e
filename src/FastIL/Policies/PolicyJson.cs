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
    public static string ToJson(LinearPolicy p) => IO.JsonText.Build(w => Write(w, p), indented: true);

    /// <summary>Saves to a file atomically (temporary file, then rename).</summary>
    public static void Save(string path, LinearPolicy p)
    {
        string tmp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(tmp, ToJson(p));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Loads a policy file; a malformed document throws <see cref="FormatException"/> naming the field.</summary>
    public static LinearPolicy Load(string path) => IO.JsonDocumentFile.Load(path, Parse);

    /// <summary>Most actions a policy file may declare (the trainer and inference hold K rows of weights).</summary>
    public const int MaxActions = 4096;
    /// <summary>Most inputs a policy file may declare.</summary>
    public const int MaxInputs = 4096;
    /// <summary>Most random Fourier features a policy file may declare.</summary>
    public const int MaxRffFeatures = 1 << 16;

    /// <summary>
    /// Parses the JSON text of a policy. This is the one validation layer for policy files (eval, predict,
    /// <c>--expert</c>, the native library): every field is checked for kind, range and consistency, and every
    /// failure is a <see cref="FormatException"/> naming the field and what was expected — never garbage accepted.
    /// </summary>
    public static LinearPolicy Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object");
        string format = Str(root, "format");
        if (format != Format) throw new FormatException($"field 'format' is '{format}', expected '{Format}'");
        int version = Int(root, "version", 0, int.MaxValue);
        if (version != Version) throw new FormatException($"field 'version' is {version}; this FastIL reads version {Version}");
        PolicyKind kind = Str(root, "kind") switch
        {
            "logistic" => PolicyKind.Logistic,
            "softmax" => PolicyKind.Softmax,
            "linear" => PolicyKind.Linear,
            var k => throw new FormatException($"field 'kind' is '{k}', expected logistic, softmax or linear"),
        };
        int numActions = Int(root, "num_actions", 0, MaxActions);
        if (kind == PolicyKind.Logistic && numActions != 2) throw new FormatException($"field 'num_actions' is {numActions}; a logistic policy has exactly 2");
        if (kind == PolicyKind.Softmax && numActions < 2) throw new FormatException($"field 'num_actions' is {numActions}; a softmax policy has at least 2");
        var inputsEl = Prop(root, "inputs");
        if (inputsEl.ValueKind != JsonValueKind.Array) throw new FormatException("field 'inputs' must be an array of names");
        int inputCount = inputsEl.GetArrayLength();
        if (inputCount is < 1 or > MaxInputs) throw new FormatException($"field 'inputs' has {inputCount} names; expected 1 to {MaxInputs}");
        var inputs = new string[inputCount];
        int ii = 0;
        foreach (var e in inputsEl.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String) throw new FormatException($"field 'inputs[{ii}]' must be a string");
            inputs[ii++] = e.GetString()!;
        }
        var f = Prop(root, "features");
        if (f.ValueKind != JsonValueKind.Object) throw new FormatException("field 'features' must be an object");
        string type = Str(f, "type", "features.type");
        FeatureMap map = type switch
        {
            "identity" => FeatureMap.Identity(inputs.Length),
            "poly2" => inputs.Length <= 256 ? FeatureMap.Poly2(inputs.Length) : throw new FormatException($"poly2 features of {inputs.Length} inputs are too many (at most 256 inputs)"),
            "coarse" => FeatureMap.Coarse(inputs.Length, Int(f, "cells", 1, FeatureMap.MaxCells, "features.cells")),
            "rff" => Rff(f, inputs.Length),
            _ => throw new FormatException($"field 'features.type' is '{type}', expected identity, poly2, rff or coarse"),
        };
        if (f.TryGetProperty("dimension", out var dim) && !(dim.ValueKind == JsonValueKind.Number && dim.TryGetInt32(out int dv) && dv == map.OutputDim))
            throw new FormatException($"field 'features.dimension' is {dim.GetRawText()}, but the {type} map of {inputs.Length} inputs has {map.OutputDim} features");
        var std = Prop(root, "standardize");
        if (std.ValueKind is not (JsonValueKind.Null or JsonValueKind.Object)) throw new FormatException("field 'standardize' must be null or an object with 'mean' and 'std'");
        bool standardize = std.ValueKind == JsonValueKind.Object;
        if (standardize && map.Kind == FeatureKind.Coarse) throw new FormatException("field 'standardize': coarse features read the raw observation, so a coarse policy cannot be standardized");
        var p = new LinearPolicy(kind, kind == PolicyKind.Linear ? 0 : numActions, map, inputs, standardize);
        if (standardize)
        {
            Finite(Arr(std, "mean", p.InputDim, "standardize.mean"), "standardize.mean").CopyTo(p.Mean, 0);
            var sd = Finite(Arr(std, "std", p.InputDim, "standardize.std"), "standardize.std");
            for (int j = 0; j < sd.Length; j++)
                if (!(sd[j] > 0)) throw new FormatException($"field 'standardize.std[{j}]' is {sd[j]}; a standard deviation must be > 0");
            sd.CopyTo(p.Std, 0);
        }
        var rows = Prop(root, "weights");
        if (rows.ValueKind != JsonValueKind.Array) throw new FormatException($"field 'weights' must be an array of {p.Rows} rows");
        if (rows.GetArrayLength() != p.Rows) throw new FormatException($"field 'weights' has {rows.GetArrayLength()} rows, expected {p.Rows}");
        int r = 0;
        foreach (var row in rows.EnumerateArray())
        {
            var vals = Finite(Numbers(row, p.FeatureDim, $"weights[{r}]"), $"weights[{r}]");
            vals.CopyTo(p.Weights, r * p.FeatureDim);
            r++;
        }
        Finite(Arr(root, "bias", p.Rows, "bias"), "bias").CopyTo(p.Bias, 0);
        return p;
    }

    private static FeatureMap Rff(JsonElement f, int inputDim)
    {
        double bandwidth = Num(f, "bandwidth", "features.bandwidth");
        if (!(bandwidth > 0) || !double.IsFinite(bandwidth)) throw new FormatException($"field 'features.bandwidth' is {bandwidth}; expected a finite number > 0");
        var seedEl = Prop(f, "seed");
        if (!(seedEl.ValueKind == JsonValueKind.Number && seedEl.TryGetUInt64(out ulong seed))) throw new FormatException("field 'features.seed' must be a non-negative integer");
        var phase = Finite(Arr(f, "phase", -1, "features.phase"), "features.phase");
        if (phase.Length is < 1 or > MaxRffFeatures) throw new FormatException($"field 'features.phase' has {phase.Length} values; expected 1 to {MaxRffFeatures}");
        var omegaEl = Prop(f, "omega");
        if (omegaEl.ValueKind != JsonValueKind.Array || omegaEl.GetArrayLength() != phase.Length)
            throw new FormatException($"field 'features.omega' must be an array of {phase.Length} rows (one per phase)");
        var omega = new double[phase.Length * inputDim];
        int k = 0;
        foreach (var row in omegaEl.EnumerateArray())
        {
            Finite(Numbers(row, inputDim, $"features.omega[{k}]"), $"features.omega[{k}]").CopyTo(omega, k * inputDim);
            k++;
        }
        return FeatureMap.RffFrom(inputDim, bandwidth, seed, omega, phase);
    }

    private static string KindName(PolicyKind k) => k.ToString().ToLowerInvariant();
    private static JsonElement Prop(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) ? v : throw new FormatException($"missing field '{name}'");
    private static string Str(JsonElement e, string name, string? path = null)
        => Prop(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new FormatException($"field '{path ?? name}' must be a string");
    private static int Int(JsonElement e, string name, int min, int max, string? path = null)
    {
        var v = Prop(e, name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i)) throw new FormatException($"field '{path ?? name}' must be an integer");
        if (i < min || i > max) throw new FormatException($"field '{path ?? name}' is {i}; expected {min} to {max}");
        return i;
    }
    private static double Num(JsonElement e, string name, string path)
        => Prop(e, name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw new FormatException($"field '{path}' must be a number");
    /// <summary>An array of numbers of the given length (any length when <paramref name="length"/> is negative).</summary>
    private static double[] Arr(JsonElement e, string name, int length, string path) => Numbers(Prop(e, name), length, path);
    private static double[] Numbers(JsonElement v, int length, string path)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new FormatException($"field '{path}' must be an array of numbers");
        int n = v.GetArrayLength();
        if (length >= 0 && n != length) throw new FormatException($"field '{path}' has {n} values, expected {length}");
        var a = new double[n];
        int i = 0;
        foreach (var x in v.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number) throw new FormatException($"field '{path}[{i}]' must be a number");
            a[i++] = x.GetDouble();
        }
        return a;
    }
    /// <summary>Numbers beyond double's range parse as ±∞, beyond float32's overflow in inference: either is garbage.</summary>
    private static double[] Finite(double[] a, string path)
    {
        for (int i = 0; i < a.Length; i++)
        {
            if (!double.IsFinite(a[i])) throw new FormatException($"field '{path}[{i}]' is not a finite number (out of range?)");
            // Inference runs in float32: a value it cannot hold would become ±∞ there.
            if (Math.Abs(a[i]) > float.MaxValue) throw new FormatException($"field '{path}[{i}]' is {a[i]:G17}, beyond float32's range (±3.4e38)");
        }
        return a;
    }
}
