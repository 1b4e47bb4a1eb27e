using System.Diagnostics;
using FastIL.Algorithms;
using FastIL.Envs;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Gpu;
using FastIL.Learning;
using FastIL.Policies;
using ILGPU;
using ILGPU.Runtime;

namespace FastIL.Devices;

/// <summary>
/// BC/DAgger rollouts and evaluations of one env on an ILGPU accelerator: the fused kernels run every lane's episode
/// on the device; the host copies back only what the data set and the statistics need (counted in
/// <see cref="TransferSeconds"/>) and assembles it in the CPU path's order, so results are bit-identical to SIMD.
/// Device buffers live across iterations and grow when a larger batch comes. Built-in experts only.
/// </summary>
public sealed class DeviceImitation : IDisposable
{
    private readonly IlgpuSession _session;
    private readonly EnvSpec _spec;
    private readonly DeviceEnvKernels _kernels;
    private MemoryBuffer1D<float, Stride1D.Dense>? _obs, _labels, _returns;
    private MemoryBuffer1D<int, Stride1D.Dense>? _lengths;
    private MemoryBuffer1D<double, Stride1D.Dense>? _disagreement;
    private float[] _obsHost = [], _labelHost = [], _returnHost = [];
    private int[] _lengthHost = [];
    private double[] _disHost = [];
    private DevicePolicy? _policy;
    private LinearPolicy? _policySource;

    /// <summary>Prepares <paramref name="spec"/>'s kernels for the session's accelerator (each compiles on its first use).</summary>
    public DeviceImitation(IlgpuSession session, EnvSpec spec)
    {
        _session = session;
        _spec = spec;
        _kernels = DeviceEnvKernels.For(spec, session.Accelerator);
    }

    /// <summary>
    /// Compiles the kernels a DAgger or BC run uses (rollout and evaluation) now, so that no iteration's timings include
    /// a compile; <c>eval</c> and <c>env bench</c> load theirs with an untimed first call instead.
    /// </summary>
    public void PrepareImitation()
    {
        _ = _kernels.Rollout;
        _ = _kernels.Evaluate;
    }

    /// <summary>The accelerator's name.</summary>
    public string DeviceName => _session.Name;
    /// <summary>Seconds spent copying between host and device since creation.</summary>
    public double TransferSeconds { get; private set; }
    /// <summary>Seconds spent in kernels (synchronized) since creation.</summary>
    public double KernelSeconds { get; private set; }

    private Accelerator Acc => _session.Accelerator;

    private LaneEnv Env(int horizon, ulong seed)
    {
        var s = _spec;
        float Lo(int j) => j < s.StateSize ? (float)s.ResetLow[j] : 0f;
        float Span(int j) => j < s.StateSize ? (float)(s.ResetHigh[j] - s.ResetLow[j]) : 0f;
        return new LaneEnv
        {
            Lo0 = Lo(0), Lo1 = Lo(1), Lo2 = Lo(2), Lo3 = Lo(3),
            Span0 = Span(0), Span1 = Span(1), Span2 = Span(2), Span3 = Span(3),
            MaxSteps = horizon, SeedMix = ResetDraw.SeedMix(seed), FirstLane = 0,
            Discrete = s.IsDiscrete ? 1 : 0, ActionLow = s.ActionLow, ActionHigh = s.ActionHigh,
        };
    }

    private LanePolicy Policy(LinearPolicy? policy)
    {
        if (policy is null)
        {
            // The expert acts: the policy parameter is unused but must hold valid views.
            policy = _policySource ?? new LinearPolicy(Algorithms.ImitationConfig.DefaultPolicyKind(_spec),
                _spec.IsDiscrete ? _spec.ActionCount : 0, FeatureMap.Identity(_spec.ObservationSize), _spec.ObservationNames, false);
        }
        if (!ReferenceEquals(policy, _policySource))
        {
            _policy?.Dispose();
            _policy = new DevicePolicy(Acc, policy);
            _policySource = policy;
        }
        else _policy!.Refresh();
        return _policy.Lane;
    }

