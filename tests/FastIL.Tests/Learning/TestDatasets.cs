using FastIL.Cli.Infrastructure;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Tests.Learning;

internal static class TestDatasets
{
    public static readonly string[] IrisColumns = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    public static Dataset Iris(Func<int, bool>? keep = null, Func<int, int>? relabel = null)
    {
        var t = CsvTable.Read(Path.Combine(TestData.Dir, "iris.csv"));
        var d = new Dataset(4, continuous: false);
        var row = new float[4];
        for (int r = 0; r < t.Rows.Count; r++)
        {
            int label = (int)t.Number(r, t.IndexOf("label"));
            if (keep is not null && !keep(label)) continue;
            for (int j = 0; j < 4; j++) row[j] = (float)t.Number(r, t.IndexOf(IrisColumns[j]));
            d.AppendRow(row, relabel?.Invoke(label) ?? label);
        }
        return d;
    }

    /// <summary>Synthetic data: n rows of d inputs; discrete labels from a noisy linear rule, or a noisy linear target.</summary>
    public static Dataset Synthetic(int n, int d, int classes, ulong seed, bool weighted = false)
    {
        var data = new Dataset(d, continuous: classes == 0, capacity: 16);
        var row = new float[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) row[j] = (float)(FastIL.Random.CounterRng.Uniform(seed, (ulong)i, (ulong)j, 0) * 4 - 2);
            double u = FastIL.Random.CounterRng.Uniform(seed, (ulong)i, 99, 1);
            double score = 0;
            for (int j = 0; j < d; j++) score += (j + 1) * 0.7 * row[j] * (j % 2 == 0 ? 1 : -1);
            double label = classes == 0 ? score + (u - 0.5)
                : Math.Clamp((int)Math.Floor((Math.Tanh(score / 3 + (u - 0.5)) + 1) / 2 * classes), 0, classes - 1);
            float w = weighted ? (float)(0.5 + FastIL.Random.CounterRng.Uniform(seed, (ulong)i, 77, 2)) : 1f;
            data.AppendRow(row, label, w);
        }
        return data;
    }

    public static LinearPolicy Policy(PolicyKind kind, int d, int classes, string features = "identity", bool standardize = false)
        => new(kind, classes, FeatureMap.Parse(features, d, 5), Enumerable.Range(0, d).Select(j => $"x{j}").ToArray(), standardize);
}
