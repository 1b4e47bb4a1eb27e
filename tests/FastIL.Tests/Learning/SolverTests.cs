using FastIL.Learning;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>The solvers alone, on objectives whose minimizer is known in closed form.</summary>
public class SolverTests
{
    /// <summary>f(x) = ½ xᵀAx − bᵀx, so ∇f = Ax − b, ∇²f = A and the minimizer solves Ax = b.</summary>
    private sealed class Quadratic(double[,] a, double[] b) : IObjective
    {
        private readonly int _p = b.Length;
        private readonly double[] _h = new double[b.Length * b.Length];
        public int Evaluations { get; private set; }

        public double Value(double[] x, double[] g)
        {
            Evaluations++;
            double f = 0;
            for (int i = 0; i < _p; i++)
            {
                double ax = 0;
                for (int j = 0; j < _p; j++) ax += a[i, j] * x[j];
                g[i] = ax - b[i];
                f += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return f;
        }

        public double ValueWithHessian(double[] x, double[] g)
        {
            for (int i = 0; i < _p; i++) for (int j = 0; j < _p; j++) _h[i * _p + j] = a[i, j];
            return Value(x, g);
        }

        public ReadOnlySpan<double> Hessian => _h;
    }

    // A symmetric positive definite matrix with eigenvalues spread over [1, condition].
    private static double[,] Spd(int p, double condition, int seed)
    {
        var rng = new System.Random(seed);
        var q = new double[p, p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) q[i, j] = rng.NextDouble() - 0.5;
        // Gram–Schmidt: an orthonormal basis.
        for (int k = 0; k < p; k++)
        {
            for (int m = 0; m < k; m++)
            {
                double d = 0;
                for (int i = 0; i < p; i++) d += q[i, k] * q[i, m];
                for (int i = 0; i < p; i++) q[i, k] -= d * q[i, m];
            }
            double n = 0;
            for (int i = 0; i < p; i++) n += q[i, k] * q[i, k];
            n = Math.Sqrt(n);
            for (int i = 0; i < p; i++) q[i, k] /= n;
        }
        var a = new double[p, p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                for (int k = 0; k < p; k++)
                    a[i, j] += q[i, k] * Math.Pow(condition, (double)k / (p - 1)) * q[j, k];
        return a;
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int p = b.Length;
        var l = new double[p * p];
        for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) l[i * p + j] = a[i, j];
        Assert.True(Cholesky.Factor(l, p));
        var x = new double[p];
        Cholesky.Solve(l, p, b, x);
        return x;
    }

    private static (double[] X, int Iterations, bool Converged) Run(bool newton, Quadratic f, int p, double tolerance)
    {
        double[] x = new double[p], g = new double[p], xNew = new double[p], gNew = new double[p];
        var (it, ok) = newton
            ? new NewtonSolver().Minimize(f, p, ref x, ref g, ref xNew, ref gNew, 100, tolerance)
            : new LbfgsSolver(10).Minimize(f, p, ref x, ref g, ref xNew, ref gNew, 1000, tolerance);
        return (x, it, ok);
    }

    [Theory]
    [InlineData(true, 6, 10.0), InlineData(true, 12, 1e4), InlineData(false, 6, 10.0), InlineData(false, 12, 100.0)]
    public void Minimize_AQuadratic_ReachesItsClosedFormMinimizer(bool newton, int p, double condition)
    {
        var a = Spd(p, condition, p);
        var b = new double[p];
        for (int i = 0; i < p; i++) b[i] = Math.Sin(i + 1);
        var f = new Quadratic(a, b);
        // L-BFGS's Armijo test needs f to change at double precision: near the optimum of an ill-conditioned problem a
        // gradient of 1e-10 is below that, so it gets the trainer's default tolerance.
        double tolerance = newton ? 1e-10 : 1e-7;
        var (x, iterations, converged) = Run(newton, f, p, tolerance);
        var g = new double[p];
        f.Value(x, g);
        Assert.True(converged, $"{iterations} iterations, ‖∇f‖ = {Math.Sqrt(g.Sum(v => v * v)):G3}");
        double[] expected = Solve(a, b);
        // ‖x − x*‖ ≤ ‖∇f(x)‖ / λ_min, and λ_min = 1 here.
        for (int i = 0; i < p; i++) Assert.True(Math.Abs(x[i] - expected[i]) <= 2 * tolerance, $"x[{i}] = {x[i]:R}, expected {expected[i]:R}");
        // Newton's first step lands on the minimizer of a quadratic; the second evaluation confirms it.
        if (newton) Assert.Equal(1, iterations);
        else Assert.True(iterations <= 20 * p, $"{iterations} L-BFGS iterations");
    }

