using FastIL.Policies;

namespace FastIL.Learning;

/// <summary>
/// What the trainer's per-block partial sums describe, so that a refit can take over the blocks that have not changed.
/// </summary>
/// <remarks>
/// A refit on a grown data set starts where the last fit ended: DAgger appends rows and warm-starts from the parameters
/// the last fit returned, whose final evaluation left every block's partial sums (loss, hits, gradient and, after a
/// Newton fit, Hessian) in the trainer. The first evaluation of the refit therefore recomputes only the blocks that were
/// not complete then. The partials of a block are a function of its rows, the parameters and the fit's input transform
/// alone, and blocks are combined in block order, so the result is the same, bit for bit, as recomputing them.
/// </remarks>
internal sealed class PartialSumsRecord
{
    private Dataset? _data;
    private long _generation;
    private int _rows;
    private bool _hessian;
    private double[] _theta = [];
    private double[] _shift = [], _scale = [];
    private (PolicyKind Kind, int Features, int Rows, FeatureMap? Map, bool Direct, bool Weighted, int Stride) _shape;

    /// <summary>Blocks taken over from a previous evaluation instead of recomputed, over this record's life (tests).</summary>
    public long ReusedBlocks { get; private set; }

    /// <summary>
    /// How many leading blocks' partial sums (of <paramref name="stride"/> values each, Hessian included when
    /// <paramref name="withHessian"/>) already hold the sums of <paramref name="design"/> at <paramref name="theta"/>.
    /// </summary>
    public int ReusableBlocks(DesignData design, double[] theta, bool withHessian, int stride)
    {
        Dataset? data = design.DataForReuse;
        if (data is null || !ReferenceEquals(data, _data) || data.Generation != _generation) return 0;
        if (withHessian && !_hessian) return 0;
        if (_shape != Shape(design, stride)) return 0;
        int p = theta.Length, d = data.InputDim;
        if (_theta.Length != p || !SameBits(theta.AsSpan(0, p), _theta)) return 0;
        if (!SameBits(design.Shift.AsSpan(0, d), _shift) || !SameBits(design.Scale.AsSpan(0, d), _scale)) return 0;
        // Only blocks that were complete: the last one may have grown since.
        int reused = Math.Min(_rows / Trainer.BlockRows, design.Blocks);
        ReusedBlocks += reused;
        return reused;
    }

    /// <summary>Records that every block's partial sums now hold <paramref name="design"/>'s sums at <paramref name="theta"/>.</summary>
    public void Record(DesignData design, double[] theta, bool withHessian, int stride)
    {
        Dataset? data = design.DataForReuse;
        if (data is null) { Forget(); return; }
        int p = theta.Length, d = data.InputDim;
        _data = data;
        _generation = data.Generation;
        _rows = design.N;
        _hessian = withHessian;
        _shape = Shape(design, stride);
        Copy(theta.AsSpan(0, p), ref _theta);
        Copy(design.Shift.AsSpan(0, d), ref _shift);
        Copy(design.Scale.AsSpan(0, d), ref _scale);
    }

    /// <summary>Marks the partial sums as describing nothing (a pass over some blocks only, or a new problem).</summary>
    public void Forget() => _data = null;

    private static (PolicyKind, int, int, FeatureMap?, bool, bool, int) Shape(DesignData design, int stride)
        => (design.Kind, design.Features, design.Rows, design.FeatureMap, design.Direct, design.Weighted, stride);

    // Bit patterns, not values: −0 and +0 are equal values but can round a block's sums differently.
    private static bool SameBits(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        => System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(b));

    private static void Copy(ReadOnlySpan<double> src, ref double[] dst)
    {
        if (dst.Length != src.Length) dst = new double[src.Length];
        src.CopyTo(dst);
    }
}
