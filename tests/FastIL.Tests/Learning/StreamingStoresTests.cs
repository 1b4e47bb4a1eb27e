using FastIL.Learning;
using Xunit;

namespace FastIL.Tests.Learning;

/// <summary>
/// Streaming copies (<see cref="StreamingStores"/>) against <c>CopyTo</c>: every length around the vector widths, at
/// every alignment of the destination within a cache line, for floats and ints, leaving the values around the
/// destination alone.
/// </summary>
public class StreamingStoresTests
{
    [Fact]
    public void Copy_GivesCopyTosValues_AtEveryAlignmentAndLength()
    {
        var rng = new System.Random(7);
        float[] src = new float[300];
        for (int i = 0; i < src.Length; i++) src[i] = (float)(rng.NextDouble() * 100 - 50);
        int[] isrc = new int[300];
        for (int i = 0; i < isrc.Length; i++) isrc[i] = rng.Next();
        foreach (int n in new[] { 0, 1, 7, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 255, 256, 257, 300 })
            for (int offset = 0; offset < 17; offset++)
            {
                float[] dst = new float[offset + n + 20], want = new float[dst.Length];
                Array.Fill(dst, -1f);
                Array.Fill(want, -1f);
                src.AsSpan(0, n).CopyTo(want.AsSpan(offset));
                StreamingStores.Copy<float>(src.AsSpan(0, n), dst.AsSpan(offset));
                StreamingStores.Fence();
                Assert.Equal(want, dst);

                int[] idst = new int[offset + n + 20], iwant = new int[idst.Length];
                isrc.AsSpan(0, n).CopyTo(iwant.AsSpan(offset));
                StreamingStores.Copy<int>(isrc.AsSpan(0, n), idst.AsSpan(offset));
                StreamingStores.Fence();
                Assert.Equal(iwant, idst);
            }
    }

    [Fact]
    public void Copy_RejectsAShortDestinationAndWideValues()
    {
        Assert.Throws<ArgumentException>(() => StreamingStores.Copy<float>(new float[40], new float[39]));
        Assert.Throws<ArgumentException>(() => StreamingStores.Copy<double>(new double[40], new double[40]));
    }

    [Fact]
    public void Worthwhile_OnlyFromItsThreshold()
    {
        Assert.False(StreamingStores.Worthwhile(StreamingStores.MinBytes - 1));
        Assert.Equal(System.Runtime.Intrinsics.X86.Sse.IsSupported && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated,
            StreamingStores.Worthwhile(StreamingStores.MinBytes));
    }

    /// <summary>
    /// The data set's written rows (which the rollout may refill with streaming stores) keep their high-water mark
    /// across a clear, and after growth count only the rows copied into the new storage.
    /// </summary>
    [Fact]
    public void WrittenRows_KeepTheHighWaterMark()
    {
        var data = new Dataset(2, continuous: false, capacity: 16);
        Assert.Equal(0, data.WrittenRows);
        data.AppendRows(10);
        Assert.Equal(10, data.WrittenRows);
        data.Clear();
        Assert.Equal(10, data.WrittenRows);
        data.AppendRows(4);
        Assert.Equal(10, data.WrittenRows);
        data.AppendRows(8);   // 12 rows
        Assert.Equal(12, data.WrittenRows);
        data.Clear();
        data.AppendRows(20);  // grows to 32: the new storage's first 16 rows are copies, and 20 are written now
        Assert.Equal(32, data.Capacity);
        Assert.Equal(20, data.WrittenRows);
        data.Clear();
        data.EnsureCapacity(100);   // 128: only the old 32 rows were copied
        Assert.Equal(32, data.WrittenRows);
    }
}
