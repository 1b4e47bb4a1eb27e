using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using FastIL.Envs;

namespace FastIL.Benchmarks;

/// <summary>
/// One batched step (auto-reset next-step, time limit on, random discrete/continuous actions pre-drawn) per
/// invocation, per env, kernel path and batch size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EnvStepsConfig))]
public class EnvStepBench
{
    private const int ActionSets = 8;
    private VectorEnv _env = null!;
    private int[][] _discrete = null!;
    private float[][] _continuous = null!;
    private int _k;

    /// <summary>Env id: every classic-control env of the registry.</summary>
    [ParamsSource(nameof(Envs))]
    public string Env { get; set; } = "CartPole-v1";

    /// <summary>The registry's classic-control envs (the ones with SIMD paths).</summary>
    public static IEnumerable<string> Envs => EnvRegistry.ClassicControl.Select(s => s.Id);

    /// <summary>Kernel path.</summary>
    [ParamsSource(nameof(Paths))]
    public SimdPath Path { get; set; }

    /// <summary>Scalar and Vector256, plus Vector512 where the CPU runs it natively (emulated elsewhere: not worth timing).</summary>
    public static IEnumerable<SimdPath> Paths => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated
        ? [SimdPath.Scalar, SimdPath.Vector256, SimdPath.Vector512]
        : [SimdPath.Scalar, SimdPath.Vector256];

    /// <summary>Lanes in the batch.</summary>
    [Params(1024, 16384, 1 << 20)]
    public int N { get; set; }

    /// <summary>Threads stepping the batch.</summary>
    [Params(1)]
    public int Threads { get; set; } = 1;

    /// <summary>Builds the batch and the action tables.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _env = EnvRegistry.Create(Env, N, new EnvOptions { Path = Path, Threads = Threads });
        _env.Reset(0);
        var spec = _env.Spec;
        _discrete = new int[ActionSets][];
        _continuous = new float[ActionSets][];
        for (int k = 0; k < ActionSets; k++)
        {
            _discrete[k] = new int[N];
            _continuous[k] = new float[N];
            for (int i = 0; i < N; i++)
            {
                double u = FastIL.Random.CounterRng.Uniform(1, (ulong)i, (ulong)k, 0);
                _discrete[k][i] = spec.IsDiscrete ? (int)(u * spec.ActionCount) : 0;
                _continuous[k][i] = (float)(spec.ActionLow + (spec.ActionHigh - spec.ActionLow) * u);
            }
        }
    }

    /// <summary>Releases worker threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _env.Dispose();

    /// <summary>One step of all N lanes.</summary>
    [Benchmark]
    public void Step()
    {
        int k = _k++ & (ActionSets - 1);
        if (_env.Spec.IsDiscrete) _env.Step(_discrete[k]);
        else _env.Step(_continuous[k]);
    }
}

/// <summary>CartPole-v1 at N = 16384 and 1M on one and two threads (the widest native path): the multi-core scaling figure.</summary>
[MemoryDiagnoser]
[Config(typeof(EnvStepsConfig))]
public class EnvThreadsBench
{
    private VectorEnv _env = null!;
    private int[] _actions = null!;

    /// <summary>Lanes.</summary>
    [Params(16384, 1 << 20)]
    public int N { get; set; }

    /// <summary>Threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _env = EnvRegistry.Create("CartPole-v1", N, new EnvOptions { Path = SimdPath.Auto, Threads = Threads });
        _env.Reset(0);
        _actions = new int[N];
        for (int i = 0; i < N; i++) _actions[i] = (int)(FastIL.Random.CounterRng.Bits(3, (ulong)i, 0, 0) & 1);
    }

    /// <summary>Releases worker threads.</summary>
    [GlobalCleanup]
    public void Cleanup() => _env.Dispose();

    /// <summary>One step of all N lanes.</summary>
    [Benchmark]
    public void Step() => _env.Step(_actions);
}

/// <summary>
/// The machine's ceiling for two threads: two independent single-threaded CartPole batches of N/2 lanes (no shared
/// data at all) stepped at the same time on the two threads of a worker pool, against one such batch stepped alone.
/// If the machine gave each thread a full core, <c>TwoHalvesTogether</c> would take as long as <c>OneHalfAlone</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class EnvIndependentHalvesBench : FastIL.Parallel.IChunkJob
{
    private VectorEnv _a = null!, _b = null!;
    private FastIL.Parallel.WorkerPool _pool = null!;
    private int[] _actions = null!;

    /// <summary>Lanes in both halves together.</summary>
    [Params(16384)]
    public int N { get; set; }

    /// <summary>Builds the two halves and the pool.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _a = EnvRegistry.Create("CartPole-v1", N / 2, new EnvOptions { Path = SimdPath.Auto });
        _b = EnvRegistry.Create("CartPole-v1", N / 2, new EnvOptions { Path = SimdPath.Auto, FirstLane = N / 2 });
        _a.Reset(0);
        _b.Reset(0);
        _actions = new int[N / 2];
        for (int i = 0; i < _actions.Length; i++) _actions[i] = (int)(FastIL.Random.CounterRng.Bits(3, (ulong)i, 0, 0) & 1);
        _pool = new FastIL.Parallel.WorkerPool(2);
    }

    /// <summary>Releases the pool.</summary>
    [GlobalCleanup]
    public void Cleanup() { _pool.Dispose(); _a.Dispose(); _b.Dispose(); }

    /// <summary>Steps half k (called by the pool).</summary>
    public void ExecuteChunk(int chunk) => (chunk == 0 ? _a : _b).Step(_actions);

    /// <summary>One step of one half on one thread.</summary>
    [Benchmark(Baseline = true)]
    public void OneHalfAlone() => _a.Step(_actions);

    /// <summary>One step of each half, the two on two threads at once.</summary>
    [Benchmark]
    public void TwoHalvesTogether() => _pool.Run(this, 2);
}
