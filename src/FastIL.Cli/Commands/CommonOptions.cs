using FastIL.Cli.Infrastructure;
using FastIL.Envs;

namespace FastIL.Cli.Commands;

/// <summary>Parsing of options shared by several commands.</summary>
internal static class CommonOptions
{
    public static EnvSpec Env(OptionParser p, string command)
    {
        string id = p.Require("env");
        return EnvRegistry.Find(id) ?? throw new CliException($"{command}: unknown env '{id}'; expected one of: {EnvRegistry.IdList}");
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

    public static Precision Precision(OptionParser p)
        => p.GetChoice("precision", "float32", "float32", "float64") == "float64" ? Envs.Precision.Float64 : Envs.Precision.Float32;

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