    [Fact]
    public void Newton_OnASingularHessian_DampsAndStillReachesAMinimizer()
    {
        // A = diag(2, 0): f depends on x₀ only; b in A's range.
        var f = new Quadratic(new double[,] { { 2, 0 }, { 0, 0 } }, [4, 0]);
        var (x, _, converged) = Run(true, f, 2, 1e-10);
        Assert.True(converged);
        Assert.Equal(2.0, x[0], 12);
    }

    [Fact]
    public void Solvers_RefuseANonFiniteObjective()
    {
        var f = new Quadratic(new double[,] { { 1, 0 }, { 0, 1 } }, [double.NaN, 0]);
        Assert.Throws<ArithmeticException>(() => Run(true, f, 2, 1e-10));
        Assert.Throws<ArithmeticException>(() => Run(false, f, 2, 1e-10));
    }

    [Fact]
    public void ASolve_AllocatesNothing_AfterTheFirstOfASize()
    {
        var f = new Quadratic(Spd(5, 100, 3), [1, 2, 3, 4, 5]);
        double[] x = new double[5], g = new double[5], xNew = new double[5], gNew = new double[5];
        var newton = new NewtonSolver();
        var lbfgs = new LbfgsSolver(10);
        newton.Minimize(f, 5, ref x, ref g, ref xNew, ref gNew, 100, 1e-10);
        lbfgs.Minimize(f, 5, ref x, ref g, ref xNew, ref gNew, 100, 1e-10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Array.Clear(x);
        newton.Minimize(f, 5, ref x, ref g, ref xNew, ref gNew, 100, 1e-10);
        Array.Clear(x);
        lbfgs.Minimize(f, 5, ref x, ref g, ref xNew, ref gNew, 100, 1e-10);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>
    /// f(x) = Σᵢ log cosh(xᵢ − cᵢ) + ½‖x‖²·λ: smooth, strictly convex and not quadratic, so Newton converges
    /// quadratically over several iterations. Counts the evaluations with and without the Hessian.
    /// </summary>
    private sealed class LogCosh(double[] c, double lambda) : IObjective
    {
        private readonly double[] _h = new double[c.Length * c.Length];
        public int HessianEvaluations { get; private set; }
        public int PlainEvaluations { get; private set; }

        public double Value(double[] x, double[] g) { PlainEvaluations++; return Eval(x, g, false); }
        public double ValueWithHessian(double[] x, double[] g) { HessianEvaluations++; return Eval(x, g, true); }
        public ReadOnlySpan<double> Hessian => _h;

        private double Eval(double[] x, double[] g, bool hessian)
        {
            int p = c.Length;
            double f = 0;
            if (hessian) Array.Clear(_h);
            for (int i = 0; i < p; i++)
            {
                double d = x[i] - c[i], t = Math.Tanh(d);
                f += Math.Log(Math.Cosh(d)) + 0.5 * lambda * x[i] * x[i];
                g[i] = t + lambda * x[i];
                if (hessian) _h[i * p + i] = 1 - t * t + lambda;
            }
            return f;
        }
    }

    [Fact]
    public void Newton_SkipsTheHessianOfAPredictedFinalStep_WithTheSameIterates()
    {
        double[] c = [0.9, -0.6, 1.1, 0.3];
        (double[] X, int Iterations, LogCosh F) Solve(bool skip)
        {
            var f = new LogCosh(c, 0.1);
            double[] x = new double[4], g = new double[4], xNew = new double[4], gNew = new double[4];
            var (iterations, converged) = new NewtonSolver().Minimize(f, 4, ref x, ref g, ref xNew, ref gNew, 50, 1e-9, skipFinalHessian: skip);
            Assert.True(converged);
            return (x, iterations, f);
        }
        var plain = Solve(skip: false);
        var skipping = Solve(skip: true);
        Assert.True(plain.Iterations >= 3);   // enough steps for the convergence rate to be estimated
        Assert.Equal(plain.Iterations, skipping.Iterations);
        Assert.Equal(plain.X, skipping.X);
        Assert.Equal(plain.F.HessianEvaluations - 1, skipping.F.HessianEvaluations);
        Assert.Equal(plain.F.PlainEvaluations + 1, skipping.F.PlainEvaluations);
    }
}
