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
        CsvFile t = CsvFile.Open(dataPath);
        var inputCols = new int[policy.InputDim];
        for (int j = 0; j < policy.InputDim; j++)
            if ((inputCols[j] = t.IndexOf(policy.InputNames[j])) < 0)
                throw new CliException($"{t.HeaderLocation}: no column '{policy.InputNames[j]}', an input of {policyPath}", 1);
        // Pass 1 reads the policy's inputs only; pass 2 streams every row out with its prediction appended.
        CsvNumbers numbers = t.ReadNumbers(inputCols);
        int n = numbers.Count;
        var cols = new float[policy.InputDim][];
        for (int j = 0; j < policy.InputDim; j++)
        {
            cols[j] = new float[n];
            for (int r = 0; r < n; r++)
            {
                double v = numbers.Values[j][r];
                // Inference runs in float32: a larger value would be ±∞ there and the prediction garbage.
                if (Math.Abs(v) > float.MaxValue) throw new CliException($"{dataPath}:{numbers.Lines[r]}: column '{t.Header[inputCols[j]]}': {v} does not fit in float32", 1);
                cols[j][r] = (float)v;
            }
        }
        var inference = new PolicyInference(policy, Math.Max(1, n));
        var src = new ArrayColumns(cols, n);
        var header = new List<string>(t.Header);
        bool linear = policy.Kind == PolicyKind.Linear;
        var continuous = linear ? new float[n] : null;
        var discrete = linear ? null : new int[n];
        if (linear) { inference.Act(src, continuous!); header.Add("prediction"); }
        else
        {
            inference.Act(src, discrete!);
            header.Add("action");
            for (int c = 0; c < policy.NumActions; c++) header.Add("p_" + c.ToString(CultureInfo.InvariantCulture));
        }
        var probs = new float[policy.NumActions];
        int width = t.Header.Length;
        void Write(TextWriter w)
        {
            using var writer = CsvFile.Writer(w);
            CsvFile.WriteRow(writer, header);
            t.ForEachRow((in CsvRow row) =>
            {
                using var o = writer.NewRow();
                for (int c = 0; c < width; c++) o[c].Set(row.Raw(c));
                if (linear) { o[width].Format(continuous![row.Index]); return; }
                o[width].Format(discrete![row.Index]);
                inference.RowProbabilities(row.Index, probs);
                for (int k = 0; k < probs.Length; k++) o[width + 1 + k].Format(probs[k]);
            });
        }
        if (outputPath is { } output) AtomicFile.Write(output, Write);
        else { Write(Console.Out); Console.Out.Flush(); }
        return 0;
    }
}
