using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using FastIL.Parallel;
using FastIL.Policies;

namespace FastIL.Learning;

/// <summary>
/// Fits a <see cref="LinearPolicy"/> to a <see cref="Dataset"/> by empirical loss minimization:
/// <para>discrete: mean negative log-likelihood (weighted mean with row weights) + (λ/2)·‖W‖² − ent_weight·mean entropy;</para>
/// <para>linear: mean squared error + (λ/2)·‖W‖².</para>
/// Biases are not penalized. Gradients are computed in double over fixed blocks of rows whose partial sums are
/// added in block order, so the result does not depend on the number of threads. All buffers live in the trainer:
/// after the first fit of a given shape, a fit allocates nothing.
/// </summary>
public sealed partial class Trainer : IChunkJob, IObjective, IDisposable
{
    /// <summary>Rows per gradient block (fixed: the reduction order depends on it, not on threads).</summary>
    /// <remarks>
    /// The two-class kernel multiplies a block's s = 1 + e^{−|d|} ∈ [1, 2] per lane, BlockRows / 8 of them, before one
    /// log: at most 2^512 here, and below double's 2^1024 for any BlockRows up to 8184.
    /// </remarks>
    public const int BlockRows = 4096;

    private readonly WorkerPool? _pool;
    // Design matrix, column-major: one double column per feature; standardized inputs.
    private double[][] _phi = [], _z = [];
    private double[] _y = [], _w = [];
    private int[] _labels = [];
    private int _n, _features, _rows, _classes;
    private PolicyKind _kind;
    private bool _weighted;
    private double _weightSum, _entWeight;
    // Per-block partial sums: [loss, correct, grad(P)] for each block.
    private double[] _partials = [];
    private int _partialStride;
    private double[] _theta = [];
    // L-BFGS state.
    private double[] _g = [], _xNew = [], _gNew = [], _q = [];
    private double[] _chol = [];
    private readonly NewtonSolver _newton = new();
    private LbfgsSolver? _lbfgs;
    private int _blocks;

    [ThreadStatic] private static double[][]? t_logits;
    [ThreadStatic] private static double[]? t_m, t_s;

