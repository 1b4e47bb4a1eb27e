using System.Runtime.CompilerServices;
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
/// <remarks>
/// Its parts: the fit's prepared inputs (<see cref="DesignData"/>), the objective (this class: <c>Evaluate</c> over
/// one block driver, <c>Trainer.BlockDriver.cs</c>, that runs a row kernel and a loss chosen per preparation: the
/// fused kernels of <c>Trainer.BinaryKernel.cs</c>, <c>Trainer.SmallSums.cs</c> and <c>Trainer.MultiClassKernel.cs</c>,
/// the span kernel and scalar reference of <c>Trainer.Kernels.cs</c>, the losses of <c>Trainer.Losses.cs</c>), which
/// partial sums a refit can take over (<see cref="PartialSumsRecord"/>), and the solvers, each with its own workspace:
/// <see cref="NewtonSolver"/> and <see cref="LbfgsSolver"/> over <see cref="IObjective"/>, <see cref="AdamSolver"/>
/// over <see cref="IBlockObjective"/> (<c>Trainer.Adam.cs</c>), and the ridge's closed form in <c>Trainer.Ridge.cs</c>.
/// </remarks>
public sealed partial class Trainer : IChunkJob, IObjective, IDisposable
{
    /// <summary>Rows per gradient block (fixed: the reduction order depends on it, not on threads).</summary>
    /// <remarks>
    /// The two-class kernel multiplies a block's s = 1 + e^{−|d|} ∈ [1, 2] per lane, BlockRows / 8 of them, before one
    /// log: at most 2^512 here, and below double's 2^1024 for any BlockRows up to 8184.
    /// </remarks>
    public const int BlockRows = 4096;

    private readonly WorkerPool? _pool;
    // The fit's inputs as the kernels read them (DesignData.cs); the rest of this class is the objective and its solvers.
    private readonly DesignData _design = new();
    // Which parameters and rows the per-block partial sums describe, for refits that can take them over.
    private readonly PartialSumsRecord _reuse = new();
    private double _entWeight;
    // Per-block partial sums: [loss, correct, grad(P)] for each block.
    private double[] _partials = [];
    private int _partialStride;
    private double[] _theta = [];
    // L-BFGS state.
    private double[] _g = [], _xNew = [], _gNew = [], _q = [];
    private double[] _chol = [];
    private readonly NewtonSolver _newton = new();
    private readonly AdamSolver _adam = new();
    private LbfgsSolver? _lbfgs;

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
            solver = _design.Kind == PolicyKind.Linear ? Solver.Cholesky
                : p <= Options.NewtonMaxParameters && _entWeight == 0 && !Options.ScalarReference ? Solver.Newton : Solver.Lbfgs;
        if (solver == Solver.Cholesky && _design.Kind != PolicyKind.Linear) throw new ArgumentException("the Cholesky solver fits linear (mean squared error) policies only");
        if (solver == Solver.Newton && (_design.Kind == PolicyKind.Linear || _entWeight != 0 || Options.ScalarReference)) throw new ArgumentException("the Newton solver fits discrete policies without an entropy bonus (SIMD kernel only)");
        UsedSolver = solver;

        int iterations;
        bool converged;
        if (solver == Solver.Cholesky) { SolveRidge(); _thetaVersion++; iterations = 1; converged = true; }
        else if (solver == Solver.Newton)
        {
            WarmUp(p);
            // A fit large enough to warm up starts its next refit from a subsample solve, so no refit reuses this
            // solve's last Hessian sums (PartialSumsRecord): its final pass may skip them.
            (iterations, converged) = _newton.Minimize(this, p, ref _theta, ref _g, ref _xNew, ref _gNew, Options.MaxIterations, Options.GradientTolerance,
                skipFinalHessian: SkipsFinalHessian);
        }
        else if (solver == Solver.Adam)
            (iterations, converged) = _adam.Minimize(this, p, _theta, _g, _gNew, Options.Epochs, Options.LearningRate, Options.Seed, Options.GradientTolerance);
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
        double accuracy = _design.Kind == PolicyKind.Linear ? double.NaN : correct / _design.N;
        double mse = _design.Kind == PolicyKind.Linear ? f - 0.5 * Options.L2 * SquaredNorm(_theta.AsSpan(0, policy.Weights.Length)) : double.NaN;
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

