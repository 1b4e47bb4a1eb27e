using System.Numerics.Tensors;

namespace FastIL.Learning;

// L-BFGS with a backtracking line search (any differentiable objective).
public sealed partial class Trainer
{
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
}
