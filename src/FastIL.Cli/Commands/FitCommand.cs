using System.Diagnostics;
using System.Text.Json;
using FastIL.Cli.Infrastructure;
using FastIL.IO;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil fit</c>: behavioural cloning from a CSV of logged (state, action) rows.</summary>
internal static class FitCommand
{
    public static CliCommand Definition => new("fit",
        "Fits a policy to a CSV by empirical loss minimization (logistic / softmax log-likelihood, or squared error) and saves it as policy JSON.",
        [
            new("data", "F.csv", "Training rows with a header line (required)", "(none)"),
            new("label", "COLUMN", "The label column (required): an action index, or a number for a linear policy", "(none)"),
            new("features-columns", "a,b,...", "Input columns", "(every column but the label and weight)"),
            new("weight-column", "W", "Per-row weights", "(none: weight 1)"),
            CliOption.OneOf("policy", "Policy kind; auto = logistic for 2 actions, softmax for more (linear: regression on a numeric label)", "auto", "auto", "logistic", "softmax", "linear"),
            new("l2", "λ", "L2 penalty λ on the weights (not the bias)", "0"),
            new("C", "C", "scikit-learn's inverse penalty instead of --l2: λ = 1/(C·N)", "(none)"),
            new("ent-weight", "E", "Entropy bonus weight (softmax/logistic)", "0"),
            new("features", "MAP", "Feature map: identity, poly2, rff:D[:BW] (random Fourier features), coarse:M", "identity"),
            CommonOptions.Seed("Seed of the random Fourier features"),
            CliOption.Flag("standardize", "Standardize inputs (mean 0, std 1, stored in the policy)"),
            CliOption.OneOf("solver", "Solver; auto = damped Newton up to 32 parameters, L-BFGS above, Cholesky for linear", "auto", "auto", "lbfgs", "newton", "cholesky", "adam"),
            new("epochs", "E", "Adam epochs", "50"),
            new("learning-rate", "R", "Adam learning rate", "0.01"),
            CommonOptions.Threads(),
            new("output", "policy.json", "Where to write the policy (required)", "(none)"),
            CliOption.Flag("json", "Print the fit's summary as JSON"),
        ], Run);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        string dataPath = p.Require("data"), label = p.Require("label"), output = p.Require("output");
        OutputPaths.CheckWritable(cmd, "--output", output);
        OutputPaths.Distinct(cmd, [("--output", output)], ("--data", dataPath));
        string policyArg = p.Choice("policy");
        if (p.Has("l2") && p.Has("C")) throw new CliException($"{cmd}: give --l2 or --C, not both");
        double entWeight = p.Double("ent-weight", 0, 1e6);
        int threads = p.Int("threads", 1, 256);
        ulong seed = p.ULong("seed");

        CsvFile t = CsvFile.Open(dataPath);
        int labelCol = t.IndexOf(label);
        if (labelCol < 0) throw new CliException($"{t.HeaderLocation}: no column '{label}' (columns: {string.Join(", ", t.Header)})", 1);
        int weightCol = -1;
        if (p.Get("weight-column") is { } wc && (weightCol = t.IndexOf(wc)) < 0) throw new CliException($"{t.HeaderLocation}: no column '{wc}' for --weight-column", 1);
        string[] inputs = p.Get("features-columns") is { } fc
            ? fc.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : t.Header.Where((h, i) => i != labelCol && i != weightCol).ToArray();
        if (inputs.Length == 0) throw new CliException($"{cmd}: no input columns");
        int[] inputCols = inputs.Select(c => t.IndexOf(c) is var i && i >= 0 ? i : throw new CliException($"{t.HeaderLocation}: no column '{c}' (columns: {string.Join(", ", t.Header)})", 1)).ToArray();
        // One streamed pass: the label, the inputs and the weight as numbers (errors name line and column).
        CsvNumbers numbers = t.ReadNumbers([labelCol, .. inputCols, .. (weightCol >= 0 ? new[] { weightCol } : [])]);
        if (numbers.Count == 0) throw new CliException($"{dataPath}: no data rows after the header", 1);
        int rows = numbers.Count;
        string At(int r) => $"{dataPath}:{numbers.Lines[r]}";
        static string Text(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        // Labels: integers 0..K-1 for discrete policies, any finite number for linear.
        var labels = numbers.Values[0];
        bool integral = labels.All(v => v == Math.Floor(v));
        PolicyKind kind;
        int k = 0;
        if (policyArg == "linear") kind = PolicyKind.Linear;
        else
        {
            for (int r = 0; r < labels.Length; r++)
            {
                double v = labels[r];
                if (v != Math.Floor(v) || v < 0 || v >= PolicyJson.MaxActions)
                    throw new CliException($"{At(r)}: column '{label}': a {(policyArg == "auto" ? "discrete" : policyArg)} policy needs integer labels 0..K-1 with K ≤ {PolicyJson.MaxActions}; got '{Text(v)}'{(integral ? "" : " (use --policy linear for continuous targets)")}", 1);
            }
            k = (int)labels.Max() + 1;
            kind = policyArg switch { "logistic" => PolicyKind.Logistic, "softmax" => PolicyKind.Softmax, _ => k <= 2 ? PolicyKind.Logistic : PolicyKind.Softmax };
            if (kind == PolicyKind.Logistic && k > 2)
            {
                int r = Array.FindIndex(labels, v => v > 1);
                throw new CliException($"{At(r)}: column '{label}': a logistic policy takes labels 0 or 1; got '{Text(labels[r])}' (use --policy softmax)", 1);
            }
            if (kind == PolicyKind.Logistic) k = 2;
            if (labels.Distinct().Count() < 2) throw new CliException($"{dataPath}: column '{label}' holds one class only ({labels[0]}); a classifier needs at least two", 1);
        }

        var data = new Dataset(inputs.Length, kind == PolicyKind.Linear, rows);
        var row = new float[inputs.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < inputCols.Length; j++)
            {
                double v = numbers.Values[1 + j][r];
                if (Math.Abs(v) > float.MaxValue) throw new CliException($"{At(r)}: column '{inputs[j]}': {v} does not fit in float32", 1);
                row[j] = (float)v;
            }
            float w = 1f;
            if (weightCol >= 0 && !((w = (float)numbers.Values[^1][r]) >= 0))
                throw new CliException($"{At(r)}: column '{t.Header[weightCol]}': weights must be ≥ 0", 1);
            data.AppendRow(row, labels[r], w);
        }

