using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;

namespace FastIL.Benchmarks;

/// <summary>
/// The fused evaluation kernel on CUDA, CartPole-v1: one episode of up to 500 steps per lane, returns, lengths and ε
/// copied back and summarized. Env-steps = lanes × 500 for this policy.
/// </summary>
[Config(typeof(InProcessShortRunConfig))]
public class GpuEvaluationBench : GpuBenchBase
{
    /// <summary>Lanes evaluated at once.</summary>
    [Params(1 << 20, 1 << 24)]
    public int Lanes { get; set; }

    /// <summary>Opens the device.</summary>
    [GlobalSetup]
    public void Setup() => OpenDevice();

    /// <summary>One evaluation of <see cref="Lanes"/> episodes.</summary>
    [Benchmark]
    public EvaluationResult Evaluate() => Device.Evaluate(Policy, true, Lanes, 500, 7);

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup() => CloseDevice();
}
