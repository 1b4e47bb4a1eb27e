using FastIL.Cli.Infrastructure;
using FastIL.Envs;

namespace FastIL.Cli.Commands;

/// <summary>Parsing of options shared by several commands.</summary>
internal static class CommonOptions
{
    /// <summary><c>--env ID</c>, required (commands with a default env declare their own).</summary>
    public static CliOption EnvRequired => new("env", "ID", "Environment id (required): " + EnvRegistry.IdList, "(none)") { Suggestions = [.. EnvRegistry.All.Select(s => s.Id)] };

    /// <summary><c>--seed S</c>.</summary>
    public static CliOption Seed(string what) => new("seed", "S", what, "0");

    /// <summary><c>--threads T</c>.</summary>
    public static CliOption Threads(string @default = "1") => new("threads", "T", "Worker threads (results are identical for any count)", @default);

    /// <summary><c>--device</c>: where rollouts run.</summary>
    public static CliOption Device => CliOption.OneOf("device", "Where rollouts run: SIMD kernels on the CPU, ILGPU's CPU accelerator, a CUDA GPU, or CUDA when present", "simd", FastIL.Devices.ComputeDevices.Names);

    /// <summary><c>--json</c>: machine-readable output.</summary>
    public static CliOption Json => CliOption.Flag("json", "Print one JSON document on stdout instead of the table (no progress output)");

    /// <summary><c>--quiet</c>: no progress output.</summary>
    public static CliOption Quiet => CliOption.Flag("quiet", "No progress output on stderr");

    /// <summary><c>--precision</c>: the env's floating-point type.</summary>
    public static CliOption PrecisionOption => CliOption.OneOf("precision", "Floating-point type of the env state", "float32", "float32", "float64");

    /// <summary>A default as the user would type it (invariant culture).</summary>
    public static string Invariant(IFormattable value) => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The env named by <c>--env</c>.</summary>
    public static EnvSpec Env(OptionValues p)
    {
        string id = p.Require("env");
        return EnvRegistry.Find(id) ?? throw new CliException($"{p.Command}: unknown env '{id}'; expected one of: {EnvRegistry.IdList}");
    }

    /// <summary>Loads a policy file; a bad file is a data error (exit 1) naming the file and field.</summary>
    public static FastIL.Policies.LinearPolicy LoadPolicy(string path)
    {
        try { return FastIL.Policies.PolicyJson.Load(path); }
        catch (FormatException e) { throw new CliException(e.Message, 1); }
    }

    /// <summary>Loads a policy that must read an env's observations.</summary>
    public static FastIL.Policies.LinearPolicy LoadPolicyFor(string path, EnvSpec spec, string role)
    {
        var policy = LoadPolicy(path);
        if (policy.InputDim != spec.ObservationSize)
            throw new CliException($"{path}: the {role} takes {policy.InputDim} inputs; {spec.Id} observations have {spec.ObservationSize}", 1);
        if (spec.IsDiscrete != (policy.Kind != FastIL.Policies.PolicyKind.Linear) || (spec.IsDiscrete && policy.NumActions != spec.ActionCount))
            throw new CliException($"{path}: the {role} is a {policy.Kind.ToString().ToLowerInvariant()} policy with {policy.NumActions} actions; {spec.Id} has {(spec.IsDiscrete ? $"{spec.ActionCount} discrete actions" : "a continuous action")}", 1);
        return policy;
    }

    public static Precision Precision(OptionValues p)
        => p.Choice("precision") == "float64" ? Envs.Precision.Float64 : Envs.Precision.Float32;

    public static SimdPath Path(string s) => s switch
    {
        "scalar" => SimdPath.Scalar,
        "vector256" => SimdPath.Vector256,
        "vector512" => SimdPath.Vector512,
        _ => SimdPath.Auto,
    };

    public static string Name(SimdPath p) => p switch
    {
        SimdPath.Scalar => "scalar",
        SimdPath.Vector256 => "vector256",
        SimdPath.Vector512 => "vector512",
        _ => "auto",
    };
}
