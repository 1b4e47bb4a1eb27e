using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Experts;
using FastIL.IO;
using FastIL.Policies;

namespace FastIL.Native;

/// <summary>
/// The C ABI of <c>libfastil.so</c> (version <see cref="AbiVersion"/>). Every function returns a status (0 = success,
/// −1 invalid argument, −2 invalid handle, −3 failure, −4 buffer too small); <c>fastil_last_error</c> gives the calling
/// thread's last message. Objects are ids. Arrays are caller-owned and never retained. Observation layouts: 0 =
/// row-major (N, D), 1 = struct-of-arrays (D, N). An env handle may be used from one thread at a time per handle
/// (calls on one handle are serialized); different handles run in parallel.
/// </summary>
public static unsafe class Exports
{
    /// <summary>The ABI version: bumped on any incompatible change of these signatures.</summary>
    public const int AbiVersion = 1;

    private static readonly HandleTable<EnvHandle> Envs = new();
    private static readonly HandleTable<PolicyHandle> Policies = new();

    private sealed class EnvHandle(VectorEnv env)
    {
        public readonly VectorEnv Env = env;
        public readonly object Gate = new();
    }

    private sealed class PolicyHandle(LinearPolicy policy)
    {
        public readonly LinearPolicy Policy = policy;
        public readonly object Gate = new();
        public PolicyInference? Inference;
        public float[][] Columns = [];
    }

    /// <summary><c>int fastil_abi_version(void)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_abi_version")]
    public static int GetAbiVersion() => AbiVersion;

    /// <summary><c>int fastil_last_error(char* buf, int len)</c>: the thread's last error message; returns the bytes needed (with the NUL).</summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_last_error")]
    public static int LastError(byte* buffer, int length) => Status.CopyOut(Status.LastError, buffer, length);

    /// <summary><c>int fastil_last_result(char* buf, int len)</c>: the thread's last JSON result; returns the bytes needed.</summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_last_result")]
    public static int LastResult(byte* buffer, int length) => Status.CopyOut(Status.LastResult, buffer, length);

    /// <summary>
    /// <c>int fastil_vecenv_create(const char* env_id, int num_envs, int autoreset, int threads, int64_t* handle)</c>;
    /// autoreset: 0 next-step (Gymnasium's default), 1 same-step, 2 disabled.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_create")]
    public static int VecEnvCreate(byte* envId, int numEnvs, int autoReset, int threads, long* handle) => Status.Guard(() =>
    {
        if (handle == null) throw new ArgumentException("handle is a null pointer");
        string id = Status.Utf8(envId, "env_id");
        var spec = EnvRegistry.Find(id) ?? throw new ArgumentException($"unknown env '{id}'; expected one of: {EnvRegistry.IdList}");
        if (numEnvs is < 1 or > 1 << 26) throw new ArgumentException($"num_envs must be in [1, {1 << 26}]; got {numEnvs}");
        if (threads is < 1 or > 1024) throw new ArgumentException($"threads must be in [1, 1024]; got {threads}");
        var mode = autoReset switch
        {
            0 => AutoResetMode.NextStep, 1 => AutoResetMode.SameStep, 2 => AutoResetMode.Disabled,
            _ => throw new ArgumentException($"autoreset must be 0 (next-step), 1 (same-step) or 2 (disabled); got {autoReset}"),
        };
        *handle = Envs.Add(new EnvHandle(EnvRegistry.Create(spec, numEnvs, new EnvOptions { AutoReset = mode, Threads = threads })));
        return Status.Ok;
    });

    /// <summary>
    /// <c>int fastil_vecenv_info(int64_t h, int* num_envs, int* obs_dim, int* state_dim, int* action_count, float* action_low,
    /// float* action_high, int* max_episode_steps)</c>; action_count 0 = one continuous action in [low, high].
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_info")]
    public static int VecEnvInfo(long h, int* numEnvs, int* obsDim, int* stateDim, int* actionCount, float* low, float* high, int* maxSteps) => Status.Guard(() =>
    {
        var e = Envs.Get(h, "env").Env;
        var s = e.Spec;
        if (numEnvs != null) *numEnvs = e.NumEnvs;
        if (obsDim != null) *obsDim = s.ObservationSize;
        if (stateDim != null) *stateDim = s.StateSize;
        if (actionCount != null) *actionCount = s.ActionCount;
        if (low != null) *low = s.ActionLow;
        if (high != null) *high = s.ActionHigh;
        if (maxSteps != null) *maxSteps = e.Options.MaxEpisodeSteps ?? s.MaxEpisodeSteps;
        return Status.Ok;
    });

