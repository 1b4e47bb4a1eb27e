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
    private (EnvSpec? Env, int M, int Horizon, int Threads) _envKey;
    private VectorEnv? _env;
    private (EnvSpec? Env, int Episodes, int Horizon, int Threads) _evalKey;
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
            _deviceKey = (spec, device);
        }
        return _device;
    }

    internal VectorEnv RolloutEnv(EnvSpec spec, int m, int horizon, int threads)
    {
        var key = ((EnvSpec?)spec, m, horizon, threads);
        if (_env is null || _envKey != key)
        {
            _env?.Dispose();
            _env = EnvRegistry.Create(spec, m, new EnvOptions { AutoReset = AutoResetMode.Disabled, Threads = threads, MaxEpisodeSteps = horizon });
            _envKey = key;
        }
        return _env;
    }

    private (EnvSpec? Env, int M, int Horizon, int Threads) _blockedKey;
    private BlockedRollout? _blocked;

    internal BlockedRollout BlockedRollout(EnvSpec spec, int m, int horizon, int threads)
    {
        var key = ((EnvSpec?)spec, m, horizon, threads);
        if (_blocked is null || _blockedKey != key)
        {
            _blocked?.Dispose();
            _blocked = new BlockedRollout(spec, m, horizon, threads);
            _blockedKey = key;
        }
        return _blocked;
    }

    private (EnvSpec? Env, int Episodes, int Horizon, int Threads) _blockedEvalKey;
    private BlockedEvaluator? _blockedEval;

    internal BlockedEvaluator BlockedEvaluator(EnvSpec spec, int episodes, int horizon, int threads)
    {
        var key = ((EnvSpec?)spec, episodes, horizon, threads);
        if (_blockedEval is null || _blockedEvalKey != key)
        {
            _blockedEval?.Dispose();
            _blockedEval = new BlockedEvaluator(spec, episodes, threads, horizon);
            _blockedEvalKey = key;
        }
        return _blockedEval;
    }

    internal Evaluator Evaluator(EnvSpec spec, int episodes, int horizon, int threads)
    {
        var key = ((EnvSpec?)spec, episodes, horizon, threads);
        if (_evaluator is null || _evalKey != key)
        {
            _evaluator?.Dispose();
            _evaluator = new Evaluator(spec, episodes, threads, horizon);
            _evalKey = key;
        }
        return _evaluator;
    }

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
