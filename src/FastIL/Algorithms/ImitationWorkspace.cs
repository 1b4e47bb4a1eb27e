using FastIL.Envs;
using FastIL.Learning;

namespace FastIL.Algorithms;

/// <summary>
/// Buffers one worker reuses across runs (a sweep runs thousands): the rollout batch, the evaluator, the trainer
/// and the data set, each kept while the next run needs the same shape. Reuse never changes results: every run
/// resets the envs with its own seeds, clears the data set and fits from zero parameters. Not thread-safe: one per worker.
/// </summary>
public sealed class ImitationWorkspace : IDisposable
{
    // What a kept env-backed object was made for: the env, its lanes (trajectories or episodes), horizon and threads.
    private readonly record struct Shape(EnvSpec Env, int Lanes, int Horizon, int Threads);

    private Shape _envKey;
    private VectorEnv? _env;
    private Shape _evalKey;
    private Evaluator? _evaluator;
    private TrainerOptions? _trainerKey;
    private Trainer? _trainer;
    private Dataset? _data;
    private (EnvSpec? Env, Devices.ComputeDevice Device) _deviceKey;
    private Devices.IlgpuSession? _session;
    private Devices.DeviceImitation? _device;

    /// <summary>The device path for <paramref name="spec"/> (the session and compiled kernels are kept across runs).</summary>
    internal Devices.DeviceImitation Device(EnvSpec spec, Devices.ComputeDevice device)
    {
        if (_session is null || _session.Device != device)
        {
            _device?.Dispose(); _device = null;
            _session?.Dispose(); _session = null;
            _session = Devices.IlgpuSession.Open(device);
        }
        if (_device is null || _deviceKey != ((EnvSpec?)spec, device))
        {
            _device?.Dispose();
            _device = new Devices.DeviceImitation(_session, spec);
            _device.PrepareImitation();
            _deviceKey = (spec, device);
        }
        return _device;
    }

    internal VectorEnv RolloutEnv(EnvSpec spec, int m, int horizon, int threads)
        => Keep(ref _env, ref _envKey, new Shape(spec, m, horizon, threads),
            static k => EnvRegistry.Create(k.Env, k.Lanes, new EnvOptions { AutoReset = AutoResetMode.Disabled, Threads = k.Threads, MaxEpisodeSteps = k.Horizon }));

    // The kept object while the next run asks for the same key; otherwise it is disposed and made anew.
    private static T Keep<TKey, T>(ref T? value, ref TKey key, TKey want, Func<TKey, T> create) where T : class, IDisposable where TKey : IEquatable<TKey>
    {
        if (value is null || !key.Equals(want))
        {
            value?.Dispose();
            value = create(want);
            key = want;
        }
        return value;
    }

    private Shape _blockedKey;
    private BlockedRollout? _blocked;

    internal BlockedRollout BlockedRollout(EnvSpec spec, int m, int horizon, int threads)
        => Keep(ref _blocked, ref _blockedKey, new Shape(spec, m, horizon, threads), static k => new BlockedRollout(k.Env, k.Lanes, k.Horizon, k.Threads));

    private Shape _blockedEvalKey;
    private BlockedEvaluator? _blockedEval;

    internal BlockedEvaluator BlockedEvaluator(EnvSpec spec, int episodes, int horizon, int threads)
        => Keep(ref _blockedEval, ref _blockedEvalKey, new Shape(spec, episodes, horizon, threads), static k => new BlockedEvaluator(k.Env, k.Lanes, k.Threads, k.Horizon));

    internal Evaluator Evaluator(EnvSpec spec, int episodes, int horizon, int threads)
        => Keep(ref _evaluator, ref _evalKey, new Shape(spec, episodes, horizon, threads), static k => new Evaluator(k.Env, k.Lanes, k.Threads, k.Horizon));

    internal Trainer Trainer(TrainerOptions options)
    {
        if (_trainer is null || _trainerKey != options)
        {
            _trainer?.Dispose();
            _trainer = new Trainer(options);
            _trainerKey = options;
        }
        return _trainer;
    }

    /// <summary>The data set of the last run (tests check its room).</summary>
    internal Dataset? LastDataset => _data;

    internal Dataset Dataset(int inputDim, bool continuous, int capacity)
    {
        if (_data is null || _data.InputDim != inputDim || _data.Continuous != continuous) _data = new Dataset(inputDim, continuous, capacity);
        _data.Clear();
        _data.EnsureCapacity(capacity);
        return _data;
    }

    /// <summary>Releases the envs' and trainer's threads.</summary>
    public void Dispose()
    {
        _env?.Dispose();
        _blocked?.Dispose();
        _blocked = null;
        _blockedEval?.Dispose();
        _blockedEval = null;
        _evaluator?.Dispose();
        _trainer?.Dispose();
        _device?.Dispose();
        _session?.Dispose();
        _env = null; _evaluator = null; _trainer = null; _device = null; _session = null;
    }
}