    /// <summary><c>int fastil_vecenv_reset(int64_t h, uint64_t seed, float* obs, int layout)</c>; obs may be null.</summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_reset")]
    public static int VecEnvReset(long h, ulong seed, float* obs, int layout) => Status.Guard(() =>
    {
        var eh = Envs.Get(h, "env");
        lock (eh.Gate)
        {
            eh.Env.Reset(seed);
            WriteObservations(eh.Env, obs, layout);
        }
        return Status.Ok;
    });

    /// <summary>
    /// <c>int fastil_vecenv_step(int64_t h, const void* actions, float* obs, double* rewards, uint8_t* terminated,
    /// uint8_t* truncated, int layout)</c>: actions are N int32 (discrete) or N float32 (continuous); outputs may be null.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_step")]
    public static int VecEnvStep(long h, void* actions, float* obs, double* rewards, byte* terminated, byte* truncated, int layout) => Status.Guard(() =>
    {
        var eh = Envs.Get(h, "env");
        if (actions == null) throw new ArgumentException("actions is a null pointer");
        lock (eh.Gate)
        {
            var env = eh.Env;
            int n = env.NumEnvs;
            if (env.Spec.IsDiscrete) env.Step(new ReadOnlySpan<int>(actions, n));
            else env.Step(new ReadOnlySpan<float>(actions, n));
            WriteObservations(env, obs, layout);
            if (rewards != null) env.CopyRewards(new Span<double>(rewards, n));
            if (terminated != null) MemoryMarshal.Cast<bool, byte>(env.Terminated).CopyTo(new Span<byte>(terminated, n));
            if (truncated != null) MemoryMarshal.Cast<bool, byte>(env.Truncated).CopyTo(new Span<byte>(truncated, n));
        }
        return Status.Ok;
    });

    /// <summary><c>int fastil_vecenv_set_state(int64_t h, const double* states)</c>: N × state_dim, row-major (replay).</summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_set_state")]
    public static int VecEnvSetState(long h, double* states) => Status.Guard(() =>
    {
        var eh = Envs.Get(h, "env");
        if (states == null) throw new ArgumentException("states is a null pointer");
        lock (eh.Gate)
        {
            int d = eh.Env.Spec.StateSize;
            for (int i = 0; i < eh.Env.NumEnvs; i++) eh.Env.SetState(i, new ReadOnlySpan<double>(states + (long)i * d, d));
        }
        return Status.Ok;
    });

    /// <summary><c>int fastil_vecenv_get_state(int64_t h, double* states)</c>: N × state_dim, row-major.</summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_get_state")]
    public static int VecEnvGetState(long h, double* states) => Status.Guard(() =>
    {
        var eh = Envs.Get(h, "env");
        if (states == null) throw new ArgumentException("states is a null pointer");
        lock (eh.Gate)
        {
            int d = eh.Env.Spec.StateSize;
            for (int i = 0; i < eh.Env.NumEnvs; i++) eh.Env.GetState(i, new Span<double>(states + (long)i * d, d));
        }
        return Status.Ok;
    });

    /// <summary>
    /// <c>int fastil_vecenv_step_dynamics(int64_t h, const double* actions, float* obs, double* rewards, uint8_t* terminated)</c>:
    /// one step of the dynamics alone (no time limit or reset), for replaying recorded transitions.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_step_dynamics")]
    public static int VecEnvStepDynamics(long h, double* actions, float* obs, double* rewards, byte* terminated) => Status.Guard(() =>
    {
        var eh = Envs.Get(h, "env");
        if (actions == null) throw new ArgumentException("actions is a null pointer");
        lock (eh.Gate)
        {
            var env = eh.Env;
            int n = env.NumEnvs;
            env.StepDynamics(new ReadOnlySpan<double>(actions, n));
            WriteObservations(env, obs, 0);
            if (rewards != null) env.CopyRewards(new Span<double>(rewards, n));
            if (terminated != null) MemoryMarshal.Cast<bool, byte>(env.Terminated).CopyTo(new Span<byte>(terminated, n));
        }
        return Status.Ok;
    });

    /// <summary><c>int fastil_vecenv_destroy(int64_t h)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_vecenv_destroy")]
    public static int VecEnvDestroy(long h) => Status.Guard(() =>
    {
        var eh = Envs.Remove(h, "env");
        lock (eh.Gate) eh.Env.Dispose();
        return Status.Ok;
    });

