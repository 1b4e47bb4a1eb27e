using System.Numerics.Tensors;

namespace FastIL.Learning;

/// <summary>A twice-differentiable objective over p parameters, as the solvers see it (the trainer is one).</summary>
internal interface IObjective
{
    /// <summary>f(x); its gradient into <paramref name="g"/>.</summary>
    double Value(double[] x, double[] g);
    /// <summary>f(x); its gradient into <paramref name="g"/> and its Hessian into <see cref="Hessian"/>.</summary>
    double ValueWithHessian(double[] x, double[] g);
    /// <summary>The Hessian (p×p, row-major) of the last <see cref="ValueWithHessian"/> call.</summary>
    ReadOnlySpan<double> Hessian { get; }
}

/// <summary>
/// Damped Newton: solve (H + μI)·d = −g by Cholesky (μ: a tiny damping, raised only if H is singular, as the full
/// softmax's is along the all-biases direction), then Armijo backtracking along d. Its scratch grows once and is kept,
/// so a solve allocates nothing after the first of a size.
/// </summary>
internal sealed class NewtonSolver
{
    private double[] _chol = [], _q = [], _d = [];

    /// <summary>
    /// Minimizes from <paramref name="x"/> (gradient <paramref name="g"/>): the iterate and its gradient end in
    /// <paramref name="x"/> and <paramref name="g"/> (the four arrays are swapped, not copied).
    /// </summary>
    public (int Iterations, bool Converged) Minimize(IObjective objective, int p, ref double[] x, ref double[] g, ref double[] xNew, ref double[] gNew,
        int maxIterations, double tolerance)
    {
        if (_d.Length != p) { _chol = new double[p * p]; _q = new double[p]; _d = new double[p]; }
        double f = objective.ValueWithHessian(x, g);
        for (int it = 0; it < maxIterations; it++)
        {
            double gn = Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p)));
            if (!double.IsFinite(f) || !double.IsFinite(gn)) throw new ArithmeticException("the objective became non-finite; check the data scale or add --l2");
            if (gn <= tolerance) return (it, true);
            double mu = 1e-10;
            bool factored = false;
            for (int attempt = 0; attempt < 12 && !factored; attempt++, mu *= 100)
            {
                objective.Hessian[..(p * p)].CopyTo(_chol);
                for (int k = 0; k < p; k++) _chol[k * p + k] += mu;
                factored = Cholesky.Factor(_chol.AsSpan(0, p * p), p);
            }
            if (!factored) return (it, false);
            TensorPrimitives.Negate(g.AsSpan(0, p), _q.AsSpan(0, p));
            Cholesky.Solve(_chol.AsSpan(0, p * p), p, _q.AsSpan(0, p), _d.AsSpan(0, p));
            double gd = OrderedDot.Dot(g.AsSpan(0, p), _d.AsSpan(0, p));
            if (!(gd < 0)) return (it, false);
            // The full step is evaluated with its Hessian: when accepted (the usual case near the optimum) that pass
            // already serves the next iteration.
            double t = 1.0, fNew = double.NaN;
            bool accepted = false, haveHessian = false;
            for (int ls = 0; ls < 60; ls++)
            {
                TensorPrimitives.MultiplyAdd(_d, t, x, xNew);
                haveHessian = ls == 0;
                fNew = haveHessian ? objective.ValueWithHessian(xNew, gNew) : objective.Value(xNew, gNew);
                if (fNew <= f + 1e-4 * t * gd) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted) return (it, false);
            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            f = haveHessian ? fNew : objective.ValueWithHessian(x, g);
        }
        return (maxIterations, Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p))) <= tolerance);
    }
}

/// <summary>
/// L-BFGS (two-loop recursion over the last <c>memory</c> pairs) with Armijo backtracking; the first step is scaled to
/// move at most 1 in norm. Scratch grows once and is kept.
/// </summary>
internal sealed class LbfgsSolver(int memory)
{
    private double[] _d = [], _q = [], _rho = [], _alpha = [];
    private double[][] _s = [], _yy = [];

    /// <summary>Minimizes from <paramref name="x"/>; as <see cref="NewtonSolver.Minimize"/>, the arrays are swapped.</summary>
    public (int Iterations, bool Converged) Minimize(IObjective objective, int p, ref double[] x, ref double[] g, ref double[] xNew, ref double[] gNew,
        int maxIterations, double tolerance)
    {
        int mem = memory, stored = 0, head = 0;
        if (_d.Length != p || _s.Length != mem)
        {
            _d = new double[p]; _q = new double[p];
            _s = new double[mem][]; _yy = new double[mem][];
            for (int i = 0; i < mem; i++) { _s[i] = new double[p]; _yy[i] = new double[p]; }
            _rho = new double[mem]; _alpha = new double[mem];
        }
        double f = objective.Value(x, g);
        for (int it = 0; it < maxIterations; it++)
        {
            double gn = Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p)));
            if (!double.IsFinite(f) || !double.IsFinite(gn)) throw new ArithmeticException("the objective became non-finite; check the data scale or add --l2");
            if (gn <= tolerance) return (it, true);

            // Two-loop recursion: d = −H·g.
            g.AsSpan(0, p).CopyTo(_q);
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
            double gd = OrderedDot.Dot(g, _d);
            if (!(gd < 0))
            {
                TensorPrimitives.Negate(g, _d);
                gd = -gn * gn;
                stored = 0;
            }

            // Armijo backtracking; the first step is scaled so that it moves at most 1 in norm.
            double t = stored == 0 ? Math.Min(1.0, 1.0 / gn) : 1.0, fNew = double.NaN;
            bool accepted = false;
            for (int ls = 0; ls < 60; ls++)
            {
                TensorPrimitives.MultiplyAdd(_d, t, x, xNew);
                fNew = objective.Value(xNew, gNew);
                if (fNew <= f + 1e-4 * t * gd) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted) return (it, false); // no decrease possible at double precision

            TensorPrimitives.Subtract(xNew, x, _s[head]);
            TensorPrimitives.Subtract(gNew, g, _yy[head]);
            double sy = OrderedDot.Dot(_s[head], _yy[head]);
            if (sy > 1e-300)
            {
                _rho[head] = 1.0 / sy;
                head = (head + 1) % mem;
                stored = Math.Min(stored + 1, mem);
            }
            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            f = fNew;
        }
        return (maxIterations, Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p))) <= tolerance);
    }
}
