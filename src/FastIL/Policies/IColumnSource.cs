namespace FastIL.Policies;

/// <summary>Read access to float columns of equal length (SoA observations): an env batch, a data set, arrays.</summary>
public interface IColumnSource
{
    /// <summary>Number of rows (lanes).</summary>
    int RowCount { get; }
    /// <summary>Column <paramref name="j"/>.</summary>
    ReadOnlySpan<float> Column(int j);
}

/// <summary>Columns held in arrays.</summary>
public sealed class ArrayColumns(float[][] columns, int rowCount) : IColumnSource
{
    /// <inheritdoc/>
    public int RowCount { get; } = rowCount;
    /// <inheritdoc/>
    public ReadOnlySpan<float> Column(int j) => columns[j].AsSpan(0, RowCount);
}
