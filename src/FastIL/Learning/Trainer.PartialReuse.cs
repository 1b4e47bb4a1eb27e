using FastIL.Policies;

namespace FastIL.Learning;

// A refit on a grown data set starts where the last fit ended: DAgger appends rows and warm-starts from the parameters
// the last fit returned, whose final evaluation left every block's partial sums (loss, hits, gradient and, after a
// Newton fit, Hessian) in _partials. The first evaluation of the refit therefore recomputes only the blocks that were
// not complete then. The partials of a block are a function of its rows, the parameters and the fit's input transform
// alone, and blocks are combined in block order, so the result is the same, bit for bit, as recomputing them.
public sealed partial class Trainer
{
    // What _partials describe (set by each full evaluation; cleared by any other writer of _partials).
    private Dataset? _partialsData;
    private long _partialsGeneration;
    private int _partialsRows;
    private bool _partialsHessian;
    private double[] _partialsTheta = [];
    private double[] _partialsShift = [], _partialsScale = [];
    private (PolicyKind Kind, int Features, int Rows, FeatureMap? Map, bool Direct, bool Weighted, int Stride) _partialsShape;
    private FeatureMap? _featureMap;

    /// <summary>Blocks whose partials this trainer has taken over from a previous evaluation instead of recomputing (tests).</summary>
    internal long ReusedBlocks { get; private set; }

    /// <summary>Blocks whose partial sums at <paramref name="theta"/> are already in <c>_partials</c>.</summary>
    private int ReusableBlocks(double[] theta)
    {
        Dataset? data = _dataForReuse;
        if (data is null || !ReferenceEquals(data, _partialsData) || data.Generation != _partialsGeneration) return 0;
        if (_withHessian && !_partialsHessian) return 0;
        if (_partialsShape != (_kind, _features, _rows, _featureMap, _direct, _weighted, _partialStride)) return 0;
        int p = theta.Length, d = data.InputDim;
        if (_partialsTheta.Length != p || !SameBits(theta.AsSpan(0, p), _partialsTheta)) return 0;
        if (!SameBits(_shift.AsSpan(0, d), _partialsShift) || !SameBits(_scale.AsSpan(0, d), _partialsScale)) return 0;
        // Only blocks that were complete: the last one may have grown since.
        int reused = Math.Min(_partialsRows / BlockRows, _blocks);
        ReusedBlocks += reused;
        return reused;
    }

    /// <summary>Records that <c>_partials</c> now hold every block's sums at <paramref name="theta"/>.</summary>
    private void RecordPartials(double[] theta)
    {
        Dataset? data = _dataForReuse;
        if (data is null) { ForgetPartials(); return; }
        int p = theta.Length, d = data.InputDim;
        _partialsData = data;
        _partialsGeneration = data.Generation;
        _partialsRows = _n;
        _partialsHessian = _withHessian;
        _partialsShape = (_kind, _features, _rows, _featureMap, _direct, _weighted, _partialStride);
        Copy(theta.AsSpan(0, p), ref _partialsTheta);
        Copy(_shift.AsSpan(0, d), ref _partialsShift);
        Copy(_scale.AsSpan(0, d), ref _partialsScale);
    }

    /// <summary>Marks <c>_partials</c> as describing nothing (a pass over some blocks only, or a new problem).</summary>
    private void ForgetPartials() => _partialsData = null;

    // Bit patterns, not values: −0 and +0 are equal values but can round a block's sums differently.
    private static bool SameBits(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        => System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<double, long>(b));

    private static void Copy(ReadOnlySpan<double> src, ref double[] dst)
    {
        if (dst.Length != src.Length) dst = new double[src.Length];
        src.CopyTo(dst);
    }
}
