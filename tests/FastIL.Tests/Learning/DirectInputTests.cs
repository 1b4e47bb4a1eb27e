using FastIL.Learning;
using FastIL.Policies;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// Discrete fits on identity features (the two-class and the multi-class kernel) read the data set's float32 columns
/// directly (standardizing on the fly); they must give exactly the bits of the fit over the double design matrix,
/// which the other kernels and the scalar reference use.
/// </summary>
public class DirectInputTests
{
    private static Dataset Data(int n, bool weighted, int seed, int classes = 2)
    {
        var data = new Dataset(4, false, n);
        var rng = new System.Random(seed);
        var row = new float[4];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++) row[j] = (float)((rng.NextDouble() * 2 - 1) * (j + 1) + j);
            double margin = row[0] - 0.5 * row[1] + 3 * row[2] - row[3] + (rng.NextDouble() - 0.5);
            // More classes: bands of the margin, so every class is present and none is separable.
            int y = classes == 2 ? (margin > 0 ? 1 : 0) : Math.Clamp((int)Math.Floor(margin / 3 + classes / 2.0), 0, classes - 1);
            data.AppendRow(row, y, weighted ? (float)(0.25 + rng.NextDouble()) : 1f);
        }
        return data;
    }

    [Theory]
    [InlineData(PolicyKind.Logistic, false, false, 4097)]     // one row past a block: the tail takes the span path
    [InlineData(PolicyKind.Logistic, true, false, 9003)]      // standardized, several blocks, a three-row tail
    [InlineData(PolicyKind.Softmax, true, false, 8192)]       // two-class softmax, whole blocks
    [InlineData(PolicyKind.Logistic, true, true, 5001)]       // weighted rows
    [InlineData(PolicyKind.Logistic, false, false, 3)]        // fewer rows than one vector
    [InlineData(PolicyKind.Softmax, true, false, 9003, 3)]    // three classes (the multi-class kernel's specialized phase 1)
    [InlineData(PolicyKind.Softmax, false, true, 5001, 3)]    // weighted, raw inputs
    [InlineData(PolicyKind.Softmax, true, true, 4097, 4)]     // four classes (its general loop)
    public void DirectFloat32Columns_GiveTheDesignMatrixBits(PolicyKind kind, bool standardize, bool weighted, int n, int classes = 2)
    {
        var data = Data(n, weighted, n, classes);
        LinearPolicy Policy() => new(kind, classes, FeatureMap.Parse("identity", 4, 0), ["a", "b", "c", "d"], standardize);
        using var direct = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2 });
        using var matrix = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2, DesignMatrix = true });
        AssertSameBits(matrix, direct, data, Policy);
    }

    /// <summary>
    /// Fits from zero with both trainers, then compares objective, iterations and parameters, and at a point away from
    /// the optimum the objective, gradient and Hessian entry by entry: all bit for bit.
    /// </summary>
    private static void AssertSameBits(Trainer expected, Trainer actual, Dataset data, Func<LinearPolicy> policy)
    {
        var pe = policy();
        var pa = policy();
        var fe = expected.Fit(data, pe, warmStart: false);
        var fa = actual.Fit(data, pa, warmStart: false);
        Assert.True(fa.Converged);
        Assert.Equal(fe.Objective, fa.Objective);
        Assert.Equal(fe.Iterations, fa.Iterations);
        Assert.Equal(pe.Weights, pa.Weights);
        Assert.Equal(pe.Bias, pa.Bias);
        for (int k = 0; k < pa.Weights.Length; k++) pa.Weights[k] = pe.Weights[k] = 0.3 - 0.1 * k;
        int p = pa.ParameterCount;
        var ga = new double[p]; var ge = new double[p];
        Assert.Equal(expected.Objective(data, pe, ge), actual.Objective(data, pa, ga));
        Assert.Equal(ge, ga);
        var ha = new double[p * p]; var he = new double[p * p];
        actual.Hessian(data, pa, ha);
        expected.Hessian(data, pe, he);
        Assert.Equal(he, ha);
    }

    /// <summary>
    /// Up to four features, the kernel keeps all its sums in registers and (direct) fuses the float32 loads into the
    /// margins; its general loops make four sums per pass. Both must give the same bits, for every feature count.
    /// </summary>
    [Theory]
    [InlineData(1, false, false, false)]
    [InlineData(2, true, false, false)]
    [InlineData(3, true, true, false)]
    [InlineData(4, false, true, false)]
    [InlineData(4, true, true, true)]      // the design matrix: features copied to the scratch, then the register sums
    [InlineData(3, false, false, true)]
    public void RegisterSums_GiveTheGeneralLoopsBits(int features, bool standardize, bool weighted, bool designMatrix)
    {
        var data = SmallFeatureData(features, weighted);
        string[] names = [.. Enumerable.Range(0, features).Select(j => $"x{j}")];
        LinearPolicy Policy() => new(PolicyKind.Logistic, 2, FeatureMap.Parse("identity", features, 0), names, standardize);
        using var registers = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2, DesignMatrix = designMatrix });
        using var general = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2, DesignMatrix = designMatrix, GeneralSums = true });
        AssertSameBits(general, registers, data, Policy);
    }

    /// <summary>
    /// The kernel's sums have eight lanes: Vector512 registers where they are accelerated, two Vector256 halves where
    /// not. Both must give the same bits, so that a fit does not depend on the machine's vector width (on a machine
    /// without Vector512 both trainers run the halves).
    /// </summary>
    [Theory]
    [InlineData(1, false, false, PolicyKind.Logistic)]
    [InlineData(2, true, false, PolicyKind.Logistic)]
    [InlineData(3, false, true, PolicyKind.Logistic)]
    [InlineData(4, false, false, PolicyKind.Logistic)]
    [InlineData(4, true, true, PolicyKind.Softmax)]
    public void WideVectors_GiveTheHalvesBits(int features, bool standardize, bool weighted, PolicyKind kind)
    {
        var data = SmallFeatureData(features, weighted);
        string[] names = [.. Enumerable.Range(0, features).Select(j => $"x{j}")];
        LinearPolicy Policy() => new(kind, 2, FeatureMap.Parse("identity", features, 0), names, standardize);
        using var wide = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2 });
        using var narrow = new Trainer(new TrainerOptions { L2 = 1e-3, Threads = 2, NarrowVectors = true });
        AssertSameBits(narrow, wide, data, Policy);
    }

    /// <summary>6007 rows: a full block, then sub-blocks and a last group of four rows that half fills eight lanes.</summary>
    private static Dataset SmallFeatureData(int features, bool weighted)
    {
        int n = 6007;
        var data = new Dataset(features, false, n);
        var rng = new System.Random(features);
        var row = new float[features];
        for (int i = 0; i < n; i++)
        {
            double margin = rng.NextDouble() - 0.5;
            for (int j = 0; j < features; j++)
            {
                row[j] = (float)((rng.NextDouble() * 2 - 1) * (j + 1) + j);
                margin += (j % 2 == 0 ? 1 : -0.7) * row[j];
            }
            data.AppendRow(row, margin > 0 ? 1 : 0, weighted ? (float)(0.25 + rng.NextDouble()) : 1f);
        }
        return data;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Refit_StillAllocatesNothing(int classes)
    {
        var data = Data(20_000, false, 1, classes);
        var policy = new LinearPolicy(classes == 2 ? PolicyKind.Logistic : PolicyKind.Softmax, classes, FeatureMap.Parse("identity", 4, 0), ["a", "b", "c", "d"], true);
        using var trainer = new Trainer(new TrainerOptions { L2 = 1e-3 });
        trainer.Fit(data, policy, warmStart: false);
        trainer.Fit(data, policy, warmStart: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(data, policy, warmStart: true);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
