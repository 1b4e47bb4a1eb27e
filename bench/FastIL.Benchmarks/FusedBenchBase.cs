using BenchmarkDotNet.Attributes;
using FastIL.Algorithms;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>
/// The fused-against-columns suites' shared parameters: the path ("fused": lane groups in registers; "columns": the
/// reference column passes) and the thread count, and the policy they run: the CartPole defaults' trained policy
/// (its episodes last the full 500 steps).
/// </summary>
public abstract class FusedBenchBase
{
    /// <summary>fused or columns.</summary>
    [Params("fused", "columns")]
    public string Path { get; set; } = "fused";

    /// <summary>Threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Whether this case runs the fused path.</summary>
    protected bool Fused => Path == "fused";

    /// <summary>The default CartPole DAgger run's final policy.</summary>
    protected static LinearPolicy TrainedCartPolePolicy() => ImitationRunner.Run(ImitationConfig.For("CartPole-v1")).Policy;
}
