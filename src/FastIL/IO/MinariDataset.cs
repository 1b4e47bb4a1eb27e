using System.Text.Json;
using FastIL.Envs;
using FastIL.Learning;
using PureHDF;

namespace FastIL.IO;

/// <summary>One episode of a Minari dataset: T steps, T + 1 observations.</summary>
/// <param name="Id">The episode's id (its group is <c>episode_&lt;Id&gt;</c>).</param>
/// <param name="Observations">(T + 1) × D float32: the reset observation, then every next observation.</param>
/// <param name="DiscreteActions">T actions (discrete datasets), else null.</param>
/// <param name="ContinuousActions">T actions (one-dimensional Box datasets), else null.</param>
/// <param name="Rewards">T rewards.</param>
/// <param name="Terminations">T terminated flags.</param>
/// <param name="Truncations">T truncated flags.</param>
public sealed record MinariEpisode(int Id, float[,] Observations, long[]? DiscreteActions, float[]? ContinuousActions, double[] Rewards, bool[] Terminations, bool[] Truncations)
{
    /// <summary>Number of steps T.</summary>
    public int Steps => Rewards.Length;
    /// <summary>The expert's label of every step, where the dataset keeps one (<c>infos/expert_action</c>, DAgger's datasets).</summary>
    public float[]? ExpertLabels { get; init; }
}

/// <summary>
/// A Minari dataset (Farama Foundation's offline-data format, HDF5 storage) read with PureHDF:
/// <c>DIR/data/metadata.json</c> (env_spec, spaces, counts) and <c>DIR/data/main_data.hdf5</c> (one
/// <c>episode_&lt;i&gt;</c> group per episode). Every problem is a <see cref="FormatException"/> naming the dataset path and
/// the field; datasets of envs FastIL does not have, or of other spaces, are refused.
/// </summary>
public sealed class MinariDataset
{
    private MinariDataset(string path, string datasetId, EnvSpec env, IReadOnlyList<MinariEpisode> episodes)
    {
        Path = path; DatasetId = datasetId; Env = env; Episodes = episodes;
    }

    /// <summary>The dataset directory.</summary>
    public string Path { get; }
    /// <summary>Minari's dataset id (e.g. <c>cartpole/expert-v0</c>).</summary>
    public string DatasetId { get; }
    /// <summary>The env named by <c>env_spec</c>.</summary>
    public EnvSpec Env { get; }
    /// <summary>The episodes, in id order.</summary>
    public IReadOnlyList<MinariEpisode> Episodes { get; }
    /// <summary>Steps over all episodes.</summary>
    public long TotalSteps => Episodes.Sum(e => (long)e.Steps);

    private enum H5Bool : sbyte { False = 0, True = 1 }

    /// <summary>Loads the dataset at <paramref name="dir"/> (the directory holding <c>data/</c>).</summary>
    public static MinariDataset Load(string dir)
    {
        if (string.IsNullOrEmpty(dir)) throw new FormatException("the dataset path is empty");
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            throw new FormatException($"{dir}: this is a native (AOT) build; reading HDF5 with PureHDF needs run-time generics: use the JIT build (dotnet run, the .NET tool)");
        string dataDir = System.IO.Path.Combine(dir, "data");
        if (!Directory.Exists(dataDir)) throw new FormatException($"{dir}: no data/ directory; expected a Minari dataset (data/metadata.json, data/main_data.hdf5)");
        string metaPath = System.IO.Path.Combine(dataDir, "metadata.json"), h5Path = System.IO.Path.Combine(dataDir, "main_data.hdf5");
        using var meta = JsonDocumentFile.Load<JsonDocument>(metaPath, t => JsonDocument.Parse(t));
        var root = meta.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{metaPath}: expected a JSON object");
        string datasetId = root.TryGetProperty("dataset_id", out var di) && di.ValueKind == JsonValueKind.String ? di.GetString()! : System.IO.Path.GetFileName(System.IO.Path.GetFullPath(dir));
        int episodes = Int(root, "total_episodes", metaPath, 1, 10_000_000);
        string format = root.TryGetProperty("data_format", out var df) && df.ValueKind == JsonValueKind.String ? df.GetString()! : "hdf5";
        if (format != "hdf5") throw new FormatException($"{metaPath}: field 'data_format' is '{format}'; FastIL reads hdf5 datasets");

        using var specDoc = EmbeddedJson(root, "env_spec", metaPath);
        string envId = specDoc.RootElement.TryGetProperty("id", out var idEl) && idEl.ValueKind == JsonValueKind.String ? idEl.GetString()! : throw new FormatException($"{metaPath}: field 'env_spec' has no 'id'");
        var env = EnvRegistry.Find(envId) ?? throw new FormatException($"{metaPath}: field 'env_spec.id' is '{envId}', an env FastIL does not have; expected one of: {EnvRegistry.IdList}");

        using var obsSpace = EmbeddedJson(root, "observation_space", metaPath);
        CheckBox(obsSpace.RootElement, metaPath, "observation_space", env.ObservationSize, env.Id);
        using var actSpace = EmbeddedJson(root, "action_space", metaPath);
        string actType = Str(actSpace.RootElement, "type", metaPath, "action_space.type");
        if (env.IsDiscrete)
        {
            if (actType != "Discrete") throw new FormatException($"{metaPath}: field 'action_space.type' is '{actType}'; {env.Id} has discrete actions");
            int n = Int(actSpace.RootElement, "n", metaPath, 1, int.MaxValue, "action_space.n");
            int start = actSpace.RootElement.TryGetProperty("start", out var st) && st.TryGetInt32(out int s0) ? s0 : 0;
            if (n != env.ActionCount || start != 0) throw new FormatException($"{metaPath}: field 'action_space' is Discrete(n={n}, start={start}); {env.Id} has Discrete({env.ActionCount})");
        }
        else CheckBox(actSpace.RootElement, metaPath, "action_space", 1, env.Id);

        if (!File.Exists(h5Path)) throw new FormatException($"{h5Path}: no such file");
        var list = new List<MinariEpisode>(episodes);
        try
        {
            using var file = H5File.OpenRead(h5Path);
            for (int i = 0; i < episodes; i++) list.Add(ReadEpisode(file, i, env, h5Path));
        }
        catch (FormatException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FormatException($"{h5Path}: cannot read the HDF5 file: {e.Message}");
        }
        return new MinariDataset(dir, datasetId, env, list);
    }

