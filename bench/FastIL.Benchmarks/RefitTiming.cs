using System.Diagnostics;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/FastIL.Benchmarks -- refit-timing [ROWS] [REFITS] [THREADS] [warmup]</c>:
/// <see cref="TrainerScaleBench"/>'s refit (logistic on CartPole rows, warm-started from a perturbed optimum), timed
/// REFITS times in one process; prints the median and minimum cost per row per Newton iteration. Without
/// <c>warmup</c> the fit runs full passes only (the kernel's cost per pass); with it, as the trainer runs by default.
/// For A/B of two builds of the kernel: run two builds' outputs alternately from a shell loop (one process each) —
/// the VM's speed drifts too much between BenchmarkDotNet's cases for a few percent to show there.
/// </summary>
public static class RefitTiming
{
    /// <summary>Runs the refits and prints one line.</summary>
    public static void Run(int rows, int refits, int threads, bool warmup)
    {
        if (rows < 1024 || refits < 1 || threads < 1) throw new ArgumentException($"refit-timing: needs ROWS ≥ 1024, REFITS ≥ 1 and THREADS ≥ 1 (got {rows}, {refits}, {threads})");
        var data = BenchData.CartPoleRows(rows);
        var policy = BenchData.CartPoleLogistic();
        using var trainer = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = threads, SubsampleWarmup = warmup });
        trainer.Fit(data, policy, warmStart: false);
        double[] start = BenchData.PerturbedStart(policy);
        var ns = new List<double>();
        FitResult fit = default;
        for (int r = 0; r < refits; r++)
        {
            start.AsSpan(0, policy.Weights.Length).CopyTo(policy.Weights);
            start.AsSpan(policy.Weights.Length).CopyTo(policy.Bias);
            long t0 = Stopwatch.GetTimestamp();
            fit = trainer.Fit(data, policy, warmStart: true);
            ns.Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / ((double)rows * fit.Iterations));
        }
        ns.Sort();
        Console.WriteLine($"{rows} rows, {threads} thread(s), {(warmup ? "with" : "without")} warm-up, {refits} refits: median {ns[refits / 2]:F3} ns per row per " +
            $"iteration, min {ns[0]:F3}; {fit.Iterations} Newton iterations, objective {fit.Objective:R}");
    }
}