    private static ArrayView<T> V<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer) where T : unmanaged => buffer.View;

    private static void Ensure<T>(Accelerator acc, ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length) where T : unmanaged
    {
        if (buffer is not null && buffer.Length >= length) return;
        buffer?.Dispose();
        buffer = acc.Allocate1D<T>(Math.Max(1, length));
    }

    /// <summary>
    /// One DAgger iteration's rollout of <paramref name="m"/> trajectories: appends every visited state with the
    /// expert's label to <paramref name="data"/> (step by step, lanes in order, as the CPU path) and returns the env
    /// steps counted as the CPU path counts them (all lanes, until the last trajectory ends).
    /// </summary>
    public long Rollout(LinearPolicy policy, Dataset data, int m, int horizon, ulong resetSeed, ulong seed, int iteration, double beta, Mixing mixing)
    {
        int d = _spec.ObservationSize;
        long cells = (long)horizon * m;
        Ensure(Acc, ref _obs, cells * d);
        Ensure(Acc, ref _labels, cells);
        Ensure(Acc, ref _lengths, m);
        var mix = new LaneMix { Seed = seed, Iteration = iteration, Beta = beta, PerTrajectory = mixing == Mixing.PerTrajectory ? 1 : 0 };
        var rollout = _kernels.Rollout;   // compiled on first use: outside the kernel's time
        var sw = Stopwatch.StartNew();
        LanePolicy lane = Policy(policy);
        TransferSeconds += sw.Elapsed.TotalSeconds;
        sw.Restart();
        rollout(m, Env(horizon, resetSeed), lane, mix, V(_obs!), V(_labels!), V(_lengths!).SubView(0, m));
        Acc.Synchronize();
        KernelSeconds += sw.Elapsed.TotalSeconds;
        sw.Restart();
        if (_lengthHost.Length < m) _lengthHost = new int[m];
        V(_lengths!).SubView(0, m).CopyToCPU(_lengthHost.AsSpan(0, m));
        int maxLen = 0;
        for (int i = 0; i < m; i++) maxLen = Math.Max(maxLen, _lengthHost[i]);
        long used = (long)maxLen * m;
        if (_obsHost.Length < used * d) _obsHost = new float[used * d];
        if (_labelHost.Length < used) _labelHost = new float[used];
        if (used > 0)
        {
            V(_obs!).SubView(0, used * d).CopyToCPU(_obsHost.AsSpan(0, (int)(used * d)));
            V(_labels!).SubView(0, used).CopyToCPU(_labelHost.AsSpan(0, (int)used));
        }
        TransferSeconds += sw.Elapsed.TotalSeconds;
        AppendSteps(data, m, d, maxLen);
        return used;
    }

    private float[][] _gather = [];
    private int[] _gatherLabels = [];
    private float[] _gatherTargets = [];

    /// <summary>Appends step t's still-running lanes, for t = 0 … maxLen − 1.</summary>
    private void AppendSteps(Dataset data, int m, int d, int maxLen)
    {
        if (_gather.Length != d || _gather[0].Length < m)
        {
            _gather = new float[d][];
            for (int j = 0; j < d; j++) _gather[j] = new float[m];
            _gatherLabels = new int[m];
            _gatherTargets = new float[m];
        }
        bool discrete = _spec.IsDiscrete;
        for (int t = 0; t < maxLen; t++)
        {
            int k = 0;
            for (int i = 0; i < m; i++)
            {
                if (t >= _lengthHost[i]) continue;
                for (int j = 0; j < d; j++) _gather[j][k] = _obsHost[((long)t * d + j) * m + i];
                float label = _labelHost[(long)t * m + i];
                if (discrete) _gatherLabels[k] = (int)label; else _gatherTargets[k] = label;
                k++;
            }
            var cols = new ArrayColumns(_gather, k);
            if (discrete) data.Append(cols, _gatherLabels.AsSpan(0, k)); else data.Append(cols, _gatherTargets.AsSpan(0, k));
        }
    }

    /// <summary>
    /// Evaluates <paramref name="policy"/> (greedy; null: the expert acts) on <paramref name="episodes"/> episodes from
    /// reset seed <paramref name="seed"/>, with ε against the expert when <paramref name="withExpert"/>.
    /// </summary>
    public EvaluationResult Evaluate(LinearPolicy? policy, bool withExpert, int episodes, int horizon, ulong seed)
    {
        Ensure(Acc, ref _returns, episodes);
        Ensure(Acc, ref _lengths, episodes);
        Ensure(Acc, ref _disagreement, episodes);
        var evaluate = _kernels.Evaluate;   // compiled on first use: outside the kernel's time
        var sw = Stopwatch.StartNew();
        LanePolicy lane = Policy(policy);
        TransferSeconds += sw.Elapsed.TotalSeconds;
        sw.Restart();
        evaluate(episodes, Env(horizon, seed), lane, policy is null ? 1 : 0, withExpert ? 1 : 0,
            V(_returns!).SubView(0, episodes), V(_lengths!).SubView(0, episodes), V(_disagreement!).SubView(0, episodes));
        Acc.Synchronize();
        KernelSeconds += sw.Elapsed.TotalSeconds;
        sw.Restart();
        if (_returnHost.Length < episodes) { _returnHost = new float[episodes]; _disHost = new double[episodes]; }
        if (_lengthHost.Length < episodes) _lengthHost = new int[episodes];
        V(_returns!).SubView(0, episodes).CopyToCPU(_returnHost.AsSpan(0, episodes));
        V(_lengths!).SubView(0, episodes).CopyToCPU(_lengthHost.AsSpan(0, episodes));
        V(_disagreement!).SubView(0, episodes).CopyToCPU(_disHost.AsSpan(0, episodes));
        TransferSeconds += sw.Elapsed.TotalSeconds;
        var returns = new double[episodes];
        var lengths = new double[episodes];
        for (int i = 0; i < episodes; i++) { returns[i] = _returnHost[i]; lengths[i] = _lengthHost[i]; }
        return EvaluationStats.Summarize(returns, lengths, withExpert ? _disHost.AsSpan(0, episodes) : default, withExpert);
    }

    /// <summary>
    /// The plain batched step of <c>env bench</c> for <paramref name="seconds"/>: <paramref name="lanes"/> lanes with
    /// next-step auto-reset and random actions, <paramref name="stepsPerLaunch"/> steps per kernel launch (the state
    /// stays on the device). Returns env-steps per second and episodes completed; the first launch (kernel load) is
    /// not timed.
    /// </summary>
    public (double StepsPerSecond, long Episodes) Bench(int lanes, double seconds, int stepsPerLaunch)
    {
        using var state = Acc.Allocate1D<float>(4L * lanes);
        using var elapsed = Acc.Allocate1D<int>(lanes);
        using var episodes = Acc.Allocate1D<int>(lanes);
        state.MemSetToZero();
        elapsed.View.BaseView.MemSet(0xFF);    // all bits set: -1, every lane starts with a reset step
        episodes.MemSetToZero();
        var env = Env(_spec.MaxEpisodeSteps, 0);
        int actions = _spec.IsDiscrete ? _spec.ActionCount : 0;
        _kernels.Step(lanes, env, 1, 0, actions, _spec.ActionLow, _spec.ActionHigh, state.View, elapsed.View, episodes.View);
        Acc.Synchronize();
        long steps = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            _kernels.Step(lanes, env, stepsPerLaunch, (int)(steps & 7), actions, _spec.ActionLow, _spec.ActionHigh, state.View, elapsed.View, episodes.View);
            Acc.Synchronize();
            steps += stepsPerLaunch;
        }
        double t = sw.Elapsed.TotalSeconds;
        var ep = episodes.GetAsArray1D();
        long total = 0;
        foreach (int e in ep) total += e;
        return (steps * (double)lanes / t, total);
    }

    /// <summary>Releases the device buffers.</summary>
    public void Dispose()
    {
        _obs?.Dispose(); _labels?.Dispose(); _returns?.Dispose(); _lengths?.Dispose(); _disagreement?.Dispose(); _policy?.Dispose();
    }
}
