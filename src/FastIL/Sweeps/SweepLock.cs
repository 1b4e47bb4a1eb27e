namespace FastIL.Sweeps;

/// <summary>
/// An exclusive lock on a sweep directory for the life of the process that writes it: <c>DIR/.lock</c> opened with
/// <see cref="FileShare.None"/> (an advisory <c>flock</c> on Linux). The kernel releases it when the process ends,
/// kill -9 included, so a crash never leaves the directory locked; a second sweep on the same directory is refused.
/// </summary>
public sealed class SweepLock : IDisposable
{
    /// <summary>The lock file's name inside the directory.</summary>
    public const string FileName = ".lock";
    private readonly FileStream _file;

    private SweepLock(FileStream file) => _file = file;

    /// <summary>Takes the lock on <paramref name="dir"/> (created if missing), or throws naming the directory.</summary>
    public static SweepLock Acquire(string dir)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, FileName);
        try
        {
            var f = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            f.SetLength(0);
            using (var w = new StreamWriter(f, leaveOpen: true)) w.Write(Environment.ProcessId);
            f.Flush();
            return new SweepLock(f);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidOperationException($"{dir} is in use by another fastil sweep (lock {path}): wait for it to finish, or use another --out directory");
        }
    }

    /// <summary>Releases the lock (the file stays: removing it would race with a waiting process).</summary>
    public void Dispose() => _file.Dispose();
}