    private static void WriteObservations(VectorEnv env, float* obs, int layout)
    {
        if (layout is not (0 or 1)) throw new ArgumentException($"layout must be 0 (row-major) or 1 (struct-of-arrays); got {layout}");
        if (obs == null) return;
        int n = env.NumEnvs, d = env.Spec.ObservationSize;
        if (layout == 1)
        {
            for (int j = 0; j < d; j++) env.Observation(j).CopyTo(new Span<float>(obs + (long)j * n, n));
            return;
        }
        // Row by row, so the output is written sequentially (a column-by-column scatter was a third of a step's time).
        if (d == 4)
        {
            fixed (float* c0 = env.Observation(0), c1 = env.Observation(1), c2 = env.Observation(2), c3 = env.Observation(3))
                Transpose4(c0, c1, c2, c3, obs, n);
            return;
        }
        for (int j = 0; j < d; j++)
        {
            ReadOnlySpan<float> col = env.Observation(j);
            float* dst = obs + j;
            for (int i = 0; i < n; i++) dst[(long)i * d] = col[i];
        }
    }

    /// <summary>Four columns of n floats into n rows of four: 4×4 blocks transposed in SSE registers, then the tail.</summary>
    private static void Transpose4(float* c0, float* c1, float* c2, float* c3, float* rows, int n)
    {
        int i = 0;
        if (Sse.IsSupported)
        {
            for (; i <= n - 4; i += 4, rows += 16)
            {
                Vector128<float> a = Sse.LoadVector128(c0 + i), b = Sse.LoadVector128(c1 + i), c = Sse.LoadVector128(c2 + i), e = Sse.LoadVector128(c3 + i);
                Vector128<float> t0 = Sse.UnpackLow(a, b), t1 = Sse.UnpackLow(c, e), t2 = Sse.UnpackHigh(a, b), t3 = Sse.UnpackHigh(c, e);
                Sse.Store(rows, Sse.MoveLowToHigh(t0, t1));
                Sse.Store(rows + 4, Sse.MoveHighToLow(t1, t0));
                Sse.Store(rows + 8, Sse.MoveLowToHigh(t2, t3));
                Sse.Store(rows + 12, Sse.MoveHighToLow(t3, t2));
            }
        }
        for (; i < n; i++, rows += 4) { rows[0] = c0[i]; rows[1] = c1[i]; rows[2] = c2[i]; rows[3] = c3[i]; }
    }

    /// <summary>
    /// <c>int fastil_run_json(const char* config_json, int* result_bytes)</c>: runs
    /// <c>{"algorithm": "dagger" | "bc" | "eval", …}</c> with the command-line option names as keys (without dashes) and
    /// keeps the JSON result (for dagger/bc the keys of <c>fastil dagger --out</c>, for eval those of
    /// <c>fastil eval --json</c>) for <c>fastil_last_result</c>; result_bytes receives its size with the NUL.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_run_json")]
    public static int RunJson(byte* configJson, int* resultBytes) => Status.Guard(() =>
    {
        string text = Status.Utf8(configJson, "config_json");
        var options = ParseOptions(text);
        string algorithm = options.GetValueOrDefault("algorithm") ?? "dagger";
        string result = algorithm == "eval" ? Evaluate(options) : Imitate(options);
        Status.SetResult(result);
        if (resultBytes != null) *resultBytes = System.Text.Encoding.UTF8.GetByteCount(result) + 1;
        return Status.Ok;
    });