    private void Validate(Dataset data, LinearPolicy policy) => _design.Validate(data, policy);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Prepare(Dataset data, LinearPolicy policy, bool restandardize = true)
    {
        _entWeight = policy.Kind == PolicyKind.Linear ? 0 : Options.EntropyWeight;
        // Discrete fits on the raw (or standardized) inputs read the data set's float32 columns directly, standardizing
        // on the fly with the same two roundings (BinaryRows, FusedRows): no double copy of the inputs per refit.
        bool direct = UsesFusedKernels(policy.Kind) && policy.Features.Kind == FeatureKind.Identity && !Options.DesignMatrix;
        _design.Prepare(data, policy, restandardize, direct);
        _driver = SelectDriver();
        int cap = data.Capacity;
        int p = policy.ParameterCount;
        _partialStride = p + 2 + (p <= Options.NewtonMaxParameters || Options.Solver == Solver.Newton ? p * p : 0);
        // Sized for the data set's capacity, and kept when it grows: the complete blocks' partials may serve the next fit.
        int capBlocks = (cap + BlockRows - 1) / BlockRows;
        if (_partials.Length < capBlocks * _partialStride) Array.Resize(ref _partials, capBlocks * _partialStride);
        if (_theta.Length != p)
        {
            _theta = new double[p]; _g = new double[p]; _xNew = new double[p]; _gNew = new double[p]; _q = new double[p];
            _chol = new double[p * p];
            _hess = new double[p * p];
        }
    }

    private static double SquaredNorm(ReadOnlySpan<double> v) => OrderedDot.Dot(v, v);

    // The objective as the solvers (NewtonSolver.cs, LbfgsSolver.cs) see it.
    double IObjective.Value(double[] x, double[] g) => Evaluate(x, g, out _);
    double IObjective.ValueWithHessian(double[] x, double[] g) => EvaluateWithHessian(x, g);
    ReadOnlySpan<double> IObjective.Hessian => _hess;

    private double[] _evalTheta = [];
    // The first block an evaluation computes (those before it are reused).
    private int _firstBlock;
    // The last evaluation's arrays and results, and a version bumped whenever parameters are written in place.
    private (double[]? Theta, double[]? Grad, int Version, double F, double Correct) _lastEval;
    private int _thetaVersion;
    private double[] _hess = [];
    private bool _withHessian;

    /// <summary>Objective at θ, gradient into <paramref name="grad"/>; also the count of correctly predicted rows.</summary>
    private double Evaluate(double[] theta, double[] grad, out double correct)
    {
        _evalTheta = theta;
        _thetaVersion++;
        _firstBlock = _warmup ? 0 : _reuse.ReusableBlocks(_design, theta, _withHessian, _partialStride);
        int fresh = _design.Blocks - _firstBlock;
        if (_pool is null) for (int c = 0; c < fresh; c++) ExecuteChunk(c);
        else if (fresh > 0) _pool.Run(this, fresh);
        _firstBlock = 0;
        if (_warmup) _reuse.Forget();
        else _reuse.Record(_design, theta, _withHessian, _partialStride);
        int p = theta.Length;
        Span<double> g = grad.AsSpan(0, p);
        g.Clear();
        double loss = 0;
        correct = 0;
        for (int b = 0; b < _design.Blocks; b++)
        {
            ReadOnlySpan<double> part = _partials.AsSpan(b * _partialStride, _partialStride);
            loss += part[0];
            correct += part[1];
            ParameterOps.Add(part.Slice(2, p), g);
        }
        double inv = 1.0 / (_warmup ? _warmupWeightSum : _design.WeightSum);
        ParameterOps.Multiply(g, inv, g);
        int nw = _design.Rows * _design.Features;
        double lambda = Options.L2;
        if (lambda > 0) ParameterOps.MultiplyAdd(theta.AsSpan(0, nw), lambda, g[..nw], g[..nw]);
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
        for (int b = 0; b < _design.Blocks; b++) ParameterOps.Add(_partials.AsSpan(b * _partialStride + 2 + p, p * p), h);
        ParameterOps.Multiply(h, 1.0 / (_warmup ? _warmupWeightSum : _design.WeightSum), h);
        for (int k = 0; k < _design.Rows * _design.Features; k++) h[k * p + k] += Options.L2;
        return f;
    }

    /// <summary>Blocks whose partials this trainer has taken over from a previous evaluation instead of recomputing (tests).</summary>
    internal long ReusedBlocks => _reuse.ReusedBlocks;

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        _pool?.Dispose();
        _design.Dispose();
    }
}
