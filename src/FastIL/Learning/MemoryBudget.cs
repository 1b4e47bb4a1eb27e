namespace FastIL.Learning;

/// <summary>
/// The memory a run may plan to use, checked from the sizes before any work starts: a request that cannot fit ends
/// with an error giving the figure and the limit, instead of the machine's memory running out mid-run.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The limit: 8 GiB (a third of this project's 24 GiB machines; the OS, the env batches and a second run fit beside it).</summary>
    public const long MaxBytes = 8L << 30;

    /// <summary>Whether <paramref name="bytes"/> is within the limit (hot paths test this before building a message).</summary>
    public static bool Fits(long bytes) => bytes >= 0 && bytes <= MaxBytes;

    /// <summary>The error for a request of <paramref name="bytes"/> beyond the limit.</summary>
    public static ArgumentException Error(long bytes, string what, string hint)
        => new($"{what} would need about {Format(bytes)}; the limit is {Format(MaxBytes)}: {hint}");

    /// <summary>Throws an <see cref="ArgumentException"/> when <paramref name="bytes"/> exceeds the limit.</summary>
    public static void Check(long bytes, string what, string hint)
    {
        if (!Fits(bytes)) throw Error(bytes, what, hint);
    }

    /// <summary>Bytes of the trainer's design matrix for <paramref name="rows"/> rows of a policy (doubles: inputs, features, targets).</summary>
    public static long DesignBytes(long rows, int inputs, int features) => Saturating(rows, (long)inputs + features + 3) * sizeof(double);

    /// <summary>a·b, saturating at long.MaxValue (sizes from user options can overflow).</summary>
    public static long Saturating(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;

    private static string Format(long bytes) => bytes == long.MaxValue || bytes < 0 ? "more than 8 EiB" : bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F1} GiB" : $"{bytes >> 20} MiB";
}
