using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
public sealed partial class Trainer : IChunkJob, IDisposable
{
    /// <summary>Rows per gradient block (fixed: the reduction order depends on it, not on threads).</summary>
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
    private double[] _g = [], _xNew = [], _gNew = [], _d = [], _q = [], _rho = [], _alpha = [];
    private double[][] _s = [], _yy = [];
    private double[] _chol = [];
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
        else if (solver == Solver.Newton) (iterations, converged) = Newton(p);
        else if (solver == Solver.Adam) (iterations, converged) = Adam(p);
        else (iterations, converged) = Lbfgs(p);

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
        Prepare(data, policy, restandardize: false);
        policy.Weights.CopyTo(_theta, 0);
        policy.Bias.CopyTo(_theta, policy.Weights.Length);
        double f = Evaluate(_theta, _g, out _);
        _g.AsSpan(0, policy.ParameterCount).CopyTo(gradient);
        return f;
    }

    /// <summary>The Hessian of the objective at the policy's current parameters (discrete policies; for tests).</summary>
    internal void Hessian(Dataset data, LinearPolicy policy, Span<double> hessian)
    {
        Validate(data, policy);
        if (policy.Kind == PolicyKind.Linear || policy.ParameterCount > Options.NewtonMaxParameters) throw new ArgumentException("Hessians are kept for discrete policies with few parameters");
        Prepare(data, policy, restandardize: false);
        policy.Weights.CopyTo(_theta, 0);
        policy.Bias.CopyTo(_theta, policy.Weights.Length);
        EvaluateWithHessian(_theta, _g);
        _hess.AsSpan(0, hessian.Length).CopyTo(hessian);
    }

    private static void Validate(Dataset data, LinearPolicy policy)
    {
        if (data.Count == 0) throw new ArgumentException("the data set is empty");
        if (data.InputDim != policy.InputDim) throw new ArgumentException($"the data has {data.InputDim} inputs; the policy expects {policy.InputDim}");
        if (data.Continuous != (policy.Kind == PolicyKind.Linear))
            throw new ArgumentException(policy.Kind == PolicyKind.Linear ? "a linear policy needs continuous targets" : "a discrete policy needs integer labels");
        if (!data.Continuous)
        {
            int bad = FastIL.Envs.ActionCheck.FirstOutOfRange(data.Labels, policy.NumActions);
            if (bad >= 0) throw new ArgumentException($"row {bad}: label {data.Labels[bad]} is outside [0, {policy.NumActions - 1}]");
        }
    }

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
        GrowArray(ref _shift, d);
        GrowArray(ref _scale, d);
        int from = _direct ? _n & ~3 : 0;
        for (int j = 0; j < d; j++)
        {
            _shift[j] = policy.Standardize ? policy.Mean[j] : 0.0;
            _scale[j] = policy.Standardize ? 1.0 / policy.Std[j] : 1.0;
            Span<double> z = _z[j].AsSpan(from, _n - from);
            TensorPrimitives.ConvertChecked<float, double>(data.Column(j)[from..], z);   // exact widening, SIMD
            if (policy.Standardize)
            {
                // (x − mean) · (1/std), in two exact-order passes as the scalar formula rounds them.
                TensorPrimitives.Subtract(z, policy.Mean[j], z);
                TensorPrimitives.Multiply(z, _scale[j], z);
            }
        }
        if (policy.Features.Kind != FeatureKind.Identity) policy.Features.Apply<double>(_z, _phi, 0, _n);

        if (data.Continuous)
        {
            GrowArray(ref _y, cap);
            ReadOnlySpan<float> t = data.Targets;
            for (int i = 0; i < _n; i++) _y[i] = t[i];
        }
        else
        {
            GrowArray(ref _labels, cap);
            data.Labels.CopyTo(_labels);
        }
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
        GrowArray(ref _partials, _blocks * _partialStride);
        if (_theta.Length != p)
        {
            _theta = new double[p]; _g = new double[p]; _xNew = new double[p]; _gNew = new double[p]; _d = new double[p]; _q = new double[p];
            int m = Options.LbfgsMemory;
            _s = new double[m][]; _yy = new double[m][];
            for (int i = 0; i < m; i++) { _s[i] = new double[p]; _yy[i] = new double[p]; }
            _rho = new double[m]; _alpha = new double[m];
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

    private double[] _evalTheta = [];
    // Direct mode (see Prepare): the data set whose float32 columns BinaryRows reads, and per input the standardization
    // z = (x − shift)·scale (0 and 1 when off).
    private bool _direct;
    private Dataset? _data;
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
        if (_pool is null) for (int b = 0; b < _blocks; b++) ExecuteChunk(b);
        else _pool.Run(this, _blocks);
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
        double inv = 1.0 / _weightSum;
        TensorPrimitives.Multiply(g, inv, g);
        int nw = _rows * _features;
        double lambda = Options.L2;
        if (lambda > 0) TensorPrimitives.MultiplyAdd(theta.AsSpan(0, nw), lambda, g[..nw], g[..nw]);
        double f = loss * inv + 0.5 * lambda * SquaredNorm(theta.AsSpan(0, nw));
        _lastEval = (theta, grad, _thetaVersion, f, correct);
        return f;
    }

    /// <summary>One block of rows: partial loss, correct count and gradient (called by the worker pool).</summary>
    public void ExecuteChunk(int block)
    {
        if (Options.ScalarReference) { ExecuteChunkScalar(block); return; }
        int r0 = block * BlockRows, len = Math.Min(_n, r0 + BlockRows) - r0;
        Span<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
        part.Clear();
        if (_withHessian) HessianAccumulators().Clear();
        // Discrete policies without an entropy bonus: one fused pass, four rows per step (the binary kernel for two
        // classes, the general one for more); the rest by spans.
        bool fused = Vector256.IsHardwareAccelerated && _kind != PolicyKind.Linear && _entWeight == 0 && !Options.ScalarHessian;
        int done = fused && (_kind == PolicyKind.Logistic || TwoClassSoftmax)
            ? _features switch
            {
                1 => BinaryRows<Dim1>(part, r0, len), 2 => BinaryRows<Dim2>(part, r0, len), 3 => BinaryRows<Dim3>(part, r0, len),
                4 => BinaryRows<Dim4>(part, r0, len), 5 => BinaryRows<Dim5>(part, r0, len), 6 => BinaryRows<Dim6>(part, r0, len),
                _ => BinaryRows<DimAny>(part, r0, len),
            }
            : fused ? _features switch
            {
                // Compile-time feature counts let the JIT fold the inner loops' bounds (generic struct specialization).
                1 => FusedRows<Dim1>(part, r0, len), 2 => FusedRows<Dim2>(part, r0, len), 3 => FusedRows<Dim3>(part, r0, len),
                4 => FusedRows<Dim4>(part, r0, len), 5 => FusedRows<Dim5>(part, r0, len), 6 => FusedRows<Dim6>(part, r0, len),
                _ => FusedRows<DimAny>(part, r0, len),
            }
            : 0;
        if (done < len) SpanRows(part, r0 + done, len - done);
        if (_withHessian) StoreHessian(part);
    }

    /// <summary>The span-based block kernel (TensorPrimitives per column), accumulating into <paramref name="part"/>.</summary>
    private void SpanRows(Span<double> part, int r0, int len)
    {
        double[] theta = _evalTheta;
        int classes = _kind == PolicyKind.Logistic ? 2 : _rows;
        if (t_logits is null || t_logits.Length < classes) t_logits = new double[Math.Max(classes, 4)][];
        for (int c = 0; c < classes; c++) t_logits[c] ??= new double[BlockRows];
        t_m ??= new double[BlockRows];
        t_s ??= new double[BlockRows];
        double[][] l = t_logits;
        Span<double> m = t_m.AsSpan(0, len), s = t_s.AsSpan(0, len);

        // Logits z_r = b_r + Σ_k θ[r·F + k]·φ_k. For logistic, class 0 is pinned at 0 and row 0 drives class 1.
        int first = _kind == PolicyKind.Logistic ? 1 : 0;
        if (first == 1) l[0].AsSpan(0, len).Clear();
        for (int r = 0; r < _rows; r++)
        {
            Span<double> z = l[r + first].AsSpan(0, len);
            z.Fill(theta[_rows * _features + r]);
            for (int k = 0; k < _features; k++) TensorPrimitives.MultiplyAdd(_phi[k].AsSpan(r0, len), theta[r * _features + k], z, z);
        }

        if (_kind == PolicyKind.Linear)
        {
            Span<double> res = l[0].AsSpan(0, len);
            TensorPrimitives.Subtract(res, _y.AsSpan(r0, len), res);       // ŷ − y
            if (_weighted)
            {
                TensorPrimitives.Multiply(res, _w.AsSpan(r0, len), s);     // w(ŷ − y)
                part[0] += OrderedDot.Dot(s, res);
                TensorPrimitives.Multiply(s, 2.0, res);
            }
            else
            {
                part[0] += OrderedDot.Dot(res, res);
                TensorPrimitives.Multiply(res, 2.0, res);
            }
            AccumulateGradient(part, l, first: 0, r0, len);
            return;
        }

        // Stable log-sum-exp: m = max_c l_c, s = Σ exp(l_c − m), −log p_y = log s − (l_y − m).
        l[0].AsSpan(0, len).CopyTo(m);
        for (int c = 1; c < classes; c++) TensorPrimitives.Max(m, l[c].AsSpan(0, len), m);
        for (int c = 0; c < classes; c++) TensorPrimitives.Subtract(l[c].AsSpan(0, len), m, l[c].AsSpan(0, len)); // ≤ 0
        // Loss and greedy accuracy from the shifted logits (before exponentiation, so nothing underflows).
        double loss = 0, correct = 0;
        ReadOnlySpan<int> y = _labels.AsSpan(r0, len);
        for (int i = 0; i < len; i++)
        {
            int yi = y[i];
            double ly = l[yi][i];
            bool ok = true;
            for (int c = 0; c < classes; c++) if (l[c][i] > ly || (l[c][i] == ly && c < yi)) { ok = false; break; }
            if (ok) correct++;
            m[i] = ly; // keep l_y − m for the loss below
        }
        s.Clear();
        for (int c = 0; c < classes; c++)
        {
            Span<double> lc = l[c].AsSpan(0, len);
            TensorPrimitives.Exp(lc, lc);              // e_c = exp(l_c − m)
            TensorPrimitives.Add(s, lc, s);
        }
        for (int c = 0; c < classes; c++) TensorPrimitives.Divide(l[c].AsSpan(0, len), s, l[c].AsSpan(0, len));   // p_c
        // −log p_y = log s − (l_y − m), summed (weighted) with SIMD.
        TensorPrimitives.Log(s, s);
        TensorPrimitives.Subtract(s, m, s);
        loss = _weighted ? OrderedDot.Dot(s, _w.AsSpan(r0, len)) : OrderedDot.Sum(s);

        if (_entWeight != 0)
        {
            // H = −Σ p log p; the objective adds −ent·H, whose gradient wrt logit c is ent·p_c·(log p_c + H).
            for (int i = 0; i < len; i++)
            {
                double h = 0;
                for (int c = 0; c < classes; c++) { double pc = l[c][i]; if (pc > 0) h -= pc * Math.Log(pc); }
                double wi = _weighted ? _w[r0 + i] : 1.0;
                loss -= _entWeight * wi * h;
                for (int c = 0; c < classes; c++)
                {
                    double pc = l[c][i];
                    if (pc > 0) l[c][i] = pc + _entWeight * pc * (Math.Log(pc) + h);
                }
            }
        }
        if (_withHessian) AccumulateHessian(part, l, first, classes, r0, len);
        for (int i = 0; i < len; i++) l[y[i]][i] -= 1.0;                 // p_c − [y = c] (+ entropy term)
        if (_weighted)
            for (int c = first; c < classes; c++) TensorPrimitives.Multiply(l[c].AsSpan(0, len), _w.AsSpan(r0, len), l[c].AsSpan(0, len));
        part[0] += loss;
        part[1] += correct;
        AccumulateGradient(part, l, first, r0, len);
    }

    /// <summary>
    /// The scalar reference of <see cref="ExecuteChunk"/>: the same objective row by row with plain loops and
    /// <see cref="Math.Exp"/>, no SIMD, no shared helpers.
    /// </summary>
    private void ExecuteChunkScalar(int block)
    {
        int r0 = block * BlockRows, r1 = Math.Min(_n, r0 + BlockRows);
        double[] theta = _evalTheta;
        Span<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
        part.Clear();
        Span<double> grad = part[2..];
        int classes = _kind == PolicyKind.Logistic ? 2 : _rows, first = _kind == PolicyKind.Logistic ? 1 : 0;
        Span<double> l = stackalloc double[Math.Max(classes, 1)];
        Span<double> res = stackalloc double[Math.Max(classes, 1)];
        double loss = 0, correct = 0;
        for (int i = r0; i < r1; i++)
        {
            double w = _weighted ? _w[i] : 1.0;
            l.Clear();
            for (int r = 0; r < _rows; r++)
            {
                double z = theta[_rows * _features + r];
                for (int k = 0; k < _features; k++) z += theta[r * _features + k] * _phi[k][i];
                l[r + first] = z;
            }
            if (_kind == PolicyKind.Linear)
            {
                double e = l[0] - _y[i];
                loss += w * e * e;
                res[0] = w * 2 * e;
            }
            else
            {
                int y = _labels[i];
                double m = l[0];
                for (int c = 1; c < classes; c++) m = Math.Max(m, l[c]);
                double s = 0;
                for (int c = 0; c < classes; c++) s += Math.Exp(l[c] - m);
                double logS = Math.Log(s), h = 0;
                int argmax = 0;
                for (int c = 1; c < classes; c++) if (l[c] > l[argmax]) argmax = c;
                if (argmax == y) correct++;
                loss += w * (logS - (l[y] - m));
                for (int c = 0; c < classes; c++) { double lp = l[c] - m - logS; h -= Math.Exp(lp) * lp; }
                loss -= _entWeight * w * h;
                for (int c = 0; c < classes; c++)
                {
                    double lp = l[c] - m - logS, pc = Math.Exp(lp);
                    res[c] = w * (pc - (c == y ? 1 : 0) + _entWeight * pc * (lp + h));
                }
            }
            for (int r = 0; r < _rows; r++)
            {
                double g = res[r + first];
                for (int k = 0; k < _features; k++) grad[r * _features + k] += g * _phi[k][i];
                grad[_rows * _features + r] += g;
            }
        }
        part[0] = loss;
        part[1] = correct;
    }

    [ThreadStatic] private static double[]? t_hacc, t_gacc;

    // Unique Hessian sums of one block: for free-row pairs r ≤ s and extended-feature pairs a ≤ b, four lanes each
    // (the fused kernel's Vector256 lanes; the scalar path adds into lane 0).
    // A two-class softmax needs one row pair, not three: p₁ = 1 − p₀ makes the weights p₀(1 − p₀), −p₀p₁ and p₁(1 − p₁)
    // equal up to sign, so its Hessian is [[B, −B], [−B, B]] with one block B (a third of the work per row).
    private bool TwoClassSoftmax => _kind == PolicyKind.Softmax && _rows == 2;
    private int HessianPairsRS => TwoClassSoftmax ? 1 : _rows * (_rows + 1) / 2;
    private int HessianPairsAB => (_features + 1) * (_features + 2) / 2;

    /// <summary>The calling thread's gradient accumulators (<paramref name="length"/> doubles), cleared.</summary>
    private static Span<double> GradientAccumulators(int length)
    {
        if (t_gacc is null || t_gacc.Length < length) t_gacc = new double[Math.Max(length, 64)];
        Span<double> gacc = t_gacc.AsSpan(0, length);
        gacc.Clear();
        return gacc;
    }

    private Span<double> HessianAccumulators()
    {
        int n = HessianPairsRS * HessianPairsAB * 4;
        if (t_hacc is null || t_hacc.Length < n) t_hacc = new double[Math.Max(n, 64)];
        return t_hacc.AsSpan(0, n);
    }

    /// <summary>
    /// Scalar Hessian accumulation for rows of the span path: Σ_i w_i·(p_r·[r = s] − p_r·p_s)·φ̃_a·φ̃_b for free rows
    /// r ≤ s and extended features a ≤ b (φ and the bias 1).
    /// </summary>
    private void AccumulateHessian(Span<double> part, double[][] prob, int first, int classes, int r0, int len)
    {
        int rows = _rows, f = _features, fe = f + 1, pairsAB = HessianPairsAB;
        Span<double> acc = HessianAccumulators();
        Span<double> c = stackalloc double[HessianPairsRS];
        Span<double> phi = stackalloc double[fe];
        for (int i = 0; i < len; i++)
        {
            double w = _weighted ? _w[r0 + i] : 1.0;
            int k = 0;
            if (TwoClassSoftmax) c[0] = w * (prob[0][i] * prob[1][i]);
            else
                for (int r = 0; r < rows; r++)
                    for (int s2 = r; s2 < rows; s2++, k++)
                    {
                        double pr = prob[r + first][i], ps = prob[s2 + first][i];
                        c[k] = w * (r == s2 ? pr * (1 - ps) : -(pr * ps));
                    }
            for (int a = 0; a < f; a++) phi[a] = _phi[a][r0 + i];
            phi[f] = 1.0;
            int ab = 0;
            for (int a = 0; a < fe; a++)
                for (int b = a; b < fe; b++, ab++)
                {
                    double m = phi[a] * phi[b];
                    for (int rs = 0; rs < c.Length; rs++) acc[(rs * pairsAB + ab) * 4] += c[rs] * m;
                }
        }
    }

    /// <summary>Sums the lanes of the block's Hessian accumulators and writes the full symmetric P×P matrix into its slot.</summary>
    private void StoreHessian(Span<double> part)
    {
        int rows = _rows, f = _features, fe = f + 1, p = rows * f + rows, pairsAB = HessianPairsAB;
        Span<double> acc = HessianAccumulators();
        Span<double> h = part.Slice(2 + p, p * p);
        int kk = 0;
        bool twoClass = TwoClassSoftmax;
        for (int r = 0; r < rows; r++)
            for (int s2 = r; s2 < rows; s2++, kk++)
            {
                int ab = 0, slot = twoClass ? 0 : kk;
                double sign = twoClass && r != s2 ? -1.0 : 1.0;
                for (int a = 0; a < fe; a++)
                    for (int b = a; b < fe; b++, ab++)
                    {
                        int o = (slot * pairsAB + ab) * 4;
                        double v = sign * ((acc[o] + acc[o + 1]) + (acc[o + 2] + acc[o + 3]));
                        int ia = a < f ? r * f + a : rows * f + r, ib = b < f ? s2 * f + b : rows * f + s2;
                        int ja = a < f ? s2 * f + a : rows * f + s2, jb = b < f ? r * f + b : rows * f + r;
                        h[ia * p + ib] = v; h[ib * p + ia] = v; // (r,a)-(s,b)
                        h[ja * p + jb] = v; h[jb * p + ja] = v; // (s,a)-(r,b): the same sum with a and b swapped
                    }
            }
    }

    /// <summary>
    /// The fused kernel for softmax policies with three or more classes (two-class problems take
    /// <see cref="BinaryRows"/>) without an entropy bonus: for four rows at a time it computes the
    /// logits, a stable log-sum-exp, the weighted NLL, the greedy hit, the residuals w·(p − onehot(y)), their
    /// products with the features (the gradient) and, for Newton, the Hessian sums — one pass over the data instead of
    /// dozens. Returns the number of rows handled (a multiple of four); <see cref="SpanRows"/> does the rest.
    /// </summary>
    private int FusedRows<TF>(Span<double> part, int r0, int len) where TF : struct, IDim
    {
        int n4 = len & ~3;
        if (n4 == 0) return 0;
        int rows = _rows, classes = rows, f = TF.Value > 0 ? TF.Value : _features, fe = f + 1, p = rows * f + rows;
        int pairsRS = HessianPairsRS, pairsAB = HessianPairsAB;
        double[] theta = _evalTheta;
        Span<double> gacc = GradientAccumulators(rows * fe * 4);
        Span<double> hacc = _withHessian ? HessianAccumulators() : default;
        Span<double> z = stackalloc double[classes * 4];
        Span<double> phiv = stackalloc double[fe * 4];
        Span<double> cv = stackalloc double[pairsRS * 4];
        ref double g0 = ref MemoryMarshal.GetReference(gacc);
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double pv = ref MemoryMarshal.GetReference(phiv);
        ref double th = ref MemoryMarshal.GetArrayDataReference(theta);
        ref int lab = ref MemoryMarshal.GetArrayDataReference(_labels);
        double[][] cols = _phi;
        var lossAcc = Vector256<double>.Zero;
        var hits = Vector256<double>.Zero;
        var one = Vector256<double>.One;
        var sProduct = one;
        int pending = 0;
        for (int i = 0; i < n4; i += 4)
        {
            int row = r0 + i;
            for (int a = 0; a < f; a++) Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(cols[a]), (nuint)row).StoreUnsafe(ref pv, (nuint)(a * 4));
            one.StoreUnsafe(ref pv, (nuint)(f * 4));
            for (int r = 0; r < rows; r++)
            {
                var acc = Vector256.Create(Unsafe.Add(ref th, rows * f + r));
                for (int k = 0; k < f; k++) acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pv, (nuint)(k * 4)), Vector256.Create(Unsafe.Add(ref th, r * f + k)), acc);
                acc.StoreUnsafe(ref zr, (nuint)(r * 4));
            }
            var y = Vector256.ConvertToDouble(Vector256.WidenLower(Vector128.LoadUnsafe(ref lab, (nuint)row).ToVector256Unsafe()));
            var m = Vector256.LoadUnsafe(ref zr);
            for (int c = 1; c < classes; c++) m = Vector256.Max(m, Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)));
            var zy = Vector256<double>.Zero;
            for (int c = 0; c < classes; c++)
                zy = Vector256.ConditionalSelect(Vector256.Equals(y, Vector256.Create((double)c)), Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)), zy);
            // Greedy hit: y is the first maximum (classes before y strictly below, after y not above).
            var ok = Vector256<double>.AllBitsSet;
            for (int c = 0; c < classes; c++)
            {
                var zc = Vector256.LoadUnsafe(ref zr, (nuint)(c * 4));
                var before = Vector256.GreaterThan(y, Vector256.Create((double)c));
                var isY = Vector256.Equals(y, Vector256.Create((double)c));
                var cond = Vector256.ConditionalSelect(before, Vector256.LessThan(zc, zy), Vector256.LessThanOrEqual(zc, zy));
                ok &= cond | isY;
            }
            hits += one & ok;
            // e_c = exp(z_c − m), each once.
            var s = Vector256<double>.Zero;
            for (int c = 0; c < classes; c++)
            {
                var e = FastIL.Kernels.MathKernels.FastExp.ExpNonPositive(Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)) - m);
                e.StoreUnsafe(ref zr, (nuint)(c * 4));
                s += e;
            }
            var w = _weighted ? Vector256.LoadUnsafe(ref _w[row]) : one;
            // −log p_y = log s − (z_y − m). Unweighted, the logs of eight groups are taken at once as the log of the
            // product of their s (each in [1, K], so the product cannot overflow).
            lossAcc -= w * (zy - m);
            if (_weighted) lossAcc = Vector256.FusedMultiplyAdd(w, Vector256.Log(s), lossAcc);
            else
            {
                sProduct *= s;
                if (++pending == 8) { lossAcc += Vector256.Log(sProduct); sProduct = one; pending = 0; }
            }
            // Probabilities p_c = e_c / s, into z (overwriting the logits).
            var invS = one / s;
            for (int c = 0; c < classes; c++) (Vector256.LoadUnsafe(ref zr, (nuint)(c * 4)) * invS).StoreUnsafe(ref zr, (nuint)(c * 4));
            if (_withHessian)
            {
                int k = 0;
                for (int r = 0; r < rows; r++)
                {
                    var pr = Vector256.LoadUnsafe(ref z[r * 4]);
                    for (int s2 = r; s2 < rows; s2++, k++)
                    {
                        var ps = Vector256.LoadUnsafe(ref z[s2 * 4]);
                        (w * (r == s2 ? pr * (one - ps) : -(pr * ps))).StoreUnsafe(ref cv[k * 4]);
                    }
                }
                ref double h0 = ref MemoryMarshal.GetReference(hacc);
                int ab = 0;
                for (int a = 0; a < fe; a++)
                {
                    var pa = Vector256.LoadUnsafe(ref phiv[a * 4]);
                    for (int b = a; b < fe; b++, ab++)
                    {
                        var prod = pa * Vector256.LoadUnsafe(ref phiv[b * 4]);
                        for (int rs = 0; rs < pairsRS; rs++)
                        {
                            ref double slot = ref Unsafe.Add(ref h0, (rs * pairsAB + ab) * 4);
                            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref cv[rs * 4]), prod, Vector256.LoadUnsafe(ref slot)).StoreUnsafe(ref slot);
                        }
                    }
                }
            }
            for (int r = 0; r < rows; r++)
            {
                var res = w * (Vector256.LoadUnsafe(ref zr, (nuint)(r * 4)) - (one & Vector256.Equals(y, Vector256.Create((double)r))));
                for (int a = 0; a < fe; a++)
                {
                    ref double slot = ref Unsafe.Add(ref g0, (r * fe + a) * 4);
                    Vector256.FusedMultiplyAdd(res, Vector256.LoadUnsafe(ref pv, (nuint)(a * 4)), Vector256.LoadUnsafe(ref slot)).StoreUnsafe(ref slot);
                }
            }
        }
        if (pending > 0) lossAcc += Vector256.Log(sProduct);
        part[0] += Vector256.Sum(lossAcc);
        part[1] += Vector256.Sum(hits);
        Span<double> grad = part.Slice(2, p);
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < f; k++) grad[r * f + k] += HSum(gacc, (r * fe + k) * 4);
            grad[rows * f + r] += HSum(gacc, (r * fe + f) * 4);
        }
        return n4;
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

    private static double HSum(ReadOnlySpan<double> v, int o) => (v[o] + v[o + 1]) + (v[o + 2] + v[o + 3]);

    /// <summary>
    /// Damped Newton: solve (H + λD + μI)·d = −g by Cholesky (μ: a tiny damping, raised only if H is singular, as the
    /// full softmax is along the all-biases direction), then Armijo backtracking along d.
    /// </summary>
    private (int Iterations, bool Converged) Newton(int p)
    {
        double f = EvaluateWithHessian(_theta, _g);
        for (int it = 0; it < Options.MaxIterations; it++)
        {
            double gn = Math.Sqrt(SquaredNorm(_g.AsSpan(0, p)));
            if (!double.IsFinite(f) || !double.IsFinite(gn)) throw new ArithmeticException("the objective became non-finite; check the data scale or add --l2");
            if (gn <= Options.GradientTolerance) return (it, true);
            double mu = 1e-10;
            bool factored = false;
            for (int attempt = 0; attempt < 12 && !factored; attempt++, mu *= 100)
            {
                _hess.AsSpan(0, p * p).CopyTo(_chol);
                for (int k = 0; k < p; k++) _chol[k * p + k] += mu;
                factored = Cholesky.Factor(_chol.AsSpan(0, p * p), p);
            }
            if (!factored) return (it, false);
            TensorPrimitives.Negate(_g.AsSpan(0, p), _q.AsSpan(0, p));
            Cholesky.Solve(_chol.AsSpan(0, p * p), p, _q.AsSpan(0, p), _d.AsSpan(0, p));
            double gd = OrderedDot.Dot(_g.AsSpan(0, p), _d.AsSpan(0, p));
            if (!(gd < 0)) return (it, false);
            // The full step is evaluated with its Hessian: when accepted (the usual case near the optimum) that pass
            // already serves the next iteration.
            double t = 1.0, fNew = double.NaN;
            bool accepted = false, haveHessian = false;
            for (int ls = 0; ls < 60; ls++)
            {
                TensorPrimitives.MultiplyAdd(_d, t, _theta, _xNew);
                haveHessian = ls == 0;
                fNew = haveHessian ? EvaluateWithHessian(_xNew, _gNew) : Evaluate(_xNew, _gNew, out _);
                if (fNew <= f + 1e-4 * t * gd) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted) return (it, false);
            (_theta, _xNew) = (_xNew, _theta);
            (_g, _gNew) = (_gNew, _g);
            f = haveHessian ? fNew : EvaluateWithHessian(_theta, _g);
        }
        return (Options.MaxIterations, Math.Sqrt(SquaredNorm(_g.AsSpan(0, p))) <= Options.GradientTolerance);
    }

    /// <summary>
    /// Minibatch Adam (Kingma &amp; Ba): one block of rows per step, blocks visited in a seeded shuffled order each
    /// epoch; the minibatch gradient is the block's mean loss gradient plus λ·W. After each epoch the full gradient is
    /// checked against the tolerance.
    /// </summary>
    private (int Iterations, bool Converged) Adam(int p)
    {
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        Array.Clear(_adamM); Array.Clear(_adamV);
        int nw = _rows * _features, steps = 0;
        Span<double> g = _gNew.AsSpan(0, p);
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            for (int b = 0; b < _blocks; b++) _order[b] = b;
            for (int b = _blocks - 1; b > 0; b--)   // Fisher–Yates with counter-based draws
            {
                int j = (int)(Random.CounterRng.Bits(Options.Seed, (ulong)epoch, (ulong)b, 0xADA) % (ulong)(b + 1));
                (_order[b], _order[j]) = (_order[j], _order[b]);
            }
            for (int k = 0; k < _blocks; k++)
            {
                int block = _order[k];
                _evalTheta = _theta;
                ExecuteChunk(block);
                ReadOnlySpan<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
                double rows = Math.Min(_n, (block + 1) * BlockRows) - block * BlockRows;
                double wsum = rows;
                if (_weighted) { wsum = 0; for (int i = block * BlockRows; i < block * BlockRows + rows; i++) wsum += _w[i]; }
                if (!(wsum > 0)) continue;
                TensorPrimitives.Multiply(part.Slice(2, p), 1.0 / wsum, g);
                if (Options.L2 > 0) TensorPrimitives.MultiplyAdd(_theta.AsSpan(0, nw), Options.L2, g[..nw], g[..nw]);
                steps++;
                double c1 = 1 - Math.Pow(b1, steps), c2 = 1 - Math.Pow(b2, steps);
                for (int i = 0; i < p; i++)
                {
                    _adamM[i] = b1 * _adamM[i] + (1 - b1) * g[i];
                    _adamV[i] = b2 * _adamV[i] + (1 - b2) * g[i] * g[i];
                    _theta[i] -= Options.LearningRate * (_adamM[i] / c1) / (Math.Sqrt(_adamV[i] / c2) + eps);
                }
            }
            Evaluate(_theta, _g, out _);
            if (Math.Sqrt(SquaredNorm(_g.AsSpan(0, p))) <= Options.GradientTolerance) return (epoch + 1, true);
        }
        return (Options.Epochs, false);
    }

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
        TensorPrimitives.Multiply(h, 1.0 / _weightSum, h);
        for (int k = 0; k < _rows * _features; k++) h[k * p + k] += Options.L2;
        return f;
    }

    private void AccumulateGradient(Span<double> part, double[][] residual, int first, int r0, int len)
    {
        Span<double> grad = part[2..];
        for (int r = 0; r < _rows; r++)
        {
            ReadOnlySpan<double> g = residual[r + first].AsSpan(0, len);
            for (int k = 0; k < _features; k++) grad[r * _features + k] += OrderedDot.Dot(g, _phi[k].AsSpan(r0, len));
            grad[_rows * _features + r] += OrderedDot.Sum(g);
        }
    }

    private (int Iterations, bool Converged) Lbfgs(int p)
    {
        int mem = Options.LbfgsMemory, stored = 0, head = 0;
        double f = Evaluate(_theta, _g, out _);
        for (int it = 0; it < Options.MaxIterations; it++)
        {
            double gn = Math.Sqrt(SquaredNorm(_g.AsSpan(0, p)));
            if (!double.IsFinite(f) || !double.IsFinite(gn)) throw new ArithmeticException("the objective became non-finite; check the data scale or add --l2");
            if (gn <= Options.GradientTolerance) return (it, true);

            // Two-loop recursion: d = −H·g.
            _g.AsSpan(0, p).CopyTo(_q);
            for (int k = 0; k < stored; k++)
            {
                int i = (head - 1 - k + mem) % mem;
                _alpha[i] = _rho[i] * OrderedDot.Dot(_s[i], _q);
                TensorPrimitives.MultiplyAdd(_yy[i], -_alpha[i], _q, _q);
            }
            if (stored > 0)
            {
                int last = (head - 1 + mem) % mem;
                double gamma = OrderedDot.Dot(_s[last], _yy[last]) / OrderedDot.Dot(_yy[last], _yy[last]);
                TensorPrimitives.Multiply(_q, gamma, _q);
            }
            for (int k = stored - 1; k >= 0; k--)
            {
                int i = (head - 1 - k + mem) % mem;
                double beta = _rho[i] * OrderedDot.Dot(_yy[i], _q);
                TensorPrimitives.MultiplyAdd(_s[i], _alpha[i] - beta, _q, _q);
            }
            TensorPrimitives.Negate(_q, _d);
            double gd = OrderedDot.Dot(_g, _d);
            if (!(gd < 0))
            {
                TensorPrimitives.Negate(_g, _d);
                gd = -gn * gn;
                stored = 0;
            }

            // Armijo backtracking; the first step is scaled so that it moves at most 1 in norm.
            double t = stored == 0 ? Math.Min(1.0, 1.0 / gn) : 1.0, fNew = double.NaN;
            bool accepted = false;
            for (int ls = 0; ls < 60; ls++)
            {
                TensorPrimitives.MultiplyAdd(_d, t, _theta, _xNew);
                fNew = Evaluate(_xNew, _gNew, out _);
                if (fNew <= f + 1e-4 * t * gd) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted) return (it, false); // no decrease possible at double precision

            TensorPrimitives.Subtract(_xNew, _theta, _s[head]);
            TensorPrimitives.Subtract(_gNew, _g, _yy[head]);
            double sy = OrderedDot.Dot(_s[head], _yy[head]);
            if (sy > 1e-300)
            {
                _rho[head] = 1.0 / sy;
                head = (head + 1) % mem;
                stored = Math.Min(stored + 1, mem);
            }
            (_theta, _xNew) = (_xNew, _theta);
            (_g, _gNew) = (_gNew, _g);
            f = fNew;
        }
        return (Options.MaxIterations, Math.Sqrt(SquaredNorm(_g.AsSpan(0, p))) <= Options.GradientTolerance);
    }

    /// <summary>
    /// Ridge regression in closed form: (XᵀWX/Σw + (λ/2)·D)·θ = XᵀWy/Σw with X = [φ, 1] and D = diag(1…1, 0), solved by
    /// Cholesky. Each entry of the normal matrix is one dot product over all rows, so the result is thread-independent.
    /// </summary>
    private void SolveRidge()
    {
        int f = _features, p = f + 1;
        double inv = 1.0 / _weightSum;
        Span<double> a = _chol.AsSpan(0, p * p);
        Span<double> rhs = _q.AsSpan(0, p);
        double[] tmp = EnsureScratch();
        for (int k = 0; k <= f; k++)
        {
            ReadOnlySpan<double> xk = k < f ? _phi[k].AsSpan(0, _n) : default;
            Span<double> wxk = tmp.AsSpan(0, _n);
            if (k < f) { if (_weighted) TensorPrimitives.Multiply(xk, _w.AsSpan(0, _n), wxk); else xk.CopyTo(wxk); }
            else { if (_weighted) _w.AsSpan(0, _n).CopyTo(wxk); else wxk.Fill(1.0); }
            for (int l = 0; l <= k; l++)
            {
                double v = l < f ? OrderedDot.Dot(wxk, _phi[l].AsSpan(0, _n)) : OrderedDot.Sum(wxk);
                a[k * p + l] = a[l * p + k] = v * inv;
            }
            rhs[k] = OrderedDot.Dot(wxk, _y.AsSpan(0, _n)) * inv;
        }
        for (int k = 0; k < f; k++) a[k * p + k] += 0.5 * Options.L2;
        if (!Cholesky.Factor(a, p)) throw new ArithmeticException("the normal equations are singular: features are collinear; add --l2");
        Cholesky.Solve(a, p, rhs, _theta.AsSpan(0, p));
    }

    private double[] _ridgeScratch = [];
    private double[] EnsureScratch()
    {
        if (_ridgeScratch.Length < _n) _ridgeScratch = new double[Math.Max(_n, _z.Length > 0 ? _z[0].Length : _n)];
        return _ridgeScratch;
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
