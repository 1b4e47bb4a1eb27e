using System.Runtime.CompilerServices;
using FastIL.Policies;

namespace FastIL.Learning;

/// <summary>
/// A fit's inputs as the <see cref="Trainer"/>'s kernels read them: the data set's rows (read in place, or widened into
/// a double design matrix), labels or targets, row weights, the standardization and the fit's shape.
/// <see cref="Prepare"/> rebuilds it before each fit; the trainer keeps the objective's and the solvers' state.
/// </summary>
/// <remarks>
/// Plain fields rather than properties: the kernels read them once per block into locals, and nothing outside the
/// trainer sees this class. The double columns come from the shared array pool and go back on <see cref="Dispose"/>.
/// </remarks>
internal sealed class DesignData : IDisposable
{
    /// <summary>Features, column-major (one double column per feature, capacity-long); the same arrays as <see cref="Z"/> for identity features.</summary>
    public double[][] Phi = [];
    /// <summary>The inputs widened (and standardized), column-major. In direct mode only the rows after the last multiple of four.</summary>
    public double[][] Z = [];
    /// <summary>Targets (continuous data sets) and row weights (when the data set has any), widened.</summary>
    public double[] Y = [], W = [];
    /// <summary>Labels (discrete data sets): the data set's own array, read in place.</summary>
    public int[] Labels = [];
    /// <summary>Rows, features, output rows of the policy, and classes (1 for a linear policy).</summary>
    public int N, Features, Rows, Classes;
    /// <summary>The policy's output layer.</summary>
    public PolicyKind Kind;
    /// <summary>Whether rows carry weights, and their sum (the row count when they do not).</summary>
    public bool Weighted;
    /// <summary>The sum of the row weights (the row count when rows carry none).</summary>
    public double WeightSum;
    /// <summary>
    /// Direct mode: the two-class kernel reads the data set's float32 columns (<see cref="Data"/>) and standardizes on the
    /// fly, z = (x − <see cref="Shift"/>)·<see cref="Scale"/> (0 and 1 when off), with the design matrix's roundings.
    /// </summary>
    public bool Direct;
    /// <summary>The data set direct mode reads (null otherwise).</summary>
    public Dataset? Data;
    /// <summary>The data set of the current fit, in any mode: what reused partial sums are keyed on.</summary>
    public Dataset? DataForReuse;
    /// <summary>Per input, the standardization's shift and scale (0 and 1 when off).</summary>
    public double[] Shift = [], Scale = [];
    /// <summary>The policy's feature map.</summary>
    public FeatureMap? FeatureMap;
    /// <summary>Gradient blocks of <see cref="Trainer.BlockRows"/> rows.</summary>
    public int Blocks;

    // The data set whose first _checkedRows labels are known to lie in [0, _checkedActions).
    private Dataset? _checkedData;
    private long _checkedGeneration;
    private int _checkedActions, _checkedRows;

    /// <summary>Checks that <paramref name="data"/> fits <paramref name="policy"/>: shapes, and every label in range.</summary>
    public void Validate(Dataset data, LinearPolicy policy)
    {
        if (data.Count == 0) throw new ArgumentException("the data set is empty");
        if (data.InputDim != policy.InputDim) throw new ArgumentException($"the data has {data.InputDim} inputs; the policy expects {policy.InputDim}");
        if (data.Continuous != (policy.Kind == PolicyKind.Linear))
            throw new ArgumentException(policy.Kind == PolicyKind.Linear ? "a linear policy needs continuous targets" : "a discrete policy needs integer labels");
        if (!data.Continuous)
        {
            // Labels checked already (the same data set, only appended to since) are not read again: a DAgger refit
            // checks the new rows only.
            bool known = ReferenceEquals(data, _checkedData) && data.Generation == _checkedGeneration && policy.NumActions == _checkedActions;
            int from = known ? Math.Min(_checkedRows, data.Count) : 0;
            int bad = FastIL.Envs.ActionCheck.FirstOutOfRange(data.Labels[from..], policy.NumActions);
            if (bad >= 0) throw new ArgumentException($"row {from + bad}: label {data.Labels[from + bad]} is outside [0, {policy.NumActions - 1}]");
            (_checkedData, _checkedGeneration, _checkedActions, _checkedRows) = (data, data.Generation, policy.NumActions, data.Count);
        }
    }

