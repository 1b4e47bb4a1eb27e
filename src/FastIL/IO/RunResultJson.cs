using System.Text.Json;
using FastIL.Algorithms;

namespace FastIL.IO;

/// <summary>
/// The JSON document of a BC/DAgger run: what <c>fastil dagger --out</c> writes, the native library's
/// <c>fastil_run_json</c> returns and the Python module's <c>fastil.dagger()</c> parses.
/// </summary>
public static class RunResultJson
{
    /// <summary>The result document (the keys the README lists).</summary>
    public static string ToJson(RunResult r, bool indented) => JsonText.Build(w => Write(w, r), indented);

    private static void Write(Utf8JsonWriter w, RunResult r)
    {
        var c = r.Config;
        w.WriteStartObject();
        w.WriteString("env", c.Env);
        w.WriteString("algorithm", c.Algorithm == Algorithm.BC ? "bc" : "dagger");
        w.WriteNumber("seed", c.Seed);
        w.WriteStartObject("config");
        w.WriteNumber("iterations", c.Iterations);
        w.WriteNumber("rollouts", c.Rollouts);
        if (c.Horizon is { } h) w.WriteNumber("horizon", h); else w.WriteNull("horizon");
        w.WriteString("beta", c.Beta.ToString());
        w.WriteString("mixing", c.Mixing == Mixing.PerStep ? "step" : "trajectory");
        w.WriteString("policy", r.Policy.Kind.ToString().ToLowerInvariant());
        w.WriteString("features", c.Features);
        w.WriteBoolean("standardize", c.Standardize);
        w.WriteNumber("l2", c.L2);
        w.WriteNumber("ent_weight", c.EntropyWeight);
        w.WriteNumber("eval_episodes", c.EvalEpisodes);
        w.WriteNumber("threads", c.Threads);
        w.WriteString("select", c.SelectBest ? "best" : "last");
        w.WriteString("expert", r.ExpertName);
        w.WriteEndObject();
        w.WriteNumber("expert_return_mean", r.Expert.ReturnMean);
        w.WriteNumber("expert_return_min", r.Expert.ReturnMin);
        w.WriteNumber("wall_seconds", r.WallSeconds);
        // Device runs only (timings, like wall_seconds): kernel and host↔device copy time.
        if (!double.IsNaN(r.DeviceKernelSeconds)) w.WriteNumber("device_kernel_seconds", r.DeviceKernelSeconds);
        if (!double.IsNaN(r.DeviceTransferSeconds)) w.WriteNumber("device_transfer_seconds", r.DeviceTransferSeconds);
        w.WriteNumber("env_steps", r.EnvSteps);
        w.WriteNumber("selected_iteration", r.SelectedIteration);
        w.WriteStartObject("final");
        WriteEval(w, r.Final);
        w.WriteEndObject();
        w.WriteStartArray("iterations");
        foreach (var it in r.Iterations)
        {
            w.WriteStartObject();
            w.WriteNumber("iteration", it.Iteration);
            w.WriteNumber("beta", it.Beta);
            w.WriteNumber("dataset_size", it.DatasetSize);
            w.WriteNumber("rollout_steps", it.RolloutSteps);
            WriteEval(w, it.Eval);
            w.WriteNumber("fit_objective", it.Fit.Objective);
            w.WriteNumber("fit_iterations", it.Fit.Iterations);
            w.WriteNumber("fit_gradient_norm", it.Fit.GradientNorm);
            if (!double.IsNaN(it.Fit.Accuracy)) w.WriteNumber("train_accuracy", it.Fit.Accuracy);
            if (!double.IsNaN(it.Fit.MeanSquaredError)) w.WriteNumber("train_mse", it.Fit.MeanSquaredError);
            w.WriteNumber("rollout_seconds", it.RolloutSeconds);
            w.WriteNumber("fit_seconds", it.FitSeconds);
            w.WriteNumber("eval_seconds", it.EvalSeconds);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEval(Utf8JsonWriter w, EvaluationResult e)
    {
        w.WriteNumber("eval_return_mean", e.ReturnMean);
        w.WriteNumber("eval_return_std", e.ReturnStd);
        w.WriteNumber("eval_return_min", e.ReturnMin);
        w.WriteNumber("eval_return_max", e.ReturnMax);
        w.WriteNumber("eval_length_mean", e.LengthMean);
        if (double.IsNaN(e.Disagreement)) w.WriteNull("disagreement"); else w.WriteNumber("disagreement", e.Disagreement);
        w.WriteNumber("eval_episodes", e.Episodes);
    }
}
