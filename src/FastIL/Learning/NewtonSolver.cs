
namespace FastIL.Learning;

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
    /// <paramref name="x"/> and <paramref name="g"/> (the four arrays are swapped, not copied). With
    /// <paramref name="skipFinalHessian"/>, a step whose gradient is predicted to meet the tolerance is evaluated
    /// without its Hessian (the solve ends there and does not need it): the same iterates, one Hessian pass fewer. The
    /// trainer asks for it where nothing after the solve reuses that evaluation's Hessian.
    /// </summary>
    public (int Iterations, bool Converged) Minimize(IObjective objective, int p, ref double[] x, ref double[] g, ref double[] xNew, ref double[] gNew,
        int maxIterations, double tolerance, bool skipFinalHessian = false)
    {
        if (_d.Length != p) { _chol = new double[p * p]; _q = new double[p]; _d = new double[p]; }
        double f = objective.ValueWithHessian(x, g);
        double previousNorm = double.NaN;
        for (int it = 0; it < maxIterations; it++)
        {
            double gn = Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p)));
            if (!double.IsFinite(f) || !double.IsFinite(gn)) throw new ArithmeticException("the objective became non-finite; check the data scale or add --l2");
            if (gn <= tolerance) return (it, true);
            // Near the optimum Newton converges quadratically, ‖g⁺‖ ≈ K‖g‖², with K estimated from the last step. When
            // the next gradient is predicted well below the tolerance, its evaluation skips the Hessian, which the
            // solve will not need; a wrong guess costs one Hessian pass at the accepted point (below), never a
            // different iterate.
            bool predictConverged = skipFinalHessian && previousNorm > 0 && gn / (previousNorm * previousNorm) * gn * gn <= 0.01 * tolerance;
            previousNorm = gn;
            double mu = 1e-10;
            bool factored = false;
            for (int attempt = 0; attempt < 12 && !factored; attempt++, mu *= 100)
            {
                objective.Hessian[..(p * p)].CopyTo(_chol);
                for (int k = 0; k < p; k++) _chol[k * p + k] += mu;
                factored = Cholesky.Factor(_chol.AsSpan(0, p * p), p);
            }
            if (!factored) return (it, false);
            ParameterOps.Negate(g.AsSpan(0, p), _q.AsSpan(0, p));
            Cholesky.Solve(_chol.AsSpan(0, p * p), p, _q.AsSpan(0, p), _d.AsSpan(0, p));
            double gd = OrderedDot.Dot(g.AsSpan(0, p), _d.AsSpan(0, p));
            if (!(gd < 0)) return (it, false);
            // The full step is evaluated with its Hessian: when accepted (the usual case near the optimum) that pass
            // already serves the next iteration, unless that iteration is predicted not to need one.
            double t = 1.0, fNew = double.NaN;
            bool accepted = false, haveHessian = false;
            for (int ls = 0; ls < 60; ls++)
            {
                ParameterOps.MultiplyAdd(_d, t, x, xNew);
                haveHessian = ls == 0 && !predictConverged;
                fNew = haveHessian ? objective.ValueWithHessian(xNew, gNew) : objective.Value(xNew, gNew);
                if (fNew <= f + 1e-4 * t * gd) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted) return (it, false);
            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            // Converged without the Hessian: done, when allowed (the next iteration would return before using it).
            if (skipFinalHessian && !haveHessian && double.IsFinite(fNew) && Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p))) <= tolerance)
                return (it + 1, true);
            f = haveHessian ? fNew : objective.ValueWithHessian(x, g);
        }
        return (maxIterations, Math.Sqrt(OrderedDot.Dot(g.AsSpan(0, p), g.AsSpan(0, p))) <= tolerance);
    }
}
