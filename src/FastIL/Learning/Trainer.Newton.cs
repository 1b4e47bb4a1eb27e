using System.Numerics.Tensors;

namespace FastIL.Learning;

// Damped Newton with Armijo backtracking (discrete policies, few parameters): the solver auto picks up to 32 parameters.
public sealed partial class Trainer
{
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
}
