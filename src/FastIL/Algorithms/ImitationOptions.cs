using System.Globalization;
using FastIL.Envs;
using FastIL.Policies;

namespace FastIL.Algorithms;

/// <summary>
/// Builds an <see cref="ImitationConfig"/> from option strings keyed by the command-line names without dashes
/// (<c>env</c>, <c>iterations</c>, <c>l2</c>, …). Shared by <c>fastil dagger</c>/<c>bc</c> and sweep specs, so both
/// accept the same options with the same checks. Errors are <see cref="FormatException"/>s naming the option
/// through <c>display</c> (e.g. "--l2" on the command line, "grid.l2" in a spec) and the bad value.
/// </summary>
public static class ImitationOptions
{
    /// <summary>Options of every run.</summary>
    public static readonly string[] Common = ["algorithm", "env", "horizon", "policy", "features", "standardize", "l2", "ent-weight", "eval-episodes", "seed", "threads", "select", "device"];
    /// <summary>DAgger-only options.</summary>
    public static readonly string[] DaggerOnly = ["iterations", "rollouts", "beta", "mixing"];
    /// <summary>BC-only options.</summary>
    public static readonly string[] BcOnly = ["demos"];
    /// <summary>Every key accepted.</summary>
    public static IEnumerable<string> All => Common.Concat(DaggerOnly).Concat(BcOnly);

    /// <summary>Builds the config; <paramref name="get"/> returns an option's text or null when absent.</summary>
    public static ImitationConfig Build(Func<string, string?> get, Func<string, string> display)
    {
        Algorithm algorithm = Choice(get, display, "algorithm", "dagger", "dagger", "bc") == "bc" ? Algorithm.BC : Algorithm.Dagger;
        foreach (var k in algorithm == Algorithm.BC ? DaggerOnly : BcOnly)
            if (get(k) is not null) throw new FormatException($"{display(k)} does not apply to {(algorithm == Algorithm.BC ? "bc" : "dagger")}");
        string envId = get("env") ?? "CartPole-v1";
        EnvSpec spec = EnvRegistry.Find(envId) ?? throw new FormatException($"{display("env")}: unknown env '{envId}'; expected one of: {EnvRegistry.IdList}");
        var d = ImitationConfig.For(spec.Id);

        PolicyKind? kind = get("policy") is null ? d.Policy : Choice(get, display, "policy", "", "logistic", "softmax", "linear") switch
        {
            "logistic" => PolicyKind.Logistic, "softmax" => PolicyKind.Softmax, _ => PolicyKind.Linear,
        };
        BetaSchedule beta = d.Beta;
        if (get("beta") is { } b)
        {
            try { beta = BetaSchedule.Parse(b); }
            catch (FormatException e) { throw new FormatException($"{display("beta")}: {e.Message}"); }
        }
        string features = get("features") ?? d.Features;
        try { FeatureMap.Parse(features, spec.ObservationSize, 0); }
        catch (FormatException e) { throw new FormatException($"{display("features")}: {e.Message}"); }

        var config = d with
        {
            Algorithm = algorithm,
            Iterations = algorithm == Algorithm.BC ? 1 : Int(get, display, "iterations", d.Iterations, 1, 100_000),
            Rollouts = algorithm == Algorithm.BC ? Int(get, display, "demos", d.Rollouts * d.Iterations, 1, 10_000_000) : Int(get, display, "rollouts", d.Rollouts, 1, 10_000_000),
            Horizon = get("horizon") is null ? d.Horizon : Int(get, display, "horizon", 0, 1, 10_000_000),
            Beta = beta,
            Mixing = Choice(get, display, "mixing", "step", "step", "trajectory") == "step" ? Mixing.PerStep : Mixing.PerTrajectory,
            Policy = kind,
            Features = features,
            Standardize = get("standardize") is { } s ? Bool(display, "standardize", s) : d.Standardize,
            L2 = Double(get, display, "l2", d.L2, 0, 1e12),
            EntropyWeight = Double(get, display, "ent-weight", d.EntropyWeight, 0, 1e6),
            EvalEpisodes = Int(get, display, "eval-episodes", d.EvalEpisodes, 1, 10_000_000),
            Seed = get("seed") is { } seed ? OptionText.ULong(seed, display("seed")) : d.Seed,
            Threads = Int(get, display, "threads", d.Threads, 1, 1024),
            SelectBest = Choice(get, display, "select", "best", "best", "last") == "best",
            Device = Devices.ComputeDevices.Parse(Choice(get, display, "device", "simd", Devices.ComputeDevices.Names))!.Value,
        };
        // The whole run is checked here, before anything starts (a sweep checks every point): the policy against the
        // env's action space, and the memory the run would plan for.
        try { ImitationRunner.Validate(config, spec); }
        catch (ArgumentException e) { throw new FormatException(e.Message); }
        return config;
    }

    private static int Int(Func<string, string?> get, Func<string, string> display, string key, int def, int min, int max)
        => get(key) is { } s ? OptionText.Int(s, display(key), min, max) : def;

    private static double Double(Func<string, string?> get, Func<string, string> display, string key, double def, double min, double max)
        => get(key) is { } s ? OptionText.Double(s, display(key), min, max) : def;

    private static string Choice(Func<string, string?> get, Func<string, string> display, string key, string def, params string[] choices)
        => get(key) is { } s ? OptionText.Choice(s, display(key), choices) : def;

    private static bool Bool(Func<string, string> display, string key, string s) => s.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new FormatException($"{display(key)} expects true or false; got '{s}'"),
    };
}
