using System.Globalization;
using System.Text;

namespace FastIL.Sweeps;

/// <summary>
/// Writes a sweep's tables from its records, sorted by run id, so the bytes depend only on the spec and the results:
/// <c>runs.csv</c> (one row per run), <c>iterations.csv</c> (run × iteration) and <c>summary.csv</c> (per point over
/// seeds: mean, standard deviation and 95% t-interval of the final return and ε). Files are replaced atomically.
/// </summary>
public static class SweepOutputs
{
    /// <summary>The table files, in the order they are written.</summary>
    public static readonly string[] Files = ["runs.csv", "iterations.csv", "summary.csv"];

    /// <summary>Writes the three tables into <paramref name="dir"/>.</summary>
    public static void Write(SweepSpec spec, string dir, IReadOnlyList<SweepRecord> records)
    {
        var sorted = records.OrderBy(r => r.Run).ToArray();
        var cols = ConfigColumns(spec);
        var sb = new StringBuilder();
        sb.Append("run,point,seed,").Append(string.Join(',', cols)).AppendLine(",final_return_mean,final_return_std,final_return_min,final_return_max,final_disagreement,expert_return_mean,selected_iteration,dataset_size,env_steps");
        foreach (var r in sorted)
        {
            sb.Append(r.Run).Append(',').Append(r.Point).Append(',').Append(r.Seed.ToString(CultureInfo.InvariantCulture));
            foreach (var c in cols) sb.Append(',').Append(Csv(Value(spec, r.Point, c)));
            sb.Append(',').Append(F(r.FinalReturnMean)).Append(',').Append(F(r.FinalReturnStd)).Append(',').Append(F(r.FinalReturnMin)).Append(',')
              .Append(F(r.FinalReturnMax)).Append(',').Append(F(r.FinalDisagreement)).Append(',').Append(F(r.ExpertReturnMean)).Append(',')
              .Append(r.SelectedIteration).Append(',').Append(r.DatasetSize).Append(',').Append(r.EnvSteps).AppendLine();
        }
        Atomic(Path.Combine(dir, "runs.csv"), sb.ToString());

        sb.Clear();
        sb.AppendLine("run,point,seed,iteration,beta,dataset_size,eval_return_mean,eval_return_std,eval_return_min,disagreement,fit_objective,fit_iterations");
        foreach (var r in sorted)
            foreach (var it in r.Iterations)
                sb.Append(r.Run).Append(',').Append(r.Point).Append(',').Append(r.Seed.ToString(CultureInfo.InvariantCulture)).Append(',').Append(it.Iteration).Append(',')
                  .Append(F(it.Beta)).Append(',').Append(it.DatasetSize).Append(',').Append(F(it.ReturnMean)).Append(',').Append(F(it.ReturnStd)).Append(',')
                  .Append(F(it.ReturnMin)).Append(',').Append(F(it.Disagreement)).Append(',').Append(F(it.FitObjective)).Append(',').Append(it.FitIterations).AppendLine();
        Atomic(Path.Combine(dir, "iterations.csv"), sb.ToString());

        sb.Clear();
        sb.Append("point,").Append(string.Join(',', cols)).AppendLine(",runs,return_mean,return_std,return_ci95_low,return_ci95_high,disagreement_mean,disagreement_std,disagreement_ci95_low,disagreement_ci95_high");
        foreach (var g in sorted.GroupBy(r => r.Point).OrderBy(g => g.Key))
        {
            var ret = Stats(g.Select(r => r.FinalReturnMean));
            var eps = Stats(g.Select(r => r.FinalDisagreement));
            sb.Append(g.Key);
            foreach (var c in cols) sb.Append(',').Append(Csv(Value(spec, g.Key, c)));
            sb.Append(',').Append(g.Count()).Append(',').Append(F(ret.Mean)).Append(',').Append(F(ret.Std)).Append(',').Append(F(ret.Low)).Append(',').Append(F(ret.High))
              .Append(',').Append(F(eps.Mean)).Append(',').Append(F(eps.Std)).Append(',').Append(F(eps.Low)).Append(',').Append(F(eps.High)).AppendLine();
        }
        Atomic(Path.Combine(dir, "summary.csv"), sb.ToString());
    }

    /// <summary>env and algorithm (always), then every option the spec names.</summary>
    public static string[] ConfigColumns(SweepSpec spec) => ["env", "algorithm", .. spec.Columns.Where(c => c is not "env" and not "algorithm")];

    /// <summary>The value of a config column at a point (env and algorithm resolved when the spec leaves them out).</summary>
    public static string Value(SweepSpec spec, int point, string column)
    {
        var opts = spec.Points[point];
        if (opts.TryGetValue(column, out var v)) return v;
        // Runs are numbered point by point, seeds within: the point's first run is at point × seeds (a search over
        // all runs here made rewriting the tables of a 50 000-run sweep quadratic).
        var cfg = spec.Runs[point * spec.Seeds.Count].Config;
        return column switch
        {
            "env" => cfg.Env,
            "algorithm" => cfg.Algorithm == Algorithms.Algorithm.BC ? "bc" : "dagger",
            _ => "",
        };
    }

    /// <summary>Mean, sample standard deviation and two-sided 95% Student-t interval (NaN with one value).</summary>
    public static (double Mean, double Std, double Low, double High) Stats(IEnumerable<double> values)
    {
        var v = values.ToArray();
        int n = v.Length;
        double mean = v.Average();
        if (n < 2) return (mean, double.NaN, double.NaN, double.NaN);
        double ss = 0;
        foreach (double x in v) ss += (x - mean) * (x - mean);
        double std = Math.Sqrt(ss / (n - 1));
        double half = StudentT975(n - 1) * std / Math.Sqrt(n);
        return (mean, std, mean - half, mean + half);
    }

    /// <summary>The 0.975 quantile of Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double StudentT975(int df)
    {
        double[] table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];
        if (df <= 30) return table[df - 1];
        // Cornish–Fisher expansion around the normal quantile: accurate to < 1e-4 for df > 30.
        const double z = 1.959963984540054;
        double z3 = z * z * z, z5 = z3 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string Csv(string s) => IO.CsvText.Field(s);

    /// <summary>Writes text to a temporary file beside <paramref name="path"/> and renames it over the target.</summary>
    public static void Atomic(string path, string text)
    {
        string tmp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            File.WriteAllText(tmp, text, new UTF8Encoding(false));
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            // A full disk or a read-only directory must not leave a half-written temporary file behind.
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
