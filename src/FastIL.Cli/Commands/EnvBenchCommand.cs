using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;
using FastIL.Cli.Infrastructure;
using FastIL.IO;
using FastIL.Envs;
using FastIL.Devices;
using FastIL.Random;

namespace FastIL.Cli.Commands;

/// <summary>
/// <c>fastil env bench</c>: a quick wall-clock throughput check (env-steps/s per kernel path) with auto-reset and
/// time limit on. The authoritative figures come from BenchmarkDotNet in bench/.
/// </summary>
internal static class EnvBenchCommand
{
    public static CliCommand Definition => new("env bench",
        "Quick wall-clock throughput check: env-steps/s per kernel path, auto-reset and time limit on (bench/ has the BenchmarkDotNet figures).",
        [
            CommonOptions.EnvRequired,
            new("envs", "N", "Lanes (environments stepped together)", "16384"),
            new("seconds", "S", "Seconds to run each path", "1"),
            new("threads", "T", "Threads; each owns a block of the lanes (its own env, the same lanes' draws) and steps it 32 steps at a time, meeting the others between", "1"),
            CliOption.OneOf("path", "Kernel path(s) to time; all = every path this CPU has", "all", "all", "auto", "scalar", "vector256", "vector512"),
            CommonOptions.PrecisionOption,
            CommonOptions.Device,
            CommonOptions.Json,
        ], Run);

    private const int ActionSets = 16;

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        EnvSpec spec = CommonOptions.Env(p);
        int n = p.Int("envs", 1, 1 << 26);
        double seconds = p.Double("seconds", 0.01, 3600);
        int threads = p.Int("threads", 1, 1024);
        Precision precision = CommonOptions.Precision(p);
        string pathArg = p.Choice("path");
        bool json = p.Has("json");
        var device = ComputeDevices.Resolve(ComputeDevices.Parse(p.Choice("device"))!.Value);
        if (device != ComputeDevice.Simd) return BenchDevice(spec, n, seconds, device, json);

        var paths = new List<SimdPath>();
        if (!spec.HasSimdPaths)
        {
            if (pathArg is "vector256" or "vector512" || precision == Precision.Float64)
                throw new CliException($"{cmd}: {spec.Id} is tabular: it steps float32 observations of an integer state on the scalar path only");
            paths.Add(SimdPath.Scalar);
        }
        else if (precision == Precision.Float64)
        {
            if (pathArg is "vector256" or "vector512") throw new CliException($"{cmd}: --path {pathArg} is float32-only; float64 runs the scalar path");
            paths.Add(SimdPath.Scalar);
        }
        else if (pathArg == "all")
        {
            paths.Add(SimdPath.Scalar);
            if (Vector256.IsHardwareAccelerated) paths.Add(SimdPath.Vector256);
            if (Vector512.IsHardwareAccelerated) paths.Add(SimdPath.Vector512);
        }
        else paths.Add(CommonOptions.Path(pathArg));

