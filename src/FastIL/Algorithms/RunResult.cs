using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Algorithms;

/// <summary>One iteration of a run.</summary>
public sealed record IterationResult(
    int Iteration, double Beta, int DatasetSize, long RolloutSteps, EvaluationResult Eval, FitResult Fit,
    double RolloutSeconds, double FitSeconds, double EvalSeconds);

/// <summary>The outcome of a BC or DAgger run.</summary>
public sealed record RunResult(
    ImitationConfig Config, string ExpertName, EvaluationResult Expert, EvaluationResult Final, int SelectedIteration,
    IReadOnlyList<IterationResult> Iterations, LinearPolicy Policy, double WallSeconds, long EnvSteps)
{
    /// <summary>On a device: seconds in its kernels (synchronized; compiling them, once per workspace, is not counted); NaN on SIMD.</summary>
    public double DeviceKernelSeconds { get; init; } = double.NaN;
    /// <summary>On a device: seconds copying between host and device; NaN on SIMD.</summary>
    public double DeviceTransferSeconds { get; init; } = double.NaN;
}
