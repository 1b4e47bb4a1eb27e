using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Envs;

/// <summary>
/// The fused rollout's staging stores (the running flags eight at a time, the labels by vector conversion) against
/// their scalar definitions.
/// </summary>
public class StagingStoresTests
{
    [Fact]
    public void Flags_AreTheMasksBits_ForEveryMaskAndWidth()
    {
        var got = new bool[20];
        for (int width = 1; width <= 16; width++)
            for (uint mask = 0; mask < 1u << 16; mask += width < 16 ? 1u : 7u)
            {
                Array.Fill(got, true);
                StagingStores.Flags(got.AsSpan(2, width), mask);
                Assert.True(got[0] && got[1], "wrote before the span");
                for (int l = 0; l < width; l++) Assert.Equal((mask >> l & 1) != 0, got[2 + l]);
                for (int l = 2 + width; l < got.Length; l++) Assert.True(got[l], "wrote past the span");
            }
    }

    [Fact]
    public void Labels_AreTheValuesTruncated_ForEveryLength()
    {
        var rng = new System.Random(4);
        for (int n = 0; n <= 40; n++)
        {
            float[] values = [.. Enumerable.Range(0, n).Select(_ => (float)rng.Next(0, 7))];
            var labels = new int[n + 1];
            labels[n] = -99;
            StagingStores.Labels(values, labels.AsSpan(0, n));
            for (int l = 0; l < n; l++) Assert.Equal((int)values[l], labels[l]);
            Assert.Equal(-99, labels[n]);
        }
    }
}
