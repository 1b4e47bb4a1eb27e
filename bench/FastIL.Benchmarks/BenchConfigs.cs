using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace FastIL.Benchmarks;

/// <summary>The suites' job: BenchmarkDotNet's ShortRun, plus an optional throughput column.</summary>
public class ShortRunConfig : ManualConfig
{
    /// <summary>ShortRun only.</summary>
    public ShortRunConfig() : this(null) { }

    /// <summary>ShortRun with a throughput column (when given).</summary>
    protected ShortRunConfig(IColumn? column, Job? job = null)
    {
        AddJob(job ?? Job.ShortRun.WithId("short"));
        if (column is not null) AddColumn(column);
    }
}

/// <summary>ShortRun with env-steps/s (lanes N per invocation).</summary>
public sealed class EnvStepsConfig() : ShortRunConfig(new StepsPerSecondColumn());

/// <summary>ShortRun with row-features/s (Rows × 14 poly2 features per invocation).</summary>
public sealed class RowFeaturesConfig() : ShortRunConfig(new StepsPerSecondColumn("Row-features/s", "Rows", 14));

/// <summary>ShortRun with labelled states/s (Rollouts × 500 per invocation).</summary>
public sealed class LabelledStatesConfig() : ShortRunConfig(new StepsPerSecondColumn("Labelled states/s", "Rollouts", 500));

/// <summary>Three iterations and one warm-up: the ML.NET side takes seconds per fit.</summary>
public sealed class SlowFitConfig() : ShortRunConfig(null, Job.ShortRun.WithId("short").WithIterationCount(3).WithWarmupCount(1));

/// <summary>
/// ShortRun in this process (BenchmarkDotNet's in-process emit toolchain). For the GPU suite: the device machines carry a
/// self-contained publish and no .NET SDK, and the default toolchain builds a child project with the SDK (it refused to
/// run there: "requires dotnet SDK to be installed").
/// </summary>
public sealed class InProcessShortRunConfig() : ShortRunConfig(null,
    Job.ShortRun.WithId("short-inprocess").WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
