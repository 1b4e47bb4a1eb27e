using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;
using FastIL.Cli.Infrastructure;
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
            CommonOptions.Threads(),
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
            using VectorEnv env = EnvRegistry.Create(spec.Id, n, new EnvOptions { Precision = precision, Path = path, Threads = threads });
            var (rate, episodes) = Measure(env, seconds);
            results.Add((CommonOptions.Name(env.Path), rate, episodes));
            if (!json) Console.WriteLine($"{spec.Id,-26} envs={n,-9} threads={threads} path={CommonOptions.Name(env.Path),-10} {rate / 1e6,10:F1} M env-steps/s  ({episodes} episodes ended)");
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

    /// <summary>Steps with pre-drawn random actions (so no RNG is timed) until the time is up.</summary>
    public static (double StepsPerSecond, long Episodes) Measure(VectorEnv env, double seconds)
    {
        int n = env.NumEnvs;
        var spec = env.Spec;
        var discrete = new int[ActionSets][];
        var continuous = new float[ActionSets][];
        for (int k = 0; k < ActionSets; k++)
        {
            discrete[k] = new int[n];
            continuous[k] = new float[n];
            for (int i = 0; i < n; i++)
            {
                double u = CounterRng.Uniform(12345, (ulong)i, (ulong)k, 99);
                if (spec.IsDiscrete) discrete[k][i] = Math.Min(spec.ActionCount - 1, (int)(u * spec.ActionCount));
                else continuous[k][i] = (float)(spec.ActionLow + (spec.ActionHigh - spec.ActionLow) * u);
            }
        }
        env.Reset(0);
        // Warm-up: lets tiered JIT settle on the optimized kernel.
        var warm = Stopwatch.StartNew();
        for (int s = 0; warm.Elapsed.TotalSeconds < Math.Min(0.3, seconds); s++) StepOnce(env, discrete, continuous, s);
        env.Reset(0);
        long steps = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            for (int k = 0; k < 8; k++) StepOnce(env, discrete, continuous, (int)steps + k);
            steps += 8;
        }
        double elapsed = sw.Elapsed.TotalSeconds;
        return (steps * (double)n / elapsed, env.EpisodesCompleted);
    }

    private static void StepOnce(VectorEnv env, int[][] discrete, float[][] continuous, int s)
    {
        if (env.Spec.IsDiscrete) env.Step(discrete[s & (ActionSets - 1)]);
        else env.Step(continuous[s & (ActionSets - 1)]);
    }
}
