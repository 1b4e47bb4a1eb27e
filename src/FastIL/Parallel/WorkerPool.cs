using System.Diagnostics;

namespace FastIL.Parallel;

/// <summary>A unit of work split into numbered chunks; <see cref="ExecuteChunk"/> may run on any thread.</summary>
public interface IChunkJob
{
    /// <summary>Runs chunk <paramref name="chunk"/>. Chunks of one job must be independent.</summary>
    void ExecuteChunk(int chunk);
}

/// <summary>
/// A small fixed pool of threads that run the chunks of one job at a time, the calling thread included.
/// Allocation-free per run (unlike <c>Parallel.For</c>), so stepping a batch stays at 0 bytes. Jobs arrive back to
/// back (one per env step), so idle workers spin for a short while on a generation counter before blocking: waking
/// a blocked thread costs tens of microseconds, as much as a whole step of a 16k-lane batch.
/// Thread t owns the contiguous chunks [t·C/T, (t+1)·C/T) and runs them unless it is late, in which case another
/// thread claims them. Contiguous ownership matters for batches stepped every few microseconds: the cache lines at a
/// boundary between two threads' lanes are written by both (false sharing), and with first-come claiming or
/// interleaved ownership every chunk edge was such a boundary: two threads stepping 16k CartPole lanes were then
/// slower than one. Which thread runs which chunk can still vary; callers make results independent of that.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private IChunkJob? _job;
    // Chunk c's claim lives at index c·ClaimStride: one cache line each, so two threads claiming neighbouring chunks
    // do not bounce a shared line between their cores.
    private const int ClaimStride = 8;
    private long[] _claims = [];
    private readonly int[] _sleeping;
    private int _mainWaiting;
    private long _run;
    private int _chunkCount;
    private int _running;
    private int _generation;
    private volatile bool _disposed;
    private Exception? _error;

    /// <summary>Creates a pool that runs jobs on <paramref name="threads"/> threads in all (the caller plus threads − 1 workers).</summary>
    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _threads = new Thread[threads - 1];
        _start = new ManualResetEventSlim[threads - 1];
        _sleeping = new int[threads - 1];
        for (int w = 0; w < _threads.Length; w++)
        {
            _start[w] = new ManualResetEventSlim(false);
            int index = w;
            _threads[w] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"fastil-worker-{w}" };
            _threads[w].Start();
        }
        // ManualResetEventSlim allocates its lock object the first time a waiter blocks; a timed wait on the unset
        // event does that now, so that no later Run allocates.
        _done.Wait(1);
    }

    /// <summary>Threads that run a job, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Runs all chunks of <paramref name="job"/> and returns when every chunk is done.</summary>
    public void Run(IChunkJob job, int chunkCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_threads.Length == 0 || chunkCount <= 1)
        {
            for (int c = 0; c < chunkCount; c++) job.ExecuteChunk(c);
            return;
        }
        _job = job;
        if (_claims.Length < chunkCount * ClaimStride) _claims = new long[chunkCount * ClaimStride];   // grows once; runs allocate nothing after
        _chunkCount = chunkCount;
        _run++;
        _error = null;
        _running = _threads.Length;
        Interlocked.Increment(ref _generation);        // spinning workers start here (a full fence) …
        for (int w = 0; w < _start.Length; w++)
            if (Volatile.Read(ref _sleeping[w]) != 0) _start[w].Set(); // … blocked ones here
        Work(0);
        // Hand-offs touch the events only when the other side is blocked: each Set/Reset is an atomic on a line the
        // other core owns, and a step of a 16k-lane batch is only ~20 µs per thread.
        long until = Stopwatch.GetTimestamp() + SpinTicks;
        while (Volatile.Read(ref _running) != 0 && Stopwatch.GetTimestamp() < until) Thread.SpinWait(1);
        // A wake-up is only a hint (a worker delayed between its decrement and its Set may deliver a previous run's
        // Set late): block until the count itself says done.
        while (Volatile.Read(ref _running) != 0)
        {
            _done.Reset();
            Interlocked.Exchange(ref _mainWaiting, 1);   // then re-check: a worker that finished meanwhile saw 0 and did not Set
            if (Volatile.Read(ref _running) != 0) _done.Wait();
            Volatile.Write(ref _mainWaiting, 0);
        }
        _job = null;
        if (_error is { } e) throw new AggregateException("A worker failed while running a job.", e);
    }

    /// <summary>Thread <paramref name="self"/> runs its own contiguous chunks, then any chunk nobody has claimed yet.</summary>
    private void Work(int self)
    {
        IChunkJob job = _job!;
        long run = Volatile.Read(ref _run);
        int count = _chunkCount, threads = Threads;
        try
        {
            int lo = (int)((long)count * self / threads), hi = (int)((long)count * (self + 1) / threads);
            for (int c = lo; c < hi; c++)
                if (Interlocked.Exchange(ref _claims[c * ClaimStride], run) != run) job.ExecuteChunk(c);
            for (int k = 1; k < threads; k++)
            {
                int other = (self + k) % threads;
                for (int c = (int)((long)count * other / threads), end = (int)((long)count * (other + 1) / threads); c < end; c++)
                    if (Volatile.Read(ref _claims[c * ClaimStride]) != run && Interlocked.Exchange(ref _claims[c * ClaimStride], run) != run) job.ExecuteChunk(c);
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
            // Let the other threads drain quickly: claim everything.
            for (int c = 0; c < count; c++) Interlocked.Exchange(ref _claims[c * ClaimStride], run);
        }
    }

    private void WorkerLoop(int index)
    {
        int seen = 0;
        while (true)
        {
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _generation) == seen && !_disposed)
            {
                if (Stopwatch.GetTimestamp() < until) { Thread.SpinWait(1); continue; }
                // Block: reset, announce, then re-check, so a new job published meanwhile is not missed (the main
                // thread increments the generation before it reads the flag; both sides use full fences).
                _start[index].Reset();
                Interlocked.Exchange(ref _sleeping[index], 1);
                if (Volatile.Read(ref _generation) != seen || _disposed) { Volatile.Write(ref _sleeping[index], 0); break; }
                _start[index].Wait();
                Volatile.Write(ref _sleeping[index], 0);
            }
            if (_disposed) return;
            seen = Volatile.Read(ref _generation);
            Work(index + 1);
            if (Interlocked.Decrement(ref _running) == 0 && Volatile.Read(ref _mainWaiting) != 0) _done.Set();
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _start) s.Set();
        foreach (var t in _threads) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
