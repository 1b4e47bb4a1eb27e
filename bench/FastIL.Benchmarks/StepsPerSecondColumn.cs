using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastIL.Benchmarks;

/// <summary>
/// Env-steps per second: the benchmark's lane count (its <c>N</c> parameter) times its operations per invoke,
/// divided by the mean time of one invocation.
/// </summary>
public sealed class StepsPerSecondColumn(string columnName = "Env-steps/s", string parameter = "N", double scale = 1) : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(StepsPerSecondColumn) + columnName;
    /// <inheritdoc/>
    public string ColumnName => columnName;
    /// <inheritdoc/>
    public bool AlwaysShow => true;
    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;
    /// <inheritdoc/>
    public int PriorityInCategory => 0;
    /// <inheritdoc/>
    public bool IsNumeric => true;
    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc/>
    public string Legend => $"{columnName}: parameter {parameter} × {scale} per invocation, divided by the mean time";
    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;
    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats) return "-";
        object? n = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == parameter)?.Value;
        if (n is null) return "-";
        double lanes = Convert.ToDouble(n, System.Globalization.CultureInfo.InvariantCulture) * scale * benchmarkCase.Descriptor.OperationsPerInvoke;
        double perSecond = lanes / (stats.Mean * 1e-9);
        return perSecond >= 1e9 ? $"{perSecond / 1e9:F2} G" : $"{perSecond / 1e6:F1} M";
    }
}
