using System.Text.Json;
using FastIL.Algorithms;

namespace FastIL.IO;

/// <summary>The JSON document of one evaluation: what <c>fastil eval --json</c> prints and the native library returns.</summary>
public static class EvaluationJson
{
    /// <summary>The document; <paramref name="extra"/> appends fields (the CLI's device timings).</summary>
    public static string ToJson(string env, string policyPath, ulong seed, EvaluationResult r, double wallSeconds, Action<Utf8JsonWriter>? extra = null)
    {
        return JsonText.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("env", env);
            w.WriteString("policy", policyPath);
            w.WriteNumber("seed", seed);
            w.WriteNumber("episodes", r.Episodes);
            w.WriteNumber("return_mean", r.ReturnMean);
            w.WriteNumber("return_std", r.ReturnStd);
            w.WriteNumber("return_min", r.ReturnMin);
            w.WriteNumber("return_max", r.ReturnMax);
            w.WriteNumber("length_mean", r.LengthMean);
            w.WriteNumber("disagreement", r.Disagreement);
            w.WriteNumber("wall_seconds", wallSeconds);
            w.WriteNumber("env_steps", r.EnvSteps);
            w.WriteNumber("env_steps_per_second", r.EnvSteps / wallSeconds);
            extra?.Invoke(w);
            w.WriteEndObject();
        });
    }
}
