using System.Diagnostics;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Learning;

namespace FastIL.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/FastIL.Benchmarks -- paired-stores [THREADS] [PAIRS]</c>: FusedRolloutBench's
/// rollout (8192 CartPole trajectories of the trained policy, 4.1 M rows into a reused data set) with plain and with
/// streaming stores, alternating within one process, and the ratio of each pair. On this project's VM the speed drifts
/// by a third between BenchmarkDotNet's cases, which run one after the other: pairs taken back to back see the same
/// machine, so their ratio is the measurement.
/// </summary>
public static class PairedStores
{
    /// <summary>Runs the pairs and prints the medians and the ratios' quartiles.</summary>
    public static void Run(int threads, int pairs)
    {
        if (threads < 1 || pairs < 1) throw new ArgumentException($"paired-stores: needs THREADS ≥ 1 and PAIRS ≥ 1 (got {threads}, {pairs})");
        var config = ImitationConfig.For("CartPole-v1") with { Rollouts = 8192 };
        var policy = ImitationRunner.Run(ImitationConfig.For("CartPole-v1")).Policy;
        using var streaming = new BlockedRollout(EnvRegistry.CartPole, 8192, 500, threads) { Streaming = true };
        using var plain = new BlockedRollout(EnvRegistry.CartPole, 8192, 500, threads) { Streaming = false };
        var streamingData = new Dataset(4, continuous: false, 8192 * 500);
        var plainData = new Dataset(4, continuous: false, 8192 * 500);
        var (plainMs, streamingMs, ratios) = (new List<double>(), new List<double>(), new List<double>());
        const int warmup = 3;
        for (int r = 0; r < pairs + warmup; r++)
        {
            double p = Time(plain, plainData), s = Time(streaming, streamingData);
            if (r < warmup) continue;
            plainMs.Add(p); streamingMs.Add(s); ratios.Add(p / s);
        }
        plainMs.Sort(); streamingMs.Sort(); ratios.Sort();
        Console.WriteLine($"{threads} thread(s), {pairs} pairs: plain {plainMs[pairs / 2]:F2} ms, streaming {streamingMs[pairs / 2]:F2} ms (medians); " +
            $"plain / streaming per pair: median {ratios[pairs / 2]:F3}, quartiles {ratios[pairs / 4]:F3}–{ratios[3 * pairs / 4]:F3}; " +
            $"rows streamed {streaming.StreamedRows} of {(long)streamingData.Count * (pairs + warmup)}");

        double Time(BlockedRollout rollout, Dataset data)
        {
            data.Clear();
            long start = Stopwatch.GetTimestamp();
            rollout.Run(policy, data, config, iteration: 1, beta: 0.0);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
    }
}
