using BenchmarkDotNet.Attributes;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// A DAgger-style refit at scale: logistic on CartPole's four raw observations (the CartPole defaults), warm-started
/// from a perturbed optimum, to convergence with damped Newton on both cores. "float32" is the trainer's path (the
/// two-class kernel reads the data set's columns directly); "design-matrix" first widens every row into the double
/// design matrix, as every refit did before. Setup prints the Newton iterations, so time / (rows × iterations) is the
/// cost per row per solver iteration.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SlowFitConfig))]
public class TrainerScaleBench
{
    private Dataset _data = null!;
    private LinearPolicy _policy = null!;
    private Trainer _trainer = null!;
    private double[] _start = null!;

    /// <summary>Rows in the data set.</summary>
    [Params(1 << 20, 4 << 20, 8 << 20)]
    public int Rows { get; set; }

    /// <summary>
    /// The kernel per pass, without the subsample warm-up: float32 (direct, sums in registers, Vector512 where
    /// accelerated: the trainer's path), float32-narrow (the same eight lanes as two Vector256 halves, as on machines
    /// without Vector512), float32-4sums (direct, the general loops' four sums per pass over the scratch) or
    /// design-matrix (double copy first, sums in registers), float32-noprefetch (float32 without the software
    /// prefetch). float32-warmup is the trainer as it runs by default: float32 after Newton on a sixteenth of the rows, skipping
    /// the Hessian of a final step predicted to converge; float32-warmup-fullhessian computes that Hessian too.
    /// </summary>
    [Params("float32", "float32-narrow", "float32-4sums", "design-matrix", "float32-noprefetch", "float32-warmup", "float32-warmup-fullhessian")]
    public string Input { get; set; } = "float32";

    /// <summary>Rows, the optimum, and the perturbed start.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = BenchData.CartPoleRows(Rows);
        _policy = BenchData.CartPoleLogistic();
        _trainer = new Trainer(new TrainerOptions
        {
            L2 = 1e-4, Threads = 2, DesignMatrix = Input == "design-matrix", GeneralSums = Input == "float32-4sums", NarrowVectors = Input == "float32-narrow",
            SubsampleWarmup = Input.StartsWith("float32-warmup", StringComparison.Ordinal), NoPrefetch = Input == "float32-noprefetch",
            FullFinalHessian = Input == "float32-warmup-fullhessian",
        });
        _trainer.Fit(_data, _policy, warmStart: false);
        _start = BenchData.PerturbedStart(_policy);
        var fit = Refit();
        Console.WriteLine($"// {Rows} rows, {Input}: {fit.Iterations} Newton iterations per refit (after {_trainer.LastWarmupIterations} on the subsample), objective {fit.Objective:R}");
    }

    /// <summary>Releases threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    /// <summary>One warm refit to convergence.</summary>
    [Benchmark]
    public FitResult Refit()
    {
        _start.AsSpan(0, _policy.Weights.Length).CopyTo(_policy.Weights);
        _start.AsSpan(_policy.Weights.Length).CopyTo(_policy.Bias);
        return _trainer.Fit(_data, _policy, warmStart: true);
    }
}