        FeatureMap map;
        try { map = FeatureMap.Parse(p.Value("features"), inputs.Length, seed); }
        catch (FormatException e) { throw new CliException($"{cmd}: --{e.Message}"); }
        double l2 = p.Has("C") ? 1.0 / (p.Double("C", 1e-300) * data.Count) : p.Double("l2", 0);
        LinearPolicy policy;
        try { policy = new LinearPolicy(kind, k, map, inputs, p.Has("standardize")); }
        catch (ArgumentException e) { throw new CliException($"{cmd}: {e.Message}"); }
        Solver solver = p.Choice("solver") switch
        {
            "lbfgs" => Solver.Lbfgs, "newton" => Solver.Newton, "cholesky" => Solver.Cholesky, "adam" => Solver.Adam, _ => Solver.Auto,
        };
        using var trainer = new Trainer(new TrainerOptions
        {
            L2 = l2, EntropyWeight = entWeight, Threads = threads, Solver = solver, Seed = seed,
            Epochs = p.Int("epochs", 1, 1_000_000), LearningRate = p.Double("learning-rate", 1e-12, 1e6),
        });
        var sw = Stopwatch.StartNew();
        FitResult fit;
        try { fit = trainer.Fit(data, policy, warmStart: false); }
        catch (Exception e) when (e is ArithmeticException or ArgumentException) { throw new CliException($"{cmd}: {e.Message}", 1); }
        double seconds = sw.Elapsed.TotalSeconds;

        AtomicFile.Write(output, w => w.Write(PolicyJson.ToJson(policy)));
        if (p.Has("json"))
        {
            Console.WriteLine(JsonText.Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("policy", KindName(kind));
                w.WriteNumber("rows", data.Count);
                w.WriteNumber("l2", l2);
                w.WriteNumber("objective", fit.Objective);
                w.WriteNumber("iterations", fit.Iterations);
                w.WriteString("solver", trainer.UsedSolver.ToString().ToLowerInvariant());
                w.WriteNumber("gradient_norm", fit.GradientNorm);
                w.WriteBoolean("converged", fit.Converged);
                if (kind == PolicyKind.Linear) w.WriteNumber("mse", fit.MeanSquaredError);
                else w.WriteNumber("accuracy", fit.Accuracy);
                w.WriteStartArray("weights");
                for (int r = 0; r < policy.Rows; r++) PolicyJson.WriteArray(w, null, policy.Weights.AsSpan(r * policy.FeatureDim, policy.FeatureDim));
                w.WriteEndArray();
                PolicyJson.WriteArray(w, "bias", policy.Bias);
                w.WriteNumber("fit_seconds", seconds);
                w.WriteString("output", output);
                w.WriteEndObject();
            }));
        }
        else
        {
            string quality = kind == PolicyKind.Linear ? $"mse {fit.MeanSquaredError:G6}" : $"accuracy {fit.Accuracy:P2}";
            Console.WriteLine($"fitted {KindName(kind)} policy on {data.Count} rows × {inputs.Length} inputs ({map}): objective {fit.Objective:G10}, {quality}, {fit.Iterations} iterations, |grad| {fit.GradientNorm:G3}{(fit.Converged ? "" : " (NOT converged)")}, {seconds * 1e3:F1} ms -> {output}");
        }
        return fit.Converged ? 0 : 3;
    }

    internal static string KindName(PolicyKind k) => k.ToString().ToLowerInvariant();
}
