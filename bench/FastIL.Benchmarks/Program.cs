using BenchmarkDotNet.Running;

namespace FastIL.Benchmarks;

/// <summary>
/// Runs the suites: <c>dotnet run -c Release --project bench/FastIL.Benchmarks -- --filter '*'</c>; or, with
/// <c>paired-stores</c> first, <see cref="PairedStores"/>; with <c>refit-timing</c>, <see cref="RefitTiming"/>.
/// </summary>
public static class Program
{
    /// <summary>Entry point; arguments go to BenchmarkDotNet's switcher (filters, jobs, exporters).</summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "paired-stores")
        {
            PairedStores.Run(args.Length > 1 ? int.Parse(args[1]) : 2, args.Length > 2 ? int.Parse(args[2]) : 40);
            return;
        }
        if (args.Length > 0 && args[0] == "refit-timing")
        {
            RefitTiming.Run(args.Length > 1 ? int.Parse(args[1]) : 8 << 20, args.Length > 2 ? int.Parse(args[2]) : 15,
                args.Length > 3 ? int.Parse(args[3]) : 2, args.Length > 4 && args[4] == "warmup");
            return;
        }
        var types = typeof(Program).Assembly.GetTypes().Where(t => t.IsPublic && t.Name.EndsWith("Bench", StringComparison.Ordinal)).ToList();
        if (!GpuBenchBase.Available)
        {
            types.RemoveAll(t => t.IsSubclassOf(typeof(GpuBenchBase)));
            Console.Error.WriteLine("GpuEvaluationBench and GpuRolloutBench skipped: no CUDA device (bench/gpu/run-gpu.sh measures the kernels on a GPU machine).");
        }
        BenchmarkSwitcher.FromTypes([.. types]).Run(args);
    }
}