    private static MinariEpisode ReadEpisode(IH5Group file, int i, EnvSpec env, string h5Path)
    {
        string name = $"episode_{i}";
        if (!file.LinkExists(name)) throw new FormatException($"{h5Path}: missing group '{name}' (metadata says {name} exists)");
        var g = file.Group(name);
        string at = $"{h5Path}: {name}";
        var obs = Data(g, "observations", at);
        var od = obs.Space.Dimensions;
        if (od.Length != 2 || (int)od[1] != env.ObservationSize) throw new FormatException($"{at}/observations has shape ({string.Join(", ", od)}); expected (T + 1, {env.ObservationSize})");
        int steps = (int)od[0] - 1;
        if (steps < 1) throw new FormatException($"{at}/observations has {od[0]} rows; an episode has at least one step (T + 1 ≥ 2 rows)");
        // Read flat and reshaped here (one code path for every rank).
        float[] flat = obs.Read<float[]>();
        int cols = env.ObservationSize;
        var o = new float[steps + 1, cols];
        Buffer.BlockCopy(flat, 0, o, 0, flat.Length * sizeof(float));
        long[]? discrete = null;
        float[]? continuous = null;
        var act = Data(g, "actions", at);
        var ad = act.Space.Dimensions;
        if (env.IsDiscrete)
        {
            if (ad.Length != 1 || (int)ad[0] != steps) throw new FormatException($"{at}/actions has shape ({string.Join(", ", ad)}); expected ({steps},)");
            discrete = act.Read<long[]>();
            for (int t = 0; t < steps; t++)
                if (discrete[t] < 0 || discrete[t] >= env.ActionCount) throw new FormatException($"{at}/actions[{t}] is {discrete[t]}; {env.Id} takes 0 to {env.ActionCount - 1}");
        }
        else
        {
            if (!(ad.Length == 1 && (int)ad[0] == steps) && !(ad.Length == 2 && (int)ad[0] == steps && ad[1] == 1))
                throw new FormatException($"{at}/actions has shape ({string.Join(", ", ad)}); expected ({steps}, 1)");
            continuous = act.Read<float[]>();
        }
        double[] rewards = Vector<double>(g, "rewards", steps, at);
        bool[] term = Flags(g, "terminations", steps, at), trunc = Flags(g, "truncations", steps, at);
        for (int r = 0; r < o.GetLength(0); r++)
            for (int j = 0; j < o.GetLength(1); j++)
                if (!float.IsFinite(o[r, j])) throw new FormatException($"{at}/observations[{r}, {j}] is not a finite number");
        int id = g.AttributeExists("id") ? (int)g.Attribute("id").Read<long>() : i;
        float[]? labels = null;
        if (g.LinkExists("infos") && g.Group("infos").LinkExists("expert_action"))
        {
            var ld = g.Group("infos").Dataset("expert_action");
            var dims = ld.Space.Dimensions;
            if (dims.Length is < 1 or > 2 || (int)dims[0] != steps) throw new FormatException($"{at}/infos/expert_action has shape ({string.Join(", ", dims)}); expected ({steps},)");
            labels = env.IsDiscrete ? ld.Read<long[]>().Select(x => (float)x).ToArray() : ld.Read<float[]>();
            if (env.IsDiscrete)
                for (int t = 0; t < steps; t++)
                    if (labels[t] < 0 || labels[t] >= env.ActionCount) throw new FormatException($"{at}/infos/expert_action[{t}] is {labels[t]}; {env.Id} takes 0 to {env.ActionCount - 1}");
        }
        return new MinariEpisode(id, o, discrete, continuous, rewards, term, trunc) { ExpertLabels = labels };
    }

