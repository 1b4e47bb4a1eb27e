using BenchmarkDotNet.Running;

namespace FastIL.Benchmarks;

/// <summary>Runs the suites: <c>dotnet run -c Release --project bench/FastIL.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point; arguments go to BenchmarkDotNet's switcher (filters, jobs, exporters).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
