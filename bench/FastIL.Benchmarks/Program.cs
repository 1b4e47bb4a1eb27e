using BenchmarkDotNet.Running;

namespace FastIL.Benchmarks;

/// <summary>
/// Runs the suites: <c>dotnet run -c Release --project bench/FastIL.Benchmarks -- --filter '*'</c>; or, with
/// <c>paired-stores</c> first, <see cref="PairedStores"/>; with <c>refit-timing</c>, <see cref="RefitTiming"/>.
/// </summary>
public static class Program
{
    /// <summary>Entry point; arguments go to BenchmarkDotNet's switcher (filters, jobs, exporters).</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "paired-stores" or "refit-timing")
        {
            try
            {
                if (args[0] == "paired-stores") PairedStores.Run(Count(args, 1, "THREADS", 2), Count(args, 2, "PAIRS", 40));
                else RefitTiming.Run(Count(args, 1, "ROWS", 8 << 20), Count(args, 2, "REFITS", 15), Count(args, 3, "THREADS", 2), args.Length > 4 && args[4] == "warmup");
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        }
        var types = typeof(Program).Assembly.GetTypes().Where(t => t.IsPublic && t.Name.EndsWith("Bench", StringComparison.Ordinal)).ToList();
        if (!GpuBenchBase.Available)
        {
            types.RemoveAll(t => t.IsSubclassOf(typeof(GpuBenchBase)));
            Console.Error.WriteLine("GpuEvaluationBench and GpuRolloutBench skipped: no CUDA device (bench/gpu/run-gpu.sh measures the kernels on a GPU machine).");
        }
        BenchmarkSwitcher.FromTypes([.. types]).Run(args);
        return 0;
    }

    /// <summary>Positional argument <paramref name="index"/> (named <paramref name="name"/>) as a whole number, or the default.</summary>
    private static int Count(string[] args, int index, string name, int fallback)
    {
        if (args.Length <= index) return fallback;
        if (!int.TryParse(args[index], out int value)) throw new ArgumentException($"{args[0]}: {name} must be a whole number, not '{args[index]}'");
        return value;
    }
}