    private static IH5Dataset Data(IH5Group g, string name, string at)
        => g.LinkExists(name) ? g.Dataset(name) : throw new FormatException($"{at}: missing dataset '{name}'");

    private static T[] Vector<T>(IH5Group g, string name, int steps, string at)
    {
        var d = Data(g, name, at);
        if (d.Space.Dimensions.Length != 1 || (int)d.Space.Dimensions[0] != steps) throw new FormatException($"{at}/{name} has shape ({string.Join(", ", d.Space.Dimensions)}); expected ({steps},)");
        return d.Read<T[]>();
    }

    private static bool[] Flags(IH5Group g, string name, int steps, string at)
    {
        var d = Data(g, name, at);
        if (d.Space.Dimensions.Length != 1 || (int)d.Space.Dimensions[0] != steps) throw new FormatException($"{at}/{name} has shape ({string.Join(", ", d.Space.Dimensions)}); expected ({steps},)");
        return d.Read<H5Bool[]>().Select(b => b != H5Bool.False).ToArray();
    }

    /// <summary>
    /// The (observation, action) pairs as a data set for behavioural cloning: row t of each episode is its t-th
    /// observation and the action recorded after it.
    /// </summary>
    /// <param name="expertLabels">
    /// Label each state with the expert's action kept in <c>infos/expert_action</c> (DAgger's datasets) instead of the
    /// action taken; an error for episodes without it.
    /// </param>
    public Dataset ToDataset(bool expertLabels = false)
    {
        int d = Env.ObservationSize;
        var data = new Dataset(d, !Env.IsDiscrete, (int)Math.Min(int.MaxValue, TotalSteps));
        var row = new float[d];
        foreach (var e in Episodes)
        {
            if (expertLabels && e.ExpertLabels is null) throw new FormatException($"{Path}: episode {e.Id} has no infos/expert_action (only DAgger's datasets keep the expert's labels)");
            for (int t = 0; t < e.Steps; t++)
            {
                for (int j = 0; j < d; j++) row[j] = e.Observations[t, j];
                double label = expertLabels ? e.ExpertLabels![t] : Env.IsDiscrete ? e.DiscreteActions![t] : e.ContinuousActions![t];
                data.AppendRow(row, label, 1f);
            }
        }
        return data;
    }

    private static JsonDocument EmbeddedJson(JsonElement root, string field, string path)
    {
        // Minari stores spaces and env_spec as JSON strings inside the metadata document.
        if (!root.TryGetProperty(field, out var v)) throw new FormatException($"{path}: missing field '{field}'");
        // Python's json writes unbounded Box limits as the bare tokens Infinity/-Infinity (and NaN), which are not JSON:
        // they become null here (FastIL reads the spaces' type and shape, not their bounds).
        string text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        text = System.Text.RegularExpressions.Regex.Replace(text, @"(?<![A-Za-z_""])-?(Infinity|NaN)(?![A-Za-z_""])", "null");
        try { return JsonDocument.Parse(text); }
        catch (JsonException e) { throw new FormatException($"{path}: field '{field}' is not valid JSON: {e.Message}"); }
    }

    private static void CheckBox(JsonElement space, string path, string field, int dim, string envId)
    {
        string type = Str(space, "type", path, field + ".type");
        if (type != "Box") throw new FormatException($"{path}: field '{field}.type' is '{type}'; {envId} needs a Box");
        if (!space.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array || shape.GetArrayLength() != 1 || !shape[0].TryGetInt32(out int n) || n != dim)
            throw new FormatException($"{path}: field '{field}.shape' is {(space.TryGetProperty("shape", out var s2) ? s2.GetRawText() : "missing")}; {envId} needs [{dim}]");
    }

    private static string Str(JsonElement e, string name, string path, string? field = null)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"{path}: field '{field ?? name}' must be a string");

    private static int Int(JsonElement e, string name, string path, int min, int max, string? field = null)
    {
        if (!e.TryGetProperty(name, out var v) || !v.TryGetInt32(out int i)) throw new FormatException($"{path}: field '{field ?? name}' must be an integer");
        if (i < min || i > max) throw new FormatException($"{path}: field '{field ?? name}' is {i}; expected {min} to {max}");
        return i;
    }
}
