using System.Globalization;
using System.Text.Json;
using FastIL.Envs;
using PureHDF;

namespace FastIL.IO;

/// <summary>
/// Writes episodes as a Minari dataset (HDF5 storage, Minari 0.5's layout, as in <c>tests/FastIL.Tests/Data/minari</c>):
/// <c>ROOT/NS/namespace_metadata.json</c>, <c>ROOT/NS/NAME-vN/data/metadata.json</c> and <c>data/main_data.hdf5</c> with
/// one <c>episode_&lt;i&gt;</c> group per episode (observations float32 (T + 1, D), actions int64 (T) or float32 (T, 1),
/// rewards float64, terminations/truncations as h5py's bool enum, an empty <c>infos</c> group unless extras are given,
/// attributes id, seed, total_steps and the reward statistics). The dataset directory is written under a temporary
/// name and renamed, so nothing half-written is left.
/// </summary>
public static class MinariWriter
{
    /// <summary>The Minari version whose layout is written.</summary>
    public const string MinariVersion = "0.5.3";

    // h5py stores numpy bools as an 8-bit enum {FALSE, TRUE} and reads such an enum back as bool (PureHDF writes byte-based enums).
    private enum H5Bool : byte { FALSE = 0, TRUE = 1 }

    /// <summary>Gymnasium's registration of each classic-control id (entry points, thresholds), for <c>env_spec</c>.</summary>
    private static (string Entry, string Vector, double? Threshold) Gymnasium(string id)
        => EnvRegistry.Find(id)?.Gymnasium is { } g ? (g.EntryPoint, g.VectorEntryPoint, g.RewardThreshold)
            : throw new ArgumentException($"{id} is not a Gymnasium env: Minari datasets name a Gymnasium id");

    /// <summary>Checks a dataset id <c>NS/NAME-vN</c> (Minari's form) and returns its parts.</summary>
    public static (string Namespace, string Name) ParseId(string datasetId)
    {
        var parts = datasetId.Split('/');
        bool ok = parts.Length == 2 && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            && System.Text.RegularExpressions.Regex.IsMatch(parts[1], @"-v\d+$");
        return ok ? (parts[0], parts[1]) : throw new ArgumentException($"dataset id '{datasetId}': expected NAMESPACE/NAME-vN (letters, digits, - _ .), e.g. cartpole/fastil-expert-v0");
    }

    /// <summary>Writes <paramref name="episodes"/> of <paramref name="env"/> as dataset <paramref name="datasetId"/> under <paramref name="root"/>; returns the dataset directory.</summary>
    public static string Write(string root, string datasetId, EnvSpec env, IReadOnlyList<MinariEpisode> episodes, string description, IReadOnlyList<float[]>? expertLabels = null)
    {
        var (ns, name) = ParseId(datasetId);
        var gym = Gymnasium(env.Id);
        if (episodes.Count == 0) throw new ArgumentException("a dataset needs at least one episode");
        string nsDir = Path.Combine(root, ns), final = Path.Combine(nsDir, name);
        if (Directory.Exists(final) || File.Exists(final)) throw new ArgumentException($"{final} exists already; choose another --dataset-id or --out");
        Directory.CreateDirectory(nsDir);
        string tmp = final + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            Directory.CreateDirectory(Path.Combine(tmp, "data"));
            var file = new H5File();
            for (int i = 0; i < episodes.Count; i++) file[$"episode_{i}"] = Episode(episodes[i], i, env, expertLabels?[i]);
            file.Write(Path.Combine(tmp, "data", "main_data.hdf5"));
            long steps = episodes.Sum(e => (long)e.Steps);
            File.WriteAllText(Path.Combine(tmp, "data", "metadata.json"), Metadata(datasetId, env, gym, episodes.Count, steps, description));
            string nsMeta = Path.Combine(nsDir, "namespace_metadata.json");
            if (!File.Exists(nsMeta)) File.WriteAllText(nsMeta, JsonText.Build(w => { w.WriteStartObject(); w.WriteString("namespace", ns); w.WriteEndObject(); }));
            Directory.Move(tmp, final);
        }
        catch
        {
            try { if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        return final;
    }

    private static H5Group Episode(MinariEpisode e, int i, EnvSpec env, float[]? labels)
    {
        int t = e.Steps;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double r in e.Rewards) { sum += r; min = Math.Min(min, r); max = Math.Max(max, r); }
        double mean = sum / t, ss = 0;
        foreach (double r in e.Rewards) ss += (r - mean) * (r - mean);
        var infos = new H5Group();
        // DAgger's aggregate: the expert's label of every visited state, beside the actions actually taken.
        if (labels is not null) infos["expert_action"] = env.IsDiscrete ? labels.Select(x => (long)x).ToArray() : To2D(labels);
        var g = new H5Group
        {
            ["observations"] = e.Observations,
            ["actions"] = env.IsDiscrete ? e.DiscreteActions! : To2D(e.ContinuousActions!),
            ["rewards"] = e.Rewards,
            ["terminations"] = e.Terminations.Select(b => b ? H5Bool.TRUE : H5Bool.FALSE).ToArray(),
            ["truncations"] = e.Truncations.Select(b => b ? H5Bool.TRUE : H5Bool.FALSE).ToArray(),
            ["infos"] = infos,
            Attributes = new()
            {
                ["id"] = (long)i,
                ["seed"] = (long)e.Id,
                ["total_steps"] = (long)t,
                ["rewards_sum"] = sum,
                ["rewards_mean"] = mean,
                ["rewards_std"] = Math.Sqrt(ss / t),
                ["rewards_max"] = max,
                ["rewards_min"] = min,
            },
        };
        return g;
    }

