using FastIL.Policies;

namespace FastIL.Learning;

// A large Newton fit first runs Newton on a sixteenth of the rows: 256 consecutive rows of every block. Far from the
// optimum each Newton step only needs the objective's rough shape, which a sixteenth of the rows gives as well as all of
// them: on DAgger's CartPole data the full fits spent four to five of their six iterations there. The subsample's
// optimum lies within its sampling error of the full one, where Newton converges quadratically, so the full fit then
// takes two or three iterations. It ends on the whole data set at the usual tolerance: the warm-up only chooses where
// the full solve starts.
//
// Every block contributes, because rollouts store their rows step by step (a block is a slice of the lanes at one or
// a few time steps): whole blocks taken at a fixed stride sampled the steps at a fixed period, which aliased with the
// expert's own period on CartPole (the subsample's optimum had a loss of 0.63 where the full one has 0.34). The slice
// rotates through the block (stride 7 of 16 positions), so neighbouring blocks give other lanes.
public sealed partial class Trainer
{
    /// <summary>The warm-up takes one slice of <see cref="BlockRows"/> / <see cref="WarmupSlices"/> rows per block.</summary>
    internal const int WarmupSlices = 16;

    /// <summary>Fits of at least this many blocks (256K rows) warm up; smaller ones gain too little to pay for the extra passes.</summary>
    internal const int WarmupMinBlocks = 64;

    private const int SliceRows = BlockRows / WarmupSlices;

    /// <summary>
    /// The warm-up stops at this gradient norm: a subsample of 16K rows or more estimates the full gradient only to
    /// about 1e-3, so solving it further would not start the full fit any closer.
    /// </summary>
    private const double WarmupTolerance = 1e-4;

    // Whether evaluations cover the warm-up's slices only, and the weight of their rows.
    private bool _warmup;
    private double _warmupWeightSum;

    /// <summary>Newton iterations of the last fit's warm-up (0 when it had none).</summary>
    internal int LastWarmupIterations { get; private set; }

    /// <summary>The rows of block <paramref name="block"/> (from <paramref name="r0"/>, <paramref name="len"/> long) that the warm-up uses.</summary>
    private static (int R0, int Len) WarmupSlice(int block, int r0, int len)
    {
        int offset = (block * 7 & (WarmupSlices - 1)) * SliceRows;
        return (r0 + offset, Math.Clamp(len - offset, 0, SliceRows));
    }

    /// <summary>
    /// From the warm-up's slice starting at row <paramref name="r0"/> to the same place in the next block's slice: the
    /// slices sit at other offsets in each block, so the kernel's usual distance (one block) would fetch rows the
    /// warm-up never reads, and every slice would start from memory.
    /// </summary>
    internal static int WarmupPrefetchDistance(int r0)
    {
        int next = r0 / BlockRows + 1;
        return next * BlockRows + (next * 7 & (WarmupSlices - 1)) * SliceRows - r0;
    }

    private double[] _warmupStart = [];

    /// <summary>Whether this fit is large enough to warm up (and so is every refit of a grown data set).</summary>
    private bool WarmsUp => _design.Blocks >= WarmupMinBlocks && Options.SubsampleWarmup;

    /// <summary>Whether a Newton solve may skip the Hessian of a final step (see <see cref="NewtonSolver.Minimize"/>).</summary>
    private bool SkipsFinalHessian => WarmsUp && !Options.FullFinalHessian;

    /// <summary>
    /// Runs the warm-up from <c>_theta</c> when the fit is large enough; <c>_theta</c> ends at the subsample's solution,
    /// or back at its start if the subsample could not be solved (a non-finite objective, or no convergence: a small
    /// subsample can be separable where the full data set is not, and its optimum is then no place to start from).
    /// </summary>
    private void WarmUp(int p)
    {
        LastWarmupIterations = 0;
        if (!WarmsUp || !BeginWarmup()) return;
        if (_warmupStart.Length != p) _warmupStart = new double[p];
        _theta.AsSpan(0, p).CopyTo(_warmupStart);
        bool solved = false;
        try
        {
            // Nothing reuses the subsample's last Hessian: the full solve starts with a pass of its own.
            (LastWarmupIterations, solved) = _newton.Minimize(this, p, ref _theta, ref _g, ref _xNew, ref _gNew, Math.Min(Options.MaxIterations, WarmupMaxIterations),
                Math.Max(Options.GradientTolerance, WarmupTolerance), skipFinalHessian: SkipsFinalHessian);
        }
        catch (ArithmeticException) { }
        finally { EndWarmup(); }
        if (!solved) _warmupStart.CopyTo(_theta, 0);
    }

    /// <summary>Newton converges in a handful of iterations from anywhere reasonable; more means the subsample is no help.</summary>
    private const int WarmupMaxIterations = 30;

    /// <summary>Switches evaluations to the slices; false if their rows weigh nothing.</summary>
    private bool BeginWarmup()
    {
        double weight = 0;
        for (int b = 0; b < _design.Blocks; b++)
        {
            int r0 = b * BlockRows;
            var (s0, len) = WarmupSlice(b, r0, Math.Min(_design.N, r0 + BlockRows) - r0);
            if (!_design.Weighted) weight += len;
            else for (int i = s0; i < s0 + len; i++) weight += _design.W[i];
        }
        if (!(weight > 0)) return false;
        _warmupWeightSum = weight;
        _warmup = true;
        return true;
    }

    private void EndWarmup()
    {
        _warmup = false;
        _thetaVersion++;   // no subsample evaluation may stand for a full one
    }

    /// <summary>
    /// The objective and gradient of the warm-up's subsample at the policy's parameters, as the warm-up sees them
    /// (tests compare it with a data set that holds only those rows).
    /// </summary>
    internal double SubsampleObjective(Dataset data, LinearPolicy policy, Span<double> gradient)
    {
        Validate(data, policy);
        PrepareAt(data, policy);
        if (!BeginWarmup()) throw new ArgumentException("the subsample is empty");
        double f;
        try { f = Evaluate(_theta, _g, out _); }
        finally { EndWarmup(); }
        _g.AsSpan(0, policy.ParameterCount).CopyTo(gradient);
        return f;
    }

    /// <summary>The warm-up's rows of a data set of <paramref name="rows"/> rows, in order (tests).</summary>
    internal static IEnumerable<int> WarmupRows(int rows)
    {
        for (int b = 0; b * BlockRows < rows; b++)
        {
            var (s0, len) = WarmupSlice(b, b * BlockRows, Math.Min(rows, (b + 1) * BlockRows) - b * BlockRows);
            for (int i = s0; i < s0 + len; i++) yield return i;
        }
    }
}
