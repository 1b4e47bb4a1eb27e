using FastIL.Parallel;
using Xunit;

namespace FastIL.Tests.Parallel;

public class WorkerPoolTests
{
    /// <summary>Counts how often each chunk ran; optionally sleeps in some chunks.</summary>
    private sealed class CountingJob(int chunks, int sleepingChunk = -1, int sleepMs = 0) : IChunkJob
    {
        public readonly int[] Runs = new int[chunks];
        public void ExecuteChunk(int chunk)
        {
            if (chunk == sleepingChunk) Thread.Sleep(sleepMs);
            Interlocked.Increment(ref Runs[chunk]);
        }
    }

    private sealed class FailingJob : IChunkJob
    {
        public void ExecuteChunk(int chunk)
        {
            if (chunk == 5) throw new InvalidOperationException("chunk 5 failed");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryChunkRunsExactlyOnce_WhetherThreadsSpinOrBlock(int threads)
    {
        using var pool = new WorkerPool(threads);
        for (int run = 0; run < 300; run++)
        {
            int chunks = 1 + run % 13;
            // Some runs follow a pause longer than the spin (workers block), some have a slow chunk (the caller blocks).
            if (run % 50 == 7) Thread.Sleep(2);
            var job = run % 40 == 3 ? new CountingJob(chunks, sleepingChunk: chunks - 1, sleepMs: 2) : new CountingJob(chunks);
            pool.Run(job, chunks);
            Assert.All(job.Runs, n => Assert.Equal(1, n));
        }
    }

    [Fact]
    public void AFailingChunk_SurfacesAsAggregateException_AndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<AggregateException>(() => pool.Run(new FailingJob(), 8));
        Assert.IsType<InvalidOperationException>(e.InnerException);
        var job = new CountingJob(8);
        pool.Run(job, 8);
        Assert.All(job.Runs, n => Assert.Equal(1, n));
    }

    [Fact]
    public void Runs_AllocateNothing_AfterTheFirst()
    {
        using var pool = new WorkerPool(2);
        var job = new CountingJob(8);
        for (int i = 0; i < 100; i++) pool.Run(job, 8);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) pool.Run(job, 8);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
