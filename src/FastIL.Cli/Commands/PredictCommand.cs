using System.Globalization;
using FastIL.Cli.Infrastructure;
using FastIL.Policies;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil predict</c>: applies a saved policy to the rows of a CSV.</summary>
internal static class PredictCommand
{
    public static CliCommand Definition => new("predict",
        "Applies a saved policy to the rows of a CSV (columns named as the policy's inputs) and writes each row with its action and probabilities p_k (prediction, for a linear policy).",
        [
            new("policy", "p.json", "Policy file (required)", "(none)"),
            new("data", "F.csv", "Rows to predict (required)", "(none)"),
            new("output", "G.csv", "Where to write the predictions", "(stdout)"),
        ], Run);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        string policyPath = p.Require("policy"), dataPath = p.Require("data");
        string? outputPath = p.Get("output");
        OutputPaths.CheckWritable(cmd, "--output", outputPath);
        OutputPaths.Distinct(cmd, [("--output", outputPath)], ("--data", dataPath), ("--policy", policyPath));
        LinearPolicy policy = CommonOptions.LoadPolicy(policyPath);
        CsvTable t = CsvTable.Read(dataPath);
        int n = t.Rows.Count;
        var cols = new float[policy.InputDim][];
        for (int j = 0; j < policy.InputDim; j++)
        {
            int c = t.IndexOf(policy.InputNames[j]);
            if (c < 0) throw new CliException($"{dataPath}:1: no column '{policy.InputNames[j]}', an input of {policyPath}", 1);
            cols[j] = new float[n];
            for (int r = 0; r < n; r++)
            {
                double v = t.Number(r, c);
                // Inference runs in float32: a larger value would be ±∞ there and the prediction garbage.
                if (Math.Abs(v) > float.MaxValue) throw new CliException($"{dataPath}:{t.LineNumbers[r]}: column '{t.Header[c]}': {v} does not fit in float32", 1);
                cols[j][r] = (float)v;
            }
        }
        var inference = new PolicyInference(policy, Math.Max(1, n));
        var src = new ArrayColumns(cols, n);
        var header = new List<string>(t.Header);
        var lines = new List<string>(n + 1);
        if (policy.Kind == PolicyKind.Linear)
        {
            var a = new float[n];
            inference.Act(src, a);
            header.Add("prediction");
            lines.Add(AtomicFile.CsvLine(header));
            for (int r = 0; r < n; r++) lines.Add(AtomicFile.CsvLine(t.Rows[r].Append(AtomicFile.Format(a[r]))));
        }
        else
        {
            var a = new int[n];
            inference.Act(src, a);
            header.Add("action");
            for (int c = 0; c < policy.NumActions; c++) header.Add("p_" + c.ToString(CultureInfo.InvariantCulture));
            lines.Add(AtomicFile.CsvLine(header));
            var probs = new float[policy.NumActions];
            for (int r = 0; r < n; r++)
            {
                inference.RowProbabilities(r, probs);
                lines.Add(AtomicFile.CsvLine(t.Rows[r].Append(a[r].ToString(CultureInfo.InvariantCulture)).Concat(probs.Select(v => AtomicFile.Format(v)))));
            }
        }
        if (outputPath is { } output) AtomicFile.Write(output, w => { foreach (var l in lines) w.WriteLine(l); });
        else foreach (var l in lines) Console.WriteLine(l);
        return 0;
    }
}