    /// <summary>
    /// Rebuilds the inputs for fitting <paramref name="policy"/> to <paramref name="data"/>: re-estimates the policy's
    /// standardization when <paramref name="restandardize"/> (and the policy standardizes), then reads the rows in place
    /// (<paramref name="direct"/>: the two-class kernel's float32 path; only the rows after the last multiple of four
    /// are widened, for the span path) or widens them all into the design matrix and applies the feature map.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prepare(Dataset data, LinearPolicy policy, bool restandardize, bool direct)
    {
        N = data.Count;
        Kind = policy.Kind;
        Features = policy.FeatureDim;
        Rows = policy.Rows;
        Classes = policy.Kind == PolicyKind.Linear ? 1 : policy.NumActions;
        int d = policy.InputDim, cap = data.Capacity;
        if (policy.Rows > PolicyJson.MaxActions) throw new ArgumentException($"a policy with {policy.Rows} actions is beyond the trainer's {PolicyJson.MaxActions}");
        long design = MemoryBudget.DesignBytes(cap, d, policy.Features.Kind == FeatureKind.Identity ? 0 : policy.FeatureDim);
        if (!MemoryBudget.Fits(design)) throw MemoryBudget.Error(design, $"fitting {data.Count} rows × {policy.FeatureDim} features", "fewer rows or features");
        if (ReferenceEquals(Phi, Z)) Phi = [];
        Grow(ref Z, d, cap);
        if (policy.Features.Kind == FeatureKind.Identity) { ReturnColumns(ref Phi); Phi = Z; }   // the standardized inputs are the features
        else Grow(ref Phi, Features, cap);

        if (policy.Standardize && restandardize)
            for (int j = 0; j < d; j += 8) Standardization(data.RawColumns, j, Math.Min(8, d - j), N, policy.Mean, policy.Std);
        Direct = direct;
        Data = direct ? data : null;
        DataForReuse = data;
        FeatureMap = policy.Features;
        GrowArray(ref Shift, d);
        GrowArray(ref Scale, d);
        int from = direct ? N & ~3 : 0;
        for (int j = 0; j < d; j++)
        {
            Shift[j] = policy.Standardize ? policy.Mean[j] : 0.0;
            Scale[j] = policy.Standardize ? 1.0 / policy.Std[j] : 1.0;
            // Exact widening, then (x − mean) · (1/std) with the scalar formula's two roundings.
            ColumnOps.Widen(data.Column(j)[from..N], Z[j].AsSpan(from, N - from), policy.Standardize, policy.Mean[j], Scale[j]);
        }
        if (policy.Features.Kind != FeatureKind.Identity) policy.Features.Apply<double>(Z, Phi, 0, N);

        if (data.Continuous)
        {
            GrowArray(ref Y, cap);
            ReadOnlySpan<float> t = data.Targets;
            for (int i = 0; i < N; i++) Y[i] = t[i];
        }
        else Labels = data.RawLabels;   // read in place (the kernels only read them): no copy per refit
        Weighted = data.HasWeights;
        if (Weighted)
        {
            GrowArray(ref W, cap);
            ReadOnlySpan<float> w = data.Weights;
            double s = 0;
            for (int i = 0; i < N; i++) { W[i] = w[i]; s += w[i]; }
            if (!(s > 0)) throw new ArgumentException("row weights must have a positive sum");
            WeightSum = s;
        }
        else WeightSum = N;
        Blocks = (N + Trainer.BlockRows - 1) / Trainer.BlockRows;
    }