        var results = new List<(string Path, double StepsPerSecond, long Episodes)>();
        foreach (var path in paths)
        {
            // One env per thread over a contiguous block of the lanes (FirstLane keeps each lane's draws): a thread
            // steps its block 32 steps at a time, as DAgger's blocked rollout does, instead of meeting the others every step.
            int blocks = Math.Min(threads, n);
            var envs = new VectorEnv[blocks];
            for (int b = 0; b < blocks; b++)
            {
                int first = (int)((long)n * b / blocks), next = (int)((long)n * (b + 1) / blocks);
                envs[b] = EnvRegistry.Create(spec.Id, next - first, new EnvOptions { Precision = precision, Path = path, Threads = 1, FirstLane = first });
            }
            try
            {
                var (rate, episodes) = Measure(envs, seconds);
                results.Add((CommonOptions.Name(envs[0].Path), rate, episodes));
                if (!json) Console.WriteLine($"{spec.Id,-26} envs={n,-9} threads={threads} path={CommonOptions.Name(envs[0].Path),-10} {rate / 1e6,10:F1} M env-steps/s  ({episodes} episodes ended)");
            }
            finally { foreach (var e in envs) e.Dispose(); }
        }
        if (json) Console.WriteLine(Json(spec, n, threads, null, precision == Precision.Float64 ? "float64" : "float32", results));
        return 0;
    }

    private static int BenchDevice(EnvSpec spec, int n, double seconds, ComputeDevice device, bool json)
    {
        const string cmd = "env bench";
        double rate; long episodes; string name;
        try
        {
            using var session = IlgpuSession.Open(device);
            using var gpu = new DeviceImitation(session, spec);
            (rate, episodes) = gpu.Bench(n, seconds, stepsPerLaunch: 100);
            name = session.Name;
        }
        catch (DeviceUnavailableException e) { throw new CliException($"{cmd}: {e.Message}", 1); }
        catch (ArgumentException e) { throw new CliException($"{cmd}: {e.Message}"); }
        string path = ComputeDevices.Name(device);
        if (json) Console.WriteLine(Json(spec, n, null, (path, name), "float32", [(path, rate, episodes)]));
        else Console.WriteLine($"{spec.Id,-26} envs={n,-9} device={path} ({name}) {rate / 1e6,10:F1} M env-steps/s  ({episodes} episodes ended)");
        return 0;
    }

    /// <summary>The <c>--json</c> document: threads for the CPU paths, device and accelerator for a kernel run.</summary>
    private static string Json(EnvSpec spec, int n, int? threads, (string Device, string Accelerator)? device, string precision,
        List<(string Path, double StepsPerSecond, long Episodes)> results) => JsonText.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("env", spec.Id);
        w.WriteNumber("envs", n);
        if (threads is { } t) w.WriteNumber("threads", t);
        if (device is { } d) { w.WriteString("device", d.Device); w.WriteString("accelerator", d.Accelerator); }
        w.WriteString("precision", precision);
        w.WriteStartArray("results");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("path", r.Path);
            w.WriteNumber("steps_per_second", Math.Round(r.StepsPerSecond));
            w.WriteNumber("episodes_completed", r.Episodes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>
    /// Steps lane blocks (one env each, one thread each) with pre-drawn random actions until the time is up; the
    /// threads meet every PerMeeting (32) steps. Returns env-steps per second over all lanes and the episodes ended.
    /// </summary>
    public static (double StepsPerSecond, long Episodes) Measure(VectorEnv[] envs, double seconds)
    {
        var job = new BlockSteps(envs);
        using var pool = new FastIL.Parallel.WorkerPool(envs.Length);
        int n = envs.Sum(e => e.NumEnvs);
        foreach (var e in envs) e.Reset(0);
        // Warm-up: lets tiered JIT settle on the optimized kernel.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(0.3, seconds)) pool.Run(job, envs.Length);
        foreach (var e in envs) e.Reset(0);
        job.Step = 0;
        long episodes0 = envs.Sum(e => e.EpisodesCompleted);
        long steps = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            pool.Run(job, envs.Length);
            job.Step += BlockSteps.PerMeeting;
            steps += BlockSteps.PerMeeting;
        }
        double elapsed = sw.Elapsed.TotalSeconds;
        return (steps * (double)n / elapsed, envs.Sum(e => e.EpisodesCompleted) - episodes0);
    }

    /// <summary>PerMeeting steps of every block per run of the pool, each block with its lanes' slice of the pre-drawn actions.</summary>
    private sealed class BlockSteps : FastIL.Parallel.IChunkJob
    {
        public const int PerMeeting = 32;
        private readonly VectorEnv[] _envs;
        private readonly int[][][] _discrete;
        private readonly float[][][] _continuous;
        public int Step;

        public BlockSteps(VectorEnv[] envs)
        {
            _envs = envs;
            _discrete = new int[envs.Length][][];
            _continuous = new float[envs.Length][][];
            int first = 0;
            for (int b = 0; b < envs.Length; b++)
            {
                int n = envs[b].NumEnvs;
                var spec = envs[b].Spec;
                _discrete[b] = new int[ActionSets][];
                _continuous[b] = new float[ActionSets][];
                for (int k = 0; k < ActionSets; k++)
                {
                    _discrete[b][k] = new int[n];
                    _continuous[b][k] = new float[n];
                    for (int i = 0; i < n; i++)
                    {
                        double u = CounterRng.Uniform(12345, (ulong)(first + i), (ulong)k, 99);
                        if (spec.IsDiscrete) _discrete[b][k][i] = Math.Min(spec.ActionCount - 1, (int)(u * spec.ActionCount));
                        else _continuous[b][k][i] = (float)(spec.ActionLow + (spec.ActionHigh - spec.ActionLow) * u);
                    }
                }
                first += n;
            }
        }

        public void ExecuteChunk(int block)
        {
            for (int k = 0; k < PerMeeting; k++) StepOnce(_envs[block], _discrete[block], _continuous[block], Step + k);
        }
    }

    private static void StepOnce(VectorEnv env, int[][] discrete, float[][] continuous, int s)
    {
        if (env.Spec.IsDiscrete) env.Step(discrete[s & (ActionSets - 1)]);
        else env.Step(continuous[s & (ActionSets - 1)]);
    }
}