    /// <summary>Creates a trainer.</summary>
    public Trainer(TrainerOptions? options = null)
    {
        Options = options ?? new TrainerOptions();
        if (Options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), "threads must be ≥ 1");
        if (Options.L2 < 0 || !double.IsFinite(Options.L2)) throw new ArgumentOutOfRangeException(nameof(options), "L2 must be a finite number ≥ 0");
        if (Options.Threads > 1) _pool = new WorkerPool(Options.Threads);
    }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }
    /// <summary>The solver the last fit used (resolves <see cref="Solver.Auto"/>).</summary>
    public Solver UsedSolver { get; private set; }

    /// <summary>
    /// Fits <paramref name="policy"/> to <paramref name="data"/>, starting from its current parameters when
    /// <paramref name="warmStart"/> (DAgger refits every iteration), else from zero. Updates the policy's
    /// standardization (when on) and parameters in place.
    /// </summary>
    public FitResult Fit(Dataset data, LinearPolicy policy, bool warmStart = true)
    {
        Validate(data, policy);
        Prepare(data, policy);
        int p = policy.ParameterCount;
        if (!warmStart) { Array.Clear(policy.Weights); Array.Clear(policy.Bias); }
        policy.Weights.CopyTo(_theta, 0);
        policy.Bias.CopyTo(_theta, policy.Weights.Length);
        _thetaVersion++; // parameters written in place: no earlier evaluation describes them

        Solver solver = Options.Solver;
        if (solver == Solver.Auto)
            solver = _kind == PolicyKind.Linear ? Solver.Cholesky
                : p <= Options.NewtonMaxParameters && _entWeight == 0 && !Options.ScalarReference ? Solver.Newton : Solver.Lbfgs;
        if (solver == Solver.Cholesky && _kind != PolicyKind.Linear) throw new ArgumentException("the Cholesky solver fits linear (mean squared error) policies only");
        if (solver == Solver.Newton && (_kind == PolicyKind.Linear || _entWeight != 0 || Options.ScalarReference)) throw new ArgumentException("the Newton solver fits discrete policies without an entropy bonus (SIMD kernel only)");
        UsedSolver = solver;

        int iterations;
        bool converged;
        if (solver == Solver.Cholesky) { SolveRidge(); _thetaVersion++; iterations = 1; converged = true; }
        else if (solver == Solver.Newton)
        {
            WarmUp(p);
            // A fit large enough to warm up starts its next refit from a subsample solve, so no refit reuses this
            // solve's last Hessian sums (Trainer.PartialReuse.cs): its final pass may skip them.
            (iterations, converged) = _newton.Minimize(this, p, ref _theta, ref _g, ref _xNew, ref _gNew, Options.MaxIterations, Options.GradientTolerance,
                skipFinalHessian: SkipsFinalHessian);
        }
        else if (solver == Solver.Adam) (iterations, converged) = Adam(p);
        else
            (iterations, converged) = (_lbfgs ??= new LbfgsSolver(Options.LbfgsMemory))
                .Minimize(this, p, ref _theta, ref _g, ref _xNew, ref _gNew, Options.MaxIterations, Options.GradientTolerance);

        // The solvers' last evaluation is usually at the final parameters already (its gradient in _g): reuse it.
        double f, correct;
        if (_lastEval.Theta == _theta && _lastEval.Grad == _g && _lastEval.Version == _thetaVersion) (f, correct) = (_lastEval.F, _lastEval.Correct);
        else f = Evaluate(_theta, _g, out correct);
        double gn = Math.Sqrt(OrderedDot.Dot(_g.AsSpan(0, p), _g.AsSpan(0, p)));
        if (solver == Solver.Cholesky) converged = gn <= Math.Max(Options.GradientTolerance, 1e-9);
        _theta.AsSpan(0, policy.Weights.Length).CopyTo(policy.Weights);
        _theta.AsSpan(policy.Weights.Length, policy.Bias.Length).CopyTo(policy.Bias);
        double accuracy = _kind == PolicyKind.Linear ? double.NaN : correct / _n;
        double mse = _kind == PolicyKind.Linear ? f - 0.5 * Options.L2 * SquaredNorm(_theta.AsSpan(0, policy.Weights.Length)) : double.NaN;
        return new FitResult(f, iterations, gn, converged || gn <= Options.GradientTolerance, accuracy, mse);
    }

    /// <summary>The objective and its gradient at the policy's current parameters (no fitting; for tests and reporting).</summary>
    public double Objective(Dataset data, LinearPolicy policy, Span<double> gradient)
    {
        Validate(data, policy);
        PrepareAt(data, policy);
        double f = Evaluate(_theta, _g, out _);
        _g.AsSpan(0, policy.ParameterCount).CopyTo(gradient);
        return f;
    }

    /// <summary>The Hessian of the objective at the policy's current parameters (discrete policies; for tests).</summary>
    internal void Hessian(Dataset data, LinearPolicy policy, Span<double> hessian)
    {
        Validate(data, policy);
        if (policy.Kind == PolicyKind.Linear || policy.ParameterCount > Options.NewtonMaxParameters) throw new ArgumentException("Hessians are kept for discrete policies with few parameters");
        PrepareAt(data, policy);
        EvaluateWithHessian(_theta, _g);
        _hess.AsSpan(0, hessian.Length).CopyTo(hessian);
    }

    /// <summary>Prepares the data as the policy's current transform has it and loads its parameters into <c>_theta</c> (evaluations at a given point).</summary>
    private void PrepareAt(Dataset data, LinearPolicy policy)
    {
        Prepare(data, policy, restandardize: false);
        policy.Weights.CopyTo(_theta, 0);
        policy.Bias.CopyTo(_theta, policy.Weights.Length);
    }

    private void Validate(Dataset data, LinearPolicy policy)
    {
        if (data.Count == 0) throw new ArgumentException("the data set is empty");
        if (data.InputDim != policy.InputDim) throw new ArgumentException($"the data has {data.InputDim} inputs; the policy expects {policy.InputDim}");
        if (data.Continuous != (policy.Kind == PolicyKind.Linear))
            throw new ArgumentException(policy.Kind == PolicyKind.Linear ? "a linear policy needs continuous targets" : "a discrete policy needs integer labels");
        if (!data.Continuous)
        {
            // Labels this trainer has checked already (the same data set, only appended to since) are not read again:
            // a DAgger refit checks the new rows only.
            bool known = ReferenceEquals(data, _checkedData) && data.Generation == _checkedGeneration && policy.NumActions == _checkedActions;
            int from = known ? Math.Min(_checkedRows, data.Count) : 0;
            int bad = FastIL.Envs.ActionCheck.FirstOutOfRange(data.Labels[from..], policy.NumActions);
            if (bad >= 0) throw new ArgumentException($"row {from + bad}: label {data.Labels[from + bad]} is outside [0, {policy.NumActions - 1}]");
            (_checkedData, _checkedGeneration, _checkedActions, _checkedRows) = (data, data.Generation, policy.NumActions, data.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Prepare(Dataset data, LinearPolicy policy, bool restandardize = true)
    {
        _n = data.Count;
        _kind = policy.Kind;
        _features = policy.FeatureDim;
        _rows = policy.Rows;
        _classes = policy.Kind == PolicyKind.Linear ? 1 : policy.NumActions;
        _entWeight = policy.Kind == PolicyKind.Linear ? 0 : Options.EntropyWeight;
        int d = policy.InputDim, cap = data.Capacity;
        if (policy.Rows > Policies.PolicyJson.MaxActions) throw new ArgumentException($"a policy with {policy.Rows} actions is beyond the trainer's {Policies.PolicyJson.MaxActions}");
        long design = MemoryBudget.DesignBytes(cap, d, policy.Features.Kind == FeatureKind.Identity ? 0 : policy.FeatureDim);
        if (!MemoryBudget.Fits(design)) throw MemoryBudget.Error(design, $"fitting {data.Count} rows × {policy.FeatureDim} features", "fewer rows or features");
        if (ReferenceEquals(_phi, _z)) _phi = [];
        Grow(ref _z, d, cap);
        if (policy.Features.Kind == FeatureKind.Identity) { ReturnColumns(ref _phi); _phi = _z; }   // the standardized inputs are the features
        else Grow(ref _phi, _features, cap);

        if (policy.Standardize && restandardize)
        {
            for (int j = 0; j < d; j++)
            {
                ReadOnlySpan<float> x = data.Column(j);
                double sum = 0;
                for (int i = 0; i < _n; i++) sum += x[i];
                double mean = sum / _n, ss = 0;
                for (int i = 0; i < _n; i++) { double t = x[i] - mean; ss += t * t; }
                double std = Math.Sqrt(ss / _n);
                policy.Mean[j] = mean;
                policy.Std[j] = std > 0 ? std : 1.0;
            }
        }
        // Two-class fits on the raw (or standardized) inputs read the data set's float32 columns directly, standardizing
        // on the fly with the same two roundings (BinaryRows): no double copy of the inputs per refit. Only the rows after
        // the last multiple of four, which the span path handles, are widened here.
        _direct = policy.Features.Kind == FeatureKind.Identity && Vector256.IsHardwareAccelerated && !Options.ScalarReference && !Options.ScalarHessian && !Options.DesignMatrix
            && (_kind == PolicyKind.Logistic || (_kind == PolicyKind.Softmax && _rows == 2)) && _entWeight == 0;
        _data = _direct ? data : null;
        _dataForReuse = data;
        _featureMap = policy.Features;
        GrowArray(ref _shift, d);
        GrowArray(ref _scale, d);
        int from = _direct ? _n & ~3 : 0;
        for (int j = 0; j < d; j++)
        {
            _shift[j] = policy.Standardize ? policy.Mean[j] : 0.0;
            _scale[j] = policy.Standardize ? 1.0 / policy.Std[j] : 1.0;
            // Exact widening, then (x − mean) · (1/std) with the scalar formula's two roundings.
            ColumnOps.Widen(data.Column(j)[from.._n], _z[j].AsSpan(from, _n - from), policy.Standardize, policy.Mean[j], _scale[j]);
        }
        if (policy.Features.Kind != FeatureKind.Identity) policy.Features.Apply<double>(_z, _phi, 0, _n);

        if (data.Continuous)
        {
            GrowArray(ref _y, cap);
            ReadOnlySpan<float> t = data.Targets;
            for (int i = 0; i < _n; i++) _y[i] = t[i];
        }
        else _labels = data.RawLabels;   // read in place (the kernels only read them): no copy per refit
        _weighted = data.HasWeights;
        if (_weighted)
        {
            GrowArray(ref _w, cap);
            ReadOnlySpan<float> w = data.Weights;
            double s = 0;
            for (int i = 0; i < _n; i++) { _w[i] = w[i]; s += w[i]; }
            if (!(s > 0)) throw new ArgumentException("row weights must have a positive sum");
            _weightSum = s;
        }
        else _weightSum = _n;

        int p = policy.ParameterCount;
        _blocks = (_n + BlockRows - 1) / BlockRows;
        _partialStride = p + 2 + (p <= Options.NewtonMaxParameters || Options.Solver == Solver.Newton ? p * p : 0);
        // Sized for the data set's capacity, and kept when it grows: the complete blocks' partials may serve the next fit.
        int capBlocks = (cap + BlockRows - 1) / BlockRows;
        if (_partials.Length < capBlocks * _partialStride) Array.Resize(ref _partials, capBlocks * _partialStride);
        if (_theta.Length != p)
        {
            _theta = new double[p]; _g = new double[p]; _xNew = new double[p]; _gNew = new double[p]; _q = new double[p];
            _chol = new double[p * p];
            _hess = new double[p * p];
            _adamM = new double[p];
            _adamV = new double[p];
        }
        GrowArray(ref _order, _blocks);
    }

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

    private static double SquaredNorm(ReadOnlySpan<double> v) => OrderedDot.Dot(v, v);

    // The objective as the solvers (NewtonSolver.cs, LbfgsSolver.cs) see it.
    double IObjective.Value(double[] x, double[] g) => Evaluate(x, g, out _);
    double IObjective.ValueWithHessian(double[] x, double[] g) => EvaluateWithHessian(x, g);
    ReadOnlySpan<double> IObjective.Hessian => _hess;

    private double[] _evalTheta = [];
    // Direct mode (see Prepare): the data set whose float32 columns BinaryRows reads, and per input the standardization
    // z = (x − shift)·scale (0 and 1 when off).
    private bool _direct;
    private Dataset? _data;
    // The data set of the current fit (any mode), and the first block an evaluation computes (those before it are reused).
    private Dataset? _dataForReuse;
    // The data set whose first _checkedRows labels are known to lie in [0, _checkedActions).
    private Dataset? _checkedData;
    private long _checkedGeneration;
    private int _checkedActions, _checkedRows;
    private int _firstBlock;
    private double[] _shift = [], _scale = [];
    // The last evaluation's arrays and results, and a version bumped whenever parameters are written in place.
    private (double[]? Theta, double[]? Grad, int Version, double F, double Correct) _lastEval;
    private int _thetaVersion;
    private double[] _adamM = [], _adamV = [];
    private int[] _order = [];
    private double[] _hess = [];
    private bool _withHessian;

    /// <summary>Objective at θ, gradient into <paramref name="grad"/>; also the count of correctly predicted rows.</summary>
    private double Evaluate(double[] theta, double[] grad, out double correct)
    {
        _evalTheta = theta;
        _thetaVersion++;
        _firstBlock = _warmup ? 0 : ReusableBlocks(theta);
        int fresh = _blocks - _firstBlock;
        if (_pool is null) for (int c = 0; c < fresh; c++) ExecuteChunk(c);
        else if (fresh > 0) _pool.Run(this, fresh);
        _firstBlock = 0;
        if (_warmup) ForgetPartials();
        else RecordPartials(theta);
        int p = theta.Length;
        Span<double> g = grad.AsSpan(0, p);
        g.Clear();
        double loss = 0;
        correct = 0;
        for (int b = 0; b < _blocks; b++)
        {
            ReadOnlySpan<double> part = _partials.AsSpan(b * _partialStride, _partialStride);
            loss += part[0];
            correct += part[1];
            TensorPrimitives.Add(g, part.Slice(2, p), g);
        }
        double inv = 1.0 / (_warmup ? _warmupWeightSum : _weightSum);
        TensorPrimitives.Multiply(g, inv, g);
        int nw = _rows * _features;
        double lambda = Options.L2;
        if (lambda > 0) TensorPrimitives.MultiplyAdd(theta.AsSpan(0, nw), lambda, g[..nw], g[..nw]);
        double f = loss * inv + 0.5 * lambda * SquaredNorm(theta.AsSpan(0, nw));
        _lastEval = (theta, grad, _thetaVersion, f, correct);
        return f;
    }

    /// <summary>A dimension known at compile time (0: use the runtime value).</summary>
    private interface IDim { static abstract int Value { get; } }
    private struct Dim1 : IDim { public static int Value => 1; }
    private struct Dim2 : IDim { public static int Value => 2; }
    private struct Dim3 : IDim { public static int Value => 3; }
    private struct Dim4 : IDim { public static int Value => 4; }
    private struct Dim5 : IDim { public static int Value => 5; }
    private struct Dim6 : IDim { public static int Value => 6; }
    private struct DimAny : IDim { public static int Value => 0; }

    /// <summary>Objective and gradient as <see cref="Evaluate"/>, plus the Hessian (mean, with λ on the weight diagonal) in <c>_hess</c>.</summary>
    private double EvaluateWithHessian(double[] theta, double[] grad)
    {
        _withHessian = true;
        double f;
        try { f = Evaluate(theta, grad, out _); }
        finally { _withHessian = false; }
        int p = theta.Length;
        Span<double> h = _hess.AsSpan(0, p * p);
        h.Clear();
        for (int b = 0; b < _blocks; b++) TensorPrimitives.Add(h, _partials.AsSpan(b * _partialStride + 2 + p, p * p), h);
        TensorPrimitives.Multiply(h, 1.0 / (_warmup ? _warmupWeightSum : _weightSum), h);
        for (int k = 0; k < _rows * _features; k++) h[k * p + k] += Options.L2;
        return f;
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        _pool?.Dispose();
        if (ReferenceEquals(_phi, _z)) _phi = [];
        ReturnColumns(ref _phi);
        ReturnColumns(ref _z);
    }
}