    /// <summary>
    /// The mean and standard deviation (1 where it is 0) of the first <paramref name="n"/> rows of columns
    /// [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>), <paramref name="count"/> ≤ 8:
    /// each column's sums add its rows one by one, in order (so the bits are those of one column at a time), and the
    /// columns' chains run side by side, so one pass does up to eight without waiting on one addition's latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Standardization(float[][] cols, int first, int count, int n, double[] mean, double[] std)
    {
        // Columns past count repeat the last one (their sums are computed and dropped).
        ReadOnlySpan<float> x0 = Column(cols, first, count, 0, n), x1 = Column(cols, first, count, 1, n);
        ReadOnlySpan<float> x2 = Column(cols, first, count, 2, n), x3 = Column(cols, first, count, 3, n);
        ReadOnlySpan<float> x4 = Column(cols, first, count, 4, n), x5 = Column(cols, first, count, 5, n);
        ReadOnlySpan<float> x6 = Column(cols, first, count, 6, n), x7 = Column(cols, first, count, 7, n);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        if (count <= 4)
            for (int i = 0; i < n; i++) { s0 += x0[i]; s1 += x1[i]; s2 += x2[i]; s3 += x3[i]; }
        else
            for (int i = 0; i < n; i++) { s0 += x0[i]; s1 += x1[i]; s2 += x2[i]; s3 += x3[i]; s4 += x4[i]; s5 += x5[i]; s6 += x6[i]; s7 += x7[i]; }
        double m0 = s0 / n, m1 = s1 / n, m2 = s2 / n, m3 = s3 / n, m4 = s4 / n, m5 = s5 / n, m6 = s6 / n, m7 = s7 / n;
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
        if (count <= 4)
            for (int i = 0; i < n; i++)
            {
                double t0 = x0[i] - m0, t1 = x1[i] - m1, t2 = x2[i] - m2, t3 = x3[i] - m3;
                q0 += t0 * t0; q1 += t1 * t1; q2 += t2 * t2; q3 += t3 * t3;
            }
        else
            for (int i = 0; i < n; i++)
            {
                double t0 = x0[i] - m0, t1 = x1[i] - m1, t2 = x2[i] - m2, t3 = x3[i] - m3;
                double t4 = x4[i] - m4, t5 = x5[i] - m5, t6 = x6[i] - m6, t7 = x7[i] - m7;
                q0 += t0 * t0; q1 += t1 * t1; q2 += t2 * t2; q3 += t3 * t3;
                q4 += t4 * t4; q5 += t5 * t5; q6 += t6 * t6; q7 += t7 * t7;
            }
        ReadOnlySpan<double> means = [m0, m1, m2, m3, m4, m5, m6, m7], squares = [q0, q1, q2, q3, q4, q5, q6, q7];
        for (int k = 0; k < count; k++)
        {
            double sd = Math.Sqrt(squares[k] / n);
            mean[first + k] = means[k];
            std[first + k] = sd > 0 ? sd : 1.0;
        }
    }

    private static ReadOnlySpan<float> Column(float[][] cols, int first, int count, int k, int n) => cols[first + Math.Min(k, count - 1)].AsSpan(0, n);

    // The design-matrix columns (one double per row each, large-object-heap sized for a few thousand rows) come from
    // the shared array pool and go back on Dispose: a program running thousands of short fits with fresh trainers
    // (one DAgger run each) would otherwise allocate them every time, and the Gen2 collections that follow cost as
    // much as the fits. Pooled arrays may hold old values: Prepare writes every row a fit reads.
    private static void Grow(ref double[][] cols, int count, int cap)
    {
        if (cols.Length != count)
        {
            ReturnColumns(ref cols);
            cols = new double[count][];
        }
        for (int j = 0; j < count; j++)
        {
            if (cols[j] is not null && cols[j].Length >= cap) continue;
            if (cols[j] is not null) System.Buffers.ArrayPool<double>.Shared.Return(cols[j]);
            cols[j] = System.Buffers.ArrayPool<double>.Shared.Rent(cap);
        }
    }

    private static void ReturnColumns(ref double[][] cols)
    {
        foreach (double[]? c in cols) if (c is not null) System.Buffers.ArrayPool<double>.Shared.Return(c);
        cols = [];
    }

    private static void GrowArray<TE>(ref TE[] a, int cap)
    {
        if (a.Length < cap) a = new TE[cap];
    }

    /// <summary>Returns the pooled columns.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(Phi, Z)) Phi = [];
        ReturnColumns(ref Phi);
        ReturnColumns(ref Z);
    }
}
