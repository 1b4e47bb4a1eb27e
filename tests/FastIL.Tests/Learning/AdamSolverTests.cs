using FastIL.Learning;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>Minibatch Adam alone, on a block objective whose minimizer is known in closed form.</summary>
public class AdamSolverTests
{
    /// <summary>
    /// f(x) = (1/B) Σ_b ½ (x − c_b)ᵀ D (x − c_b) with D diagonal: block b's gradient is D(x − c_b), the full gradient
    /// D(x − c̄), so the minimizer is the mean centre c̄. Blocks listed in <paramref name="empty"/> carry no weight.
    /// </summary>
    private sealed class BlockQuadratic(double[] diagonal, double[][] centres, int[]? empty = null) : IBlockObjective
    {
        private readonly double[] _h = new double[diagonal.Length * diagonal.Length];
        public List<int> Visited { get; } = new(1024);

        public int Blocks => centres.Length;
        public ReadOnlySpan<double> Hessian => _h;

        public bool BlockGradient(double[] x, int block, Span<double> g)
        {
            if (empty is not null && Array.IndexOf(empty, block) >= 0) return false;
            if (Visited.Count < Visited.Capacity) Visited.Add(block);
            for (int i = 0; i < x.Length; i++) g[i] = diagonal[i] * (x[i] - centres[block][i]);
            return true;
        }

        public double Value(double[] x, double[] g)
        {
            double f = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double mean = 0;
                for (int b = 0; b < centres.Length; b++) mean += centres[b][i];
                mean /= centres.Length;
                g[i] = diagonal[i] * (x[i] - mean);
                for (int b = 0; b < centres.Length; b++) f += 0.5 * diagonal[i] * (x[i] - centres[b][i]) * (x[i] - centres[b][i]) / centres.Length;
            }
            return f;
        }

        public double ValueWithHessian(double[] x, double[] g) => throw new NotSupportedException();
    }

    private static double[][] Centres(int blocks, int p, double spread)
    {
        var c = new double[blocks][];
        for (int b = 0; b < blocks; b++)
        {
            c[b] = new double[p];
            for (int i = 0; i < p; i++) c[b][i] = 1.0 + 0.5 * i + spread * Math.Sin(7.0 * b + i);
        }
        return c;
    }

    private static (double[] X, int Epochs, bool Converged) Solve(BlockQuadratic f, int p, int epochs, double rate, ulong seed, double tolerance, AdamSolver? solver = null)
    {
        double[] x = new double[p], g = new double[p], scratch = new double[p];
        var (it, ok) = (solver ?? new AdamSolver()).Minimize(f, p, x, g, scratch, epochs, rate, seed, tolerance);
        return (x, it, ok);
    }

    [Fact]
    public void Minimize_IdenticalBlocks_ReachesTheMinimizer_AndReportsTheFullGradient()
    {
        // Every block the same quadratic (no minibatch noise), conditioned 1:100: Adam's steps shrink as its second
        // moment outlasts the gradient, and it meets a tight tolerance.
        double[] diagonal = [1, 10, 100];
        var centres = Centres(8, 3, spread: 0);
        var f = new BlockQuadratic(diagonal, centres);
        var (x, epochs, converged) = Solve(f, 3, epochs: 2000, rate: 0.05, seed: 1, tolerance: 1e-6);
        Assert.True(converged, $"not converged in {epochs} epochs: x = [{string.Join(", ", x)}]");
        Assert.True(epochs < 2000);
        var g = new double[3];
        f.Value(x, g);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(g[i]) <= 1e-6, $"g[{i}] = {g[i]:G3}");
            Assert.True(Math.Abs(x[i] - centres[0][i]) <= 1e-6 / diagonal[i] * 1.0001, $"x[{i}] = {x[i]:R}, expected {centres[0][i]:R}");
        }
    }

    [Fact]
    public void Minimize_NoisyBlocks_EndsNearTheMeanCentre_WithinTheStepSize()
    {
        // Different centres: with a constant step, Adam keeps moving by about the step size around c̄ and does not
        // meet a tight tolerance; it reports that and leaves x within a few steps of c̄.
        double[] diagonal = [1, 1, 1, 1];
        var centres = Centres(16, 4, spread: 0.5);
        var f = new BlockQuadratic(diagonal, centres);
        const double rate = 0.002;
        var (x, epochs, converged) = Solve(f, 4, epochs: 300, rate, seed: 3, tolerance: 1e-12);
        Assert.False(converged);
        Assert.Equal(300, epochs);
        for (int i = 0; i < 4; i++)
        {
            double mean = 0;
            for (int b = 0; b < 16; b++) mean += centres[b][i];
            mean /= 16;
            Assert.True(Math.Abs(x[i] - mean) <= 10 * rate, $"x[{i}] = {x[i]:R}, c̄ = {mean:R}");
        }
    }

    [Fact]
    public void Minimize_VisitsEveryWeightedBlockOncePerEpoch_InASeededOrder()
    {
        var centres = Centres(10, 2, spread: 0.3);
        var a = new BlockQuadratic([1, 1], centres, empty: [4]);
        var b = new BlockQuadratic([1, 1], centres, empty: [4]);
        var c = new BlockQuadratic([1, 1], centres, empty: [4]);
        var xa = Solve(a, 2, epochs: 3, rate: 0.01, seed: 11, tolerance: 0).X;
        var xb = Solve(b, 2, epochs: 3, rate: 0.01, seed: 11, tolerance: 0).X;
        var xc = Solve(c, 2, epochs: 3, rate: 0.01, seed: 12, tolerance: 0).X;
        Assert.Equal(27, a.Visited.Count);   // 3 epochs × 9 weighted blocks
        for (int e = 0; e < 3; e++)
        {
            var epoch = a.Visited.GetRange(9 * e, 9);
            epoch.Sort();
            Assert.Equal([0, 1, 2, 3, 5, 6, 7, 8, 9], epoch);
        }
        Assert.NotEqual(a.Visited.GetRange(0, 9), a.Visited.GetRange(9, 9));   // reshuffled each epoch
        Assert.Equal(a.Visited, b.Visited);
        Assert.Equal(xa, xb);                  // same seed: same bits
        Assert.NotEqual(a.Visited, c.Visited);
        Assert.NotEqual(xa, xc);               // another seed: another order, another iterate
    }

    [Fact]
    public void ASolve_AllocatesNothing_AfterTheFirstOfASize()
    {
        var f = new BlockQuadratic([1, 2, 3], Centres(32, 3, spread: 0.2));
        double[] x = new double[3], g = new double[3], scratch = new double[3];
        var adam = new AdamSolver();
        adam.Minimize(f, 3, x, g, scratch, 5, 0.01, 7, 1e-9);
        f.Visited.Clear();
        Array.Clear(x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        adam.Minimize(f, 3, x, g, scratch, 5, 0.01, 7, 1e-9);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
