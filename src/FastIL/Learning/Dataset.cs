using FastIL.Policies;

namespace FastIL.Learning;

/// <summary>
/// Labelled states in struct-of-arrays form: one float column per input, an int label (discrete actions) or a
/// float target (continuous actions) and an optional weight per row. Storage grows by doubling, so appending a
/// batch allocates only when the capacity is exceeded (O(log n) times over a run).
/// </summary>
public sealed class Dataset : IColumnSource
{
    private float[][] _inputs;
    private int[] _labels;
    private float[] _targets;
    private float[] _weights;

    /// <summary>Creates an empty data set with room for <paramref name="capacity"/> rows.</summary>
    public Dataset(int inputDim, bool continuous, int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        InputDim = inputDim;
        Continuous = continuous;
        capacity = Math.Max(capacity, 16);
        _inputs = new float[inputDim][];
        for (int j = 0; j < inputDim; j++) _inputs[j] = new float[capacity];
        _labels = continuous ? [] : new int[capacity];
        _targets = continuous ? new float[capacity] : [];
        _weights = [];
    }

    /// <summary>Number of inputs per row.</summary>
    public int InputDim { get; }
    /// <summary>True when rows carry float targets (continuous actions) rather than int labels.</summary>
    public bool Continuous { get; }
    /// <summary>The input columns' storage (capacity-long; rows past <see cref="Count"/> are not data), for kernels.</summary>
    internal float[][] RawColumns => _inputs;

    /// <summary>Number of rows.</summary>
    public int Count
    {
        get => _count;
        private set
        {
            _count = value;
            if (value > WrittenRows) WrittenRows = value;
        }
    }
    private int _count;

    /// <summary>
    /// Rows of the current storage written at least once (kept by <see cref="Clear"/>): their memory is faulted in
    /// already, so a kernel may refill them with streaming stores (<see cref="StreamingStores"/>), which are slower than
    /// plain ones on pages the OS has only just zeroed.
    /// </summary>
    internal int WrittenRows { get; private set; }
    /// <summary>Rows that fit before the next growth.</summary>
    public int Capacity => _inputs[0].Length;
    /// <summary>True once any row was given a weight other than 1.</summary>
    public bool HasWeights => _weights.Length > 0;

    int IColumnSource.RowCount => Count;
    /// <summary>Input column j over all rows.</summary>
    public ReadOnlySpan<float> Column(int j) => _inputs[j].AsSpan(0, Count);
    /// <summary>Labels (discrete data sets).</summary>
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, Continuous ? 0 : Count);
    /// <summary>Targets (continuous data sets).</summary>
    public ReadOnlySpan<float> Targets => _targets.AsSpan(0, Continuous ? Count : 0);
    /// <summary>Row weights (empty when all are 1).</summary>
    public ReadOnlySpan<float> Weights => HasWeights ? _weights.AsSpan(0, Count) : default;

    /// <summary>Removes all rows, keeping the storage.</summary>
    public void Clear()
    {
        Count = 0;
        Generation++;
    }

    /// <summary>
    /// Bumped whenever rows already held may change (<see cref="Clear"/>); appending keeps it. A trainer reuses sums over
    /// rows it has seen only while it is unchanged.
    /// </summary>
    internal long Generation { get; private set; }

    /// <summary>Appends all rows of <paramref name="inputs"/> with their labels (and weights, or 1).</summary>
    public void Append<TSrc>(TSrc inputs, ReadOnlySpan<int> labels, ReadOnlySpan<float> weights = default) where TSrc : IColumnSource
    {
        if (Continuous) throw new InvalidOperationException("this data set holds continuous targets");
        int n = inputs.RowCount;
        if (labels.Length != n) throw new ArgumentException($"{labels.Length} labels for {n} rows");
        int at = AppendInputs(inputs, weights);
        labels.CopyTo(_labels.AsSpan(at));
        Count = at + n;
    }

    /// <summary>Appends all rows of <paramref name="inputs"/> with their continuous targets.</summary>
    public void Append<TSrc>(TSrc inputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> weights = default) where TSrc : IColumnSource
    {
        if (!Continuous) throw new InvalidOperationException("this data set holds discrete labels");
        int n = inputs.RowCount;
        if (targets.Length != n) throw new ArgumentException($"{targets.Length} targets for {n} rows");
        int at = AppendInputs(inputs, weights);
        targets.CopyTo(_targets.AsSpan(at));
        Count = at + n;
    }

    /// <summary>Appends one row (used when reading files).</summary>
    public void AppendRow(ReadOnlySpan<float> input, double labelOrTarget, float weight = 1f)
    {
        int at = Reserve(1, weight == 1f ? default : [weight]);
        for (int j = 0; j < InputDim; j++) _inputs[j][at] = input[j];
        if (Continuous) _targets[at] = (float)labelOrTarget;
        else _labels[at] = (int)labelOrTarget;
        Count = at + 1;
    }

    /// <summary>Reserves the rows of <paramref name="inputs"/> and copies their columns; returns the first new row.</summary>
    private int AppendInputs<TSrc>(TSrc inputs, ReadOnlySpan<float> weights) where TSrc : IColumnSource
    {
        int at = Reserve(inputs.RowCount, weights);
        for (int j = 0; j < InputDim; j++) inputs.Column(j).CopyTo(_inputs[j].AsSpan(at));
        return at;
    }

    private int Reserve(int n, ReadOnlySpan<float> weights)
    {
        if (!weights.IsEmpty && weights.Length != n) throw new ArgumentException($"{weights.Length} weights for {n} rows");
        int at = Count;
        EnsureCapacity(at + n);
        if (!weights.IsEmpty)
        {
            if (!HasWeights)
            {
                _weights = new float[Capacity];
                _weights.AsSpan(0, at).Fill(1f);
            }
            weights.CopyTo(_weights.AsSpan(at));
        }
        else if (HasWeights) _weights.AsSpan(at, n).Fill(1f);
        return at;
    }

    /// <summary>
    /// Adds <paramref name="n"/> rows for a kernel to fill in place through <see cref="RawColumns"/> and
    /// <see cref="RawLabels"/> / <see cref="RawTargets"/> (weights 1); returns the first.
    /// </summary>
    internal int AppendRows(int n)
    {
        int at = Reserve(n, default);
        Count = at + n;
        return at;
    }

    /// <summary>The labels' storage (capacity-long), for kernels.</summary>
    internal int[] RawLabels => _labels;

    /// <summary>The targets' storage (capacity-long), for kernels.</summary>
    internal float[] RawTargets => _targets;

    /// <summary>Grows the storage (by doubling) to hold at least <paramref name="rows"/> rows.</summary>
    public void EnsureCapacity(int rows)
    {
        if (rows <= Capacity) return;
        int cap = Capacity;
        while (cap < rows) cap = checked(cap * 2);
        int copied = Capacity;   // Array.Resize copies the whole old storage
        for (int j = 0; j < InputDim; j++) Array.Resize(ref _inputs[j], cap);
        if (!Continuous) Array.Resize(ref _labels, cap);
        else Array.Resize(ref _targets, cap);
        if (HasWeights) Array.Resize(ref _weights, cap);
        WrittenRows = copied;
    }
}
