
namespace FastIL.Learning;

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
                ParameterOps.MultiplyAdd(_yy[i], -_alpha[i], _q, _q);
            }
            if (stored > 0)
            {
                int last = (head - 1 + mem) % mem;
                double gamma = OrderedDot.Dot(_s[last], _yy[last]) / OrderedDot.Dot(_yy[last], _yy[last]);
                ParameterOps.Multiply(_q, gamma, _q);
            }
            for (int k = stored - 1; k >= 0; k--)
            {
                int i = (head - 1 - k + mem) % mem;
                double beta = _rho[i] * OrderedDot.Dot(_yy[i], _q);
                ParameterOps.MultiplyAdd(_s[i], _alpha[i] - beta, _q, _q);
            }
            ParameterOps.Negate(_q, _d);
            double gd = OrderedDot.Dot(g, _d);
            if (!(gd < 0))
            {
                ParameterOps.Negate(g, _d);
                gd = -gn * gn;
                stored = 0;
            }

            // Armijo backtracking; the first step is scaled so that it moves at most 1 in norm.
            double t = stored == 0 ? Math.Min(1.0, 1.0 / gn) : 1.0, fNew = double.NaN;
            bool accepted = false;
            for (int ls = 0; ls < 60; ls++)
            {
                ParameterOps.MultiplyAdd(_d, t, x, xNew);
                fNew = objective.Value(xNew, gNew);
                if (fNew <= f + 1e-4 * t * gd) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted) return (it, false); // no decrease possible at double precision

            ParameterOps.Subtract(xNew, x, _s[head]);
            ParameterOps.Subtract(gNew, g, _yy[head]);
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
