using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using FastIL.Learning;
using FastIL.Policies;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace FastIL.Benchmarks;

/// <summary>
/// One objective + gradient pass of the trainer over 1M rows (logistic, poly2 features of CartPole states: 14 features):
/// the scalar reference, the SIMD kernel, and the SIMD kernel on two threads.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RowFeaturesConfig))]
public class TrainerGradientBench
{
    private Dataset _data = null!;
    private LinearPolicy _policy = null!;
    private Trainer _trainer = null!;
    private double[] _grad = null!;

    /// <summary>Rows.</summary>
    [Params(1 << 20)]
    public int Rows { get; set; }

    /// <summary>scalar, simd, simd-2t.</summary>
    [Params("scalar", "simd", "simd-2t")]
    public string Kernel { get; set; } = "simd";

    /// <summary>Builds the data and a policy with non-trivial weights.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = BenchData.CartPoleRows(Rows);
        _policy = new LinearPolicy(PolicyKind.Logistic, 2, FeatureMap.Poly2(4), ["x", "x_dot", "theta", "theta_dot"], standardize: true);
        for (int i = 0; i < _policy.Weights.Length; i++) _policy.Weights[i] = 0.1 * Math.Sin(i);
        _trainer = new Trainer(new TrainerOptions { L2 = 1e-4, Threads = Kernel == "simd-2t" ? 2 : 1, ScalarReference = Kernel == "scalar" });
        _grad = new double[_policy.ParameterCount];
        _trainer.Objective(_data, _policy, _grad);
    }

    /// <summary>Releases threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    /// <summary>Objective and gradient (including the design-matrix rebuild that Objective performs).</summary>
    [Benchmark]
    public double ObjectiveAndGradient() => _trainer.Objective(_data, _policy, _grad);
}

/// <summary>
/// Fitting 1M CartPole-like rows to convergence: FastIL's softmax (2 classes, full parametrization, L-BFGS) against
/// ML.NET's LbfgsMaximumEntropy on the same rows and the same objective (ML.NET's L2 weight = λ·n, since it
/// divides the whole objective by the weight sum).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SlowFitConfig))]
public class TrainerFitBench
{
    private const int Rows = 1 << 20;
    private const double Lambda = 1e-4;
    private Dataset _data = null!;
    private LinearPolicy _policy = null!;
    private Trainer _t1 = null!, _t2 = null!;
    private MLContext _ml = null!;
    private IDataView _view = null!;
    private LbfgsMaximumEntropyMulticlassTrainer _mlTrainer = null!;

    private sealed class Row
    {
        [VectorType(4)] public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }

    /// <summary>Builds both libraries' inputs; prints both objectives for the record.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = BenchData.CartPoleRows(Rows);
        _policy = new LinearPolicy(PolicyKind.Softmax, 2, FeatureMap.Identity(4), ["x", "x_dot", "theta", "theta_dot"], standardize: false);
        _t1 = new Trainer(new TrainerOptions { L2 = Lambda, Threads = 1 });
        _t2 = new Trainer(new TrainerOptions { L2 = Lambda, Threads = 2 });
        _ml = new MLContext(seed: 0);
        var rows = new Row[_data.Count];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = new Row { Features = [_data.Column(0)[i], _data.Column(1)[i], _data.Column(2)[i], _data.Column(3)[i]], Label = _data.Labels[i] };
        var raw = _ml.Data.LoadFromEnumerable(rows);
        var toKey = _ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
        _view = _ml.Data.Cache(toKey.Fit(raw).Transform(raw));
        _mlTrainer = _ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = (float)(Lambda * Rows), L1Regularization = 0, OptimizationTolerance = 1e-7f,
        });
        var fast = FastIL();
        var model = MLNet();
        var mlPolicy = _policy.Clone();
        VBuffer<float>[] w = default!;
        model.Model.GetWeights(ref w, out int classes);
        var b = model.Model.GetBiases().ToArray();
        for (int c = 0; c < classes; c++) { var dense = w[c].DenseValues().ToArray(); for (int k = 0; k < 4; k++) mlPolicy.Weights[c * 4 + k] = dense[k]; mlPolicy.Bias[c] = b[c]; }
        double mlObjective = _t1.Objective(_data, mlPolicy, new double[mlPolicy.ParameterCount]);
        Console.WriteLine($"// objective on the same rows: FastIL {fast:R} (|grad| < 1e-7), ML.NET {mlObjective:R}");
    }

    /// <summary>Releases threads.</summary>
    [GlobalCleanup]
    public void Cleanup() { _t1.Dispose(); _t2.Dispose(); }

    /// <summary>FastIL, one thread, from zero to ‖∇‖ ≤ 1e-7.</summary>
    [Benchmark(Baseline = true)]
    public double FastIL() => _t1.Fit(_data, _policy, warmStart: false).Objective;

    /// <summary>FastIL, two threads.</summary>
    [Benchmark]
    public double FastIL_2Threads() => _t2.Fit(_data, _policy, warmStart: false).Objective;

    /// <summary>ML.NET LbfgsMaximumEntropy (its default threading) on the cached view.</summary>
    [Benchmark]
    public MulticlassPredictionTransformer<MaximumEntropyModelParameters> MLNet() => _mlTrainer.Fit(_view);
}
