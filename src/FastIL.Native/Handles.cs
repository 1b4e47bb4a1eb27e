using System.Collections.Concurrent;

namespace FastIL.Native;

/// <summary>
/// Objects handed to C callers as ids (never raw pointers): a stale or foreign id is an error, not a crash.
/// Ids start at 1 and are never reused within a process.
/// </summary>
internal sealed class HandleTable<T> where T : class
{
    private readonly ConcurrentDictionary<long, T> _items = new();
    private long _next;

    public long Add(T item)
    {
        long id = Interlocked.Increment(ref _next);
        _items[id] = item;
        return id;
    }

    public T Get(long id, string what)
        => _items.TryGetValue(id, out var item) ? item : throw new InvalidHandleException($"{what} handle {id} is not open (never created, or destroyed)");

    public T Remove(long id, string what)
        => _items.TryRemove(id, out var item) ? item : throw new InvalidHandleException($"{what} handle {id} is not open (never created, or destroyed)");
}

/// <summary>A handle that names no open object.</summary>
internal sealed class InvalidHandleException(string message) : Exception(message);
