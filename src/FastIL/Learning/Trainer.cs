using System.Numerics.Tensors;
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
public sealed class Trainer : IChunkJob, IDisposable
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

        Solver solver = Options.Solver;
        if (solver == Solver.Auto)
            solver = _kind == PolicyKind.Linear ? Solver.Cholesky
                : p <= Options.NewtonMaxParameters && _entWeight == 0 && !Options.ScalarReference ? Solver.Newton : Solver.Lbfgs;
        if (solver == Solver.Cholesky && _kind != PolicyKind.Linear) throw new ArgumentException("the Cholesky solver fits linear (mean squared error) policies only");
        if (solver == Solver.Newton && (_kind == PolicyKind.Linear || _entWeight != 0 || Options.ScalarReference)) throw new ArgumentException("the Newton solver fits discrete policies without an entropy bonus (SIMD kernel only)");
        UsedSolver = solver;

        int iterations;
        bool converged;
        if (solver == Solver.Cholesky) { SolveRidge(); iterations = 1; converged = true; }
        else if (solver == Solver.Newton) (iterations, converged) = Newton(p);
        else (iterations, converged) = Lbfgs(p);

        double f = Evaluate(_theta, _g, out double correct);
        double gn = Math.Sqrt(TensorPrimitives.Dot<double>(_g.AsSpan(0, p), _g.AsSpan(0, p)));
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
        if (ReferenceEquals(_phi, _z)) _phi = [];
        Grow(ref _z, d, cap);
        _phi = policy.Features.Kind == FeatureKind.Identity ? _z : GrowFresh(_phi, _features, cap);

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
        for (int j = 0; j < d; j++)
        {
            ReadOnlySpan<float> x = data.Column(j);
            Span<double> z = _z[j].AsSpan(0, _n);
            double mu = policy.Standardize ? policy.Mean[j] : 0, inv = policy.Standardize ? 1.0 / policy.Std[j] : 1.0;
            for (int i = 0; i < _n; i++) z[i] = (x[i] - mu) * inv;
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
        }
    }

    private static void Grow(ref double[][] cols, int count, int cap)
    {
        if (cols.Length != count) cols = new double[count][];
        for (int j = 0; j < count; j++) if (cols[j] is null || cols[j].Length < cap) cols[j] = new double[cap];
    }

    private static double[][] GrowFresh(double[][] cols, int count, int cap)
    {
        Grow(ref cols, count, cap);
        return cols;
    }

    private static void GrowArray<TE>(ref TE[] a, int cap)
    {
        if (a.Length < cap) a = new TE[cap];
    }

    private static double SquaredNorm(ReadOnlySpan<double> v) => TensorPrimitives.Dot(v, v);

    private double[] _evalTheta = [];
    private double[] _hess = [];
    private bool _withHessian;

    /// <summary>Objective at θ, gradient into <paramref name="grad"/>; also the count of correctly predicted rows.</summary>
    private double Evaluate(double[] theta, double[] grad, out double correct)
    {
        _evalTheta = theta;
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
        return loss * inv + 0.5 * lambda * SquaredNorm(theta.AsSpan(0, nw));
    }

    /// <summary>One block of rows: partial loss, correct count and gradient (called by the worker pool).</summary>
    public void ExecuteChunk(int block)
    {
        if (Options.ScalarReference) { ExecuteChunkScalar(block); return; }
        int r0 = block * BlockRows, len = Math.Min(_n, r0 + BlockRows) - r0;
        double[] theta = _evalTheta;
        Span<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
        part.Clear();
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
                part[0] = TensorPrimitives.Dot(s, res);
                TensorPrimitives.Multiply(s, 2.0, res);
            }
            else
            {
                part[0] = TensorPrimitives.Dot(res, res);
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
        loss = _weighted ? TensorPrimitives.Dot(s, _w.AsSpan(r0, len)) : TensorPrimitives.Sum<double>(s);

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
        part[0] = loss;
        part[1] = correct;
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

    [ThreadStatic] private static double[]? t_c, t_tmp;

    /// <summary>
    /// Adds this block's Hessian of the summed NLL: for free rows r, s and extended features a, b (φ and the bias 1),
    /// H[(r,a),(s,b)] += Σ_i w_i·(p_r·[r = s] − p_r·p_s)·φ_a·φ_b. Stored row-major over the parameter order
    /// (weights row by row, then biases).
    /// </summary>
    private void AccumulateHessian(Span<double> part, double[][] prob, int first, int classes, int r0, int len)
    {
        int p = _rows * _features + _rows, f = _features;
        Span<double> h = part.Slice(2 + p, p * p);
        t_c ??= new double[BlockRows];
        t_tmp ??= new double[BlockRows];
        Span<double> c = t_c.AsSpan(0, len), tmp = t_tmp.AsSpan(0, len);
        for (int r = 0; r < _rows; r++)
            for (int s2 = r; s2 < _rows; s2++)
            {
                ReadOnlySpan<double> pr = prob[r + first].AsSpan(0, len), ps = prob[s2 + first].AsSpan(0, len);
                TensorPrimitives.Multiply(pr, ps, c);
                TensorPrimitives.Negate(c, c);
                if (r == s2) TensorPrimitives.Add(c, pr, c);
                if (_weighted) TensorPrimitives.Multiply(c, _w.AsSpan(r0, len), c);
                for (int a = 0; a <= f; a++)
                {
                    if (a < f) TensorPrimitives.Multiply(c, _phi[a].AsSpan(r0, len), tmp); else c.CopyTo(tmp);
                    int ia = a < f ? r * f + a : _rows * f + r;
                    for (int b = 0; b <= f; b++)
                    {
                        int ib = b < f ? s2 * f + b : _rows * f + s2;
                        if (r == s2 && b < a) continue; // symmetric within a diagonal block
                        double v = b < f ? TensorPrimitives.Dot(tmp, _phi[b].AsSpan(r0, len)) : TensorPrimitives.Sum<double>(tmp);
                        h[ia * p + ib] = v;
                        h[ib * p + ia] = v;
                    }
                }
            }
    }

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
            double gd = TensorPrimitives.Dot<double>(_g.AsSpan(0, p), _d.AsSpan(0, p));
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
            for (int k = 0; k < _features; k++) grad[r * _features + k] = TensorPrimitives.Dot(g, _phi[k].AsSpan(r0, len));
            grad[_rows * _features + r] = TensorPrimitives.Sum(g);
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
                _alpha[i] = _rho[i] * TensorPrimitives.Dot<double>(_s[i], _q);
                TensorPrimitives.MultiplyAdd(_yy[i], -_alpha[i], _q, _q);
            }
            if (stored > 0)
            {
                int last = (head - 1 + mem) % mem;
                double gamma = TensorPrimitives.Dot<double>(_s[last], _yy[last]) / TensorPrimitives.Dot<double>(_yy[last], _yy[last]);
                TensorPrimitives.Multiply(_q, gamma, _q);
            }
            for (int k = stored - 1; k >= 0; k--)
            {
                int i = (head - 1 - k + mem) % mem;
                double beta = _rho[i] * TensorPrimitives.Dot<double>(_yy[i], _q);
                TensorPrimitives.MultiplyAdd(_s[i], _alpha[i] - beta, _q, _q);
            }
            TensorPrimitives.Negate(_q, _d);
            double gd = TensorPrimitives.Dot<double>(_g, _d);
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
            double sy = TensorPrimitives.Dot<double>(_s[head], _yy[head]);
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
                double v = l < f ? TensorPrimitives.Dot(wxk, _phi[l].AsSpan(0, _n)) : TensorPrimitives.Sum<double>(wxk);
                a[k * p + l] = a[l * p + k] = v * inv;
            }
            rhs[k] = TensorPrimitives.Dot(wxk, _y.AsSpan(0, _n)) * inv;
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
    public void Dispose() => _pool?.Dispose();
}
