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
