using BenchmarkDotNet.Attributes;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// The three-class softmax objective (MountainCar's 2 and Acrobot's 6 standardized inputs, the envs' defaults) over 1M
/// expert-labelled rows: one evaluation of the value and gradient, one with the Hessian (a Newton iteration's pass),
/// each with the call's preparation of the rows, and a DAgger-style refit to convergence from a perturbed optimum.
/// "fused" is the trainer's path (the multi-class kernel, reading the data set's float32 columns); "span" is the
/// general span kernel over the double design matrix, the reference it must beat. Per row: Mean / 1,048,576. Setup
/// prints the refit's Newton iterations.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SlowFitConfig))]
public class MultiClassTrainerBench
{
    private Dataset _data = null!;
    private LinearPolicy _policy = null!;
    private Trainer _trainer = null!;
    private double[] _g = null!, _h = null!;
    private int _k;

    /// <summary>The env whose rows and policy shape are fitted.</summary>
    [Params("MountainCar-v0", "Acrobot-v1")]
    public string Env { get; set; } = "MountainCar-v0";

    /// <summary>The kernel: fused (the trainer's) or span (the general reference).</summary>
    [Params("fused", "span")]
    public string Kernel { get; set; } = "fused";

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Rows, a fitted policy to evaluate at, and the trainer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var spec = FastIL.Envs.EnvRegistry.Get(Env);
        _data = BenchData.ExpertRows(Env, 1 << 20);
        _policy = new LinearPolicy(PolicyKind.Softmax, spec.ActionCount, FeatureMap.Identity(spec.ObservationSize), spec.ObservationNames, standardize: true);
        _trainer = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = Threads, ScalarHessian = Kernel == "span" });
        _trainer.Fit(_data, _policy, warmStart: false);
        _g = new double[_policy.ParameterCount];
        _h = new double[_policy.ParameterCount * _policy.ParameterCount];
        _optimum = [.. _policy.Weights, .. _policy.Bias];
        var fit = Refit();
        Console.WriteLine($"// {Env}, {Kernel}, {Threads} thread(s): {fit.Iterations} Newton iterations per refit (after {_trainer.LastWarmupIterations} on the subsample)");
        _optimum.AsSpan(0, _policy.Weights.Length).CopyTo(_policy.Weights);
        _optimum.AsSpan(_policy.Weights.Length).CopyTo(_policy.Bias);
    }

    private double[] _optimum = null!;

    /// <summary>Releases threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    // Each call moves a bias by ±1e-9 so that no evaluation can take over the last one's sums.
    private void Nudge() => _policy.Bias[0] += (_k++ & 1) == 0 ? 1e-9 : -1e-9;

    /// <summary>Objective and gradient.</summary>
    [Benchmark]
    public double Value()
    {
        Nudge();
        return _trainer.Objective(_data, _policy, _g);
    }

    /// <summary>A refit from the optimum with every weight scaled by 1 + 0.2·sin(i + 1), to convergence.</summary>
    [Benchmark]
    public FitResult Refit()
    {
        for (int i = 0; i < _policy.Weights.Length; i++) _policy.Weights[i] = _optimum[i] * (1 + 0.2 * Math.Sin(i + 1));
        _optimum.AsSpan(_policy.Weights.Length).CopyTo(_policy.Bias);
        return _trainer.Fit(_data, _policy, warmStart: true);
    }

    /// <summary>Objective, gradient and Hessian.</summary>
    [Benchmark]
    public double ValueWithHessian()
    {
        Nudge();
        _trainer.Hessian(_data, _policy, _h);
        return _h[0];
    }
}
