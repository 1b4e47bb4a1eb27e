using System.Globalization;
using System.Text;
using System.Text.Json;
using FastIL.Algorithms;

namespace FastIL.Sweeps;

/// <summary>The durable record of one finished run: everything the sweep's outputs are made from.</summary>
public sealed record SweepRecord(int Run, int Point, ulong Seed, double FinalReturnMean, double FinalReturnStd, double FinalReturnMin,
    double FinalReturnMax, double FinalDisagreement, double ExpertReturnMean, int SelectedIteration, int DatasetSize, long EnvSteps,
    IReadOnlyList<SweepIterationRecord> Iterations, double WallSeconds)
{
    /// <summary>The record of a finished run.</summary>
    public static SweepRecord From(SweepRun run, RunResult r) => new(run.Id, run.Point, run.Seed, r.Final.ReturnMean, r.Final.ReturnStd,
        r.Final.ReturnMin, r.Final.ReturnMax, r.Final.Disagreement, r.Expert.ReturnMean, r.SelectedIteration,
        r.Iterations[^1].DatasetSize, r.EnvSteps,
        r.Iterations.Select(i => new SweepIterationRecord(i.Iteration, i.Beta, i.DatasetSize, i.Eval.ReturnMean, i.Eval.ReturnStd, i.Eval.ReturnMin, i.Eval.Disagreement, i.Fit.Objective, i.Fit.Iterations)).ToArray(),
        r.WallSeconds);

    /// <summary>One JSON line (numbers round-trip exactly, so outputs rebuilt from the journal are bit-identical).</summary>
    public string ToJsonLine()
    {
        var sb = new StringBuilder(256);
        sb.Append("{\"run\":").Append(Run).Append(",\"point\":").Append(Point).Append(",\"seed\":").Append(Seed)
          .Append(",\"final\":[").Append(F(FinalReturnMean)).Append(',').Append(F(FinalReturnStd)).Append(',').Append(F(FinalReturnMin)).Append(',')
          .Append(F(FinalReturnMax)).Append(',').Append(F(FinalDisagreement)).Append(',').Append(F(ExpertReturnMean)).Append(']')
          .Append(",\"selected\":").Append(SelectedIteration).Append(",\"dataset\":").Append(DatasetSize).Append(",\"steps\":").Append(EnvSteps)
          .Append(",\"wall\":").Append(F(WallSeconds)).Append(",\"iterations\":[");
        for (int i = 0; i < Iterations.Count; i++)
        {
            var it = Iterations[i];
            if (i > 0) sb.Append(',');
            sb.Append('[').Append(it.Iteration).Append(',').Append(F(it.Beta)).Append(',').Append(it.DatasetSize).Append(',').Append(F(it.ReturnMean)).Append(',')
              .Append(F(it.ReturnStd)).Append(',').Append(F(it.ReturnMin)).Append(',').Append(F(it.Disagreement)).Append(',').Append(F(it.FitObjective)).Append(',').Append(it.FitIterations).Append(']');
        }
        return sb.Append("]}").ToString();
    }

    /// <summary>Parses a journal line; throws <see cref="FormatException"/> when it is not a complete record.</summary>
    public static SweepRecord Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var f = r.GetProperty("final");
            var its = r.GetProperty("iterations").EnumerateArray().Select(a => new SweepIterationRecord(a[0].GetInt32(), D(a[1]), a[2].GetInt32(), D(a[3]), D(a[4]), D(a[5]), D(a[6]), D(a[7]), a[8].GetInt32())).ToArray();
            return new SweepRecord(r.GetProperty("run").GetInt32(), r.GetProperty("point").GetInt32(), r.GetProperty("seed").GetUInt64(),
                D(f[0]), D(f[1]), D(f[2]), D(f[3]), D(f[4]), D(f[5]), r.GetProperty("selected").GetInt32(), r.GetProperty("dataset").GetInt32(),
                r.GetProperty("steps").GetInt64(), its, D(r.GetProperty("wall")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new FormatException($"not a complete run record: {e.Message}");
        }
    }

    // NaN (no expert) is written as the string "NaN" so the JSON stays valid.
    private static string F(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : $"\"{v.ToString(CultureInfo.InvariantCulture)}\"";
    private static double D(JsonElement e) => e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetDouble();
}

/// <summary>One iteration of a recorded run.</summary>
public sealed record SweepIterationRecord(int Iteration, double Beta, int DatasetSize, double ReturnMean, double ReturnStd, double ReturnMin, double Disagreement, double FitObjective, int FitIterations);
