using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Envs;

public class ActionCheckTests
{
    [Fact]
    public void FindsTheFirstBadAction_AtEveryPosition_AndBothBounds()
    {
        // Lengths around the vector widths (8, 16, 32) exercise the vector loops and their scalar tails.
        foreach (int n in new[] { 1, 7, 8, 9, 31, 32, 33, 63, 100, 1000 })
        {
            var a = new int[n];
            for (int i = 0; i < n; i++) a[i] = i % 3;
            Assert.Equal(-1, ActionCheck.FirstOutOfRange(a, 3));
            for (int bad = 0; bad < n; bad++)
            {
                foreach (int value in new[] { 3, -1, int.MinValue, int.MaxValue })
                {
                    a[bad] = value;
                    if (bad + 5 < n) a[bad + 5] = 7; // a later bad action must not be reported first
                    Assert.Equal(bad, ActionCheck.FirstOutOfRange(a, 3));
                    a[bad] = bad % 3;
                    if (bad + 5 < n) a[bad + 5] = (bad + 5) % 3;
                }
            }
        }
    }
}