    /// <summary>The config object's members as option strings (numbers and booleans in their JSON spelling).</summary>
    private static Dictionary<string, string> ParseOptions(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new FormatException($"config_json is not valid JSON: {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("config_json must be a JSON object");
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string key = p.Name.Replace('_', '-');
                d[key] = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => throw new FormatException($"config field '{p.Name}' must be a string, number or boolean"),
                };
            }
            return d;
        }
    }

    private static string Imitate(Dictionary<string, string> options)
    {
        var known = new HashSet<string>(ImitationOptions.All, StringComparer.Ordinal);
        foreach (var k in options.Keys)
            if (!known.Contains(k)) throw new FormatException($"unknown config field '{k}'; expected one of: {string.Join(", ", ImitationOptions.All)}");
        var config = ImitationOptions.Build(k => options.GetValueOrDefault(k), k => k);
        if (config.Device != FastIL.Devices.ComputeDevice.Simd && !RuntimeFeature.IsDynamicCodeSupported)
            throw new NotSupportedException("the native library runs the SIMD path only (ILGPU compiles kernels at run time, which Native AOT cannot)");
        return RunResultJson.ToJson(ImitationRunner.Run(config), indented: false);
    }

    private static string Evaluate(Dictionary<string, string> options)
    {
        foreach (var k in options.Keys)
            if (k is not ("algorithm" or "env" or "policy" or "episodes" or "seed" or "threads"))
                throw new FormatException($"unknown eval field '{k}'; expected algorithm, env, policy, episodes, seed, threads");
        string envId = options.GetValueOrDefault("env") ?? throw new FormatException("eval needs 'env'");
        var spec = EnvRegistry.Find(envId) ?? throw new FormatException($"unknown env '{envId}'; expected one of: {EnvRegistry.IdList}");
        string path = options.GetValueOrDefault("policy") ?? throw new FormatException("eval needs 'policy' (a policy file)");
        var policy = PolicyJson.Load(path);
        int episodes = Int(options, "episodes", 1000, 1, 10_000_000);
        int threads = Int(options, "threads", 1, 1, 1024);
        ulong seed = options.GetValueOrDefault("seed") is { } s ? ulong.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 0;
        using var evaluator = new Evaluator(spec, episodes, threads);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = evaluator.Evaluate(new PolicyInference(policy, episodes), BuiltinExperts.For(spec, episodes), seed);
        return EvaluationJson.ToJson(spec.Id, path, seed, r, sw.Elapsed.TotalSeconds);
    }

    private static int Int(Dictionary<string, string> o, string key, int def, int min, int max)
    {
        if (!o.TryGetValue(key, out var s)) return def;
        if (!int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new FormatException($"{key} must be a whole number in [{min}, {max}]; got '{s}'");
        return v;
    }

    /// <summary><c>int fastil_policy_load(const char* path, int64_t* handle)</c>: a policy file as <c>fastil fit</c>/<c>--save-policy</c> write it.</summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_policy_load")]
    public static int PolicyLoad(byte* path, long* handle) => Status.Guard(() =>
    {
        if (handle == null) throw new ArgumentException("handle is a null pointer");
        string p = Status.Utf8(path, "path");
        LinearPolicy policy;
        try { policy = PolicyJson.Load(p); }
        catch (FormatException e) { throw new FormatException(e.Message.StartsWith(p, StringComparison.Ordinal) ? e.Message : $"{p}: {e.Message}"); }
        *handle = Policies.Add(new PolicyHandle(policy));
        return Status.Ok;
    });

    /// <summary><c>int fastil_policy_info(int64_t h, int* input_dim, int* num_actions)</c>; num_actions 0 = continuous.</summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_policy_info")]
    public static int PolicyInfo(long h, int* inputDim, int* numActions) => Status.Guard(() =>
    {
        var p = Policies.Get(h, "policy").Policy;
        if (inputDim != null) *inputDim = p.InputDim;
        if (numActions != null) *numActions = p.NumActions;
        return Status.Ok;
    });

    /// <summary>
    /// <c>int fastil_policy_act(int64_t h, const float* obs, int n, void* actions)</c>: greedy actions of n row-major
    /// observations (n × input_dim) into n int32 (discrete) or n float32 (continuous).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_policy_act")]
    public static int PolicyAct(long h, float* obs, int n, void* actions) => Status.Guard(() =>
    {
        var ph = Policies.Get(h, "policy");
        if (obs == null || actions == null) throw new ArgumentException("obs and actions must not be null");
        if (n is < 0 or > 1 << 26) throw new ArgumentException($"n must be in [0, {1 << 26}]; got {n}");
        if (n == 0) return Status.Ok;
        lock (ph.Gate)
        {
            var p = ph.Policy;
            int d = p.InputDim;
            if (ph.Inference is null || ph.Columns[0].Length < n)
            {
                ph.Inference = new PolicyInference(p, n);
                ph.Columns = new float[d][];
                for (int j = 0; j < d; j++) ph.Columns[j] = new float[n];
            }
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++) ph.Columns[j][i] = obs[(long)i * d + j];
            var cols = new ArrayColumns(ph.Columns, n);
            if (p.Kind == PolicyKind.Linear) ph.Inference.Act(cols, new Span<float>(actions, n));
            else ph.Inference.Act(cols, new Span<int>(actions, n));
        }
        return Status.Ok;
    });

    /// <summary><c>int fastil_policy_destroy(int64_t h)</c></summary>
    [UnmanagedCallersOnly(EntryPoint = "fastil_policy_destroy")]
    public static int PolicyDestroy(long h) => Status.Guard(() =>
    {
        Policies.Remove(h, "policy");
        return Status.Ok;
    });
}