    private static float[,] To2D(float[] a)
    {
        var r = new float[a.Length, 1];
        for (int i = 0; i < a.Length; i++) r[i, 0] = a[i];
        return r;
    }

    private static string Metadata(string datasetId, EnvSpec env, (string Entry, string Vector, double? Threshold) gym, int episodes, long steps, string description)
        => JsonText.Build(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("total_episodes", episodes);
            w.WriteNumber("total_steps", steps);
            w.WriteString("data_format", "hdf5");
            w.WriteString("observation_space", Box(env.ObservationLow, env.ObservationHigh));
            w.WriteString("action_space", env.IsDiscrete
                ? JsonText.Build(a => { a.WriteStartObject(); a.WriteString("type", "Discrete"); a.WriteString("dtype", "int64"); a.WriteNumber("start", 0); a.WriteNumber("n", env.ActionCount); a.WriteEndObject(); })
                : Box([env.ActionLow], [env.ActionHigh]));
            w.WriteString("env_spec", JsonText.Build(s =>
            {
                s.WriteStartObject();
                s.WriteString("id", env.Id);
                s.WriteString("entry_point", gym.Entry);
                if (gym.Threshold is { } th) s.WriteNumber("reward_threshold", th); else s.WriteNull("reward_threshold");
                s.WriteBoolean("nondeterministic", false);
                s.WriteNumber("max_episode_steps", env.MaxEpisodeSteps);
                s.WriteBoolean("order_enforce", true);
                s.WriteBoolean("disable_env_checker", false);
                s.WriteStartObject("kwargs"); s.WriteEndObject();
                s.WriteStartArray("additional_wrappers"); s.WriteEndArray();
                if (gym.Vector.Length > 0) s.WriteString("vector_entry_point", gym.Vector); else s.WriteNull("vector_entry_point");
                s.WriteEndObject();
            }));
            w.WriteString("dataset_id", datasetId);
            w.WriteString("algorithm_name", "FastIL");
            w.WriteString("code_permalink", "none");
            w.WriteStartArray("author"); w.WriteStringValue("FastIL"); w.WriteEndArray();
            w.WriteStartArray("author_email"); w.WriteStringValue("none"); w.WriteEndArray();
            w.WriteString("description", description);
            w.WriteString("minari_version", MinariVersion);
            w.WriteEndObject();
        });

    /// <summary>A Box space as Minari serializes it; unbounded limits as Python's Infinity tokens, float32 dtype.</summary>
    private static string Box(float[] low, float[] high)
    {
        static string Num(float v) => float.IsPositiveInfinity(v) || v >= float.MaxValue ? "Infinity" : float.IsNegativeInfinity(v) || v <= -float.MaxValue ? "-Infinity"
            : ((double)v).ToString("R", CultureInfo.InvariantCulture);
        return $"{{\"type\": \"Box\", \"dtype\": \"float32\", \"shape\": [{low.Length}], \"low\": [{string.Join(", ", low.Select(Num))}], \"high\": [{string.Join(", ", high.Select(Num))}]}}";
    }
}
