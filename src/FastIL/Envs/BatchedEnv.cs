using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Lanes;
using FastIL.Parallel;

namespace FastIL.Envs;

/// <summary>
/// A batch of envs with dynamics <typeparamref name="TDyn"/> and state precision <typeparamref name="T"/>
/// (float or double). Lanes are split into chunks stepped by a <see cref="WorkerPool"/>; the result of every
/// lane is independent of the chunking, so any thread count gives identical columns.
/// </summary>
public sealed class BatchedEnv<TDyn, T> : VectorEnv, IChunkJob
    where TDyn : struct, IEnvDynamics
    where T : unmanaged
{
    private const int ChunkAlign = 64;
    private readonly EnvColumns<T> _c;
    private readonly IEnvStepper<T> _stepper;
    private readonly WorkerPool? _pool;
    private readonly int _chunkLanes;
    private readonly int _chunkCount;
    // Chunk k's count at index k·CountStride (a cache line each: chunks of different threads finish at the same time).
    private const int CountStride = 16;
    private readonly int[] _completedPerChunk;
    private bool _dynamicsOnly;
    // The caller's actions, pinned for the duration of one Step (null otherwise).
    private unsafe int* _pendingDiscrete;
    private unsafe float* _pendingContinuous;

    /// <summary>Creates a batch; prefer <see cref="EnvRegistry.Create(string, int, EnvOptions?)"/>.</summary>
    public BatchedEnv(EnvSpec spec, int numEnvs, EnvOptions options) : base(spec, numEnvs, options)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException("state precision must be float or double");
        if (TDyn.StateSize != spec.StateSize || TDyn.ObservationSize != spec.ObservationSize)
            throw new ArgumentException($"spec {spec.Id} does not match dynamics {typeof(TDyn).Name}");
        Path = ResolvePath(options.Path, typeof(T) == typeof(double) ? Precision.Float64 : Precision.Float32);
        _stepper = CreateStepper(Path);
        _c = new EnvColumns<T>(spec, numEnvs, options.AutoReset == AutoResetMode.SameStep, TDyn.ObservationIsState)
        {
            FirstLane = options.FirstLane,
            MaxSteps = (options.MaxEpisodeSteps ?? spec.MaxEpisodeSteps) is var m && m > 0 ? m : double.PositiveInfinity,
        };
        int threads = Math.Min(options.Threads, Math.Max(1, numEnvs / ChunkAlign));
        // A few chunks per thread balance the load; chunk edges stay multiples of 64 lanes.
        int chunks = threads == 1 ? 1 : threads * 4;
        _chunkLanes = (numEnvs + chunks - 1) / chunks;
        _chunkLanes = (_chunkLanes + ChunkAlign - 1) / ChunkAlign * ChunkAlign;
        _chunkCount = (numEnvs + _chunkLanes - 1) / _chunkLanes;
        _completedPerChunk = new int[_chunkCount * CountStride];
        if (threads > 1) _pool = new WorkerPool(threads);
    }

    /// <inheritdoc/>
    public override SimdPath Path { get; }

    /// <summary>The batch's columns (fused loops read the reset states from them).</summary>
    internal EnvColumns<T> Columns => _c;

    /// <summary>The widest usable path for a precision, honouring FASTIL_SIMD=scalar|vector256|vector512 for auto.</summary>
    public static SimdPath ResolvePath(SimdPath requested, Precision precision)
    {
        if (precision == Precision.Float64)
        {
            if (requested is SimdPath.Vector256 or SimdPath.Vector512)
                throw new ArgumentException($"path {requested} is float32-only; float64 mode runs the scalar path");
            return SimdPath.Scalar;
        }
        if (requested != SimdPath.Auto) return requested;
        string? forced = Environment.GetEnvironmentVariable("FASTIL_SIMD");
        if (!string.IsNullOrEmpty(forced))
        {
            return forced.ToLowerInvariant() switch
            {
                "scalar" => SimdPath.Scalar,
                "vector256" => SimdPath.Vector256,
                "vector512" => SimdPath.Vector512,
                _ => throw new ArgumentException($"FASTIL_SIMD='{forced}': expected scalar, vector256 or vector512"),
            };
        }
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) return SimdPath.Vector512;
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported) return SimdPath.Vector256;
        return SimdPath.Scalar;
    }

    private static IEnvStepper<T> CreateStepper(SimdPath path)
    {
        if (typeof(T) == typeof(double))
            return (IEnvStepper<T>)(object)new EnvStepper<TDyn, F64, F64, double>();
        object s = path switch
        {
            SimdPath.Vector512 => new EnvStepper<TDyn, V512F32, F32, float>(),
            SimdPath.Vector256 => new EnvStepper<TDyn, V256x2F32, F32, float>(),
            _ => new EnvStepper<TDyn, F32, F32, float>(),
        };
        return (IEnvStepper<T>)s;
    }

    /// <summary>State variable <paramref name="j"/> of every lane, in the batch's precision.</summary>
    public ReadOnlySpan<T> State(int j) => _c.State[j].AsSpan(0, NumEnvs);
    /// <summary>Rewards of the last step, in the batch's precision.</summary>
    public ReadOnlySpan<T> Rewards => _c.Rewards.AsSpan(0, NumEnvs);

    /// <inheritdoc/>
    public override void Reset(ulong seed)
    {
        _c.Seed = seed;
        _c.SeedMix = Kernels.Envs.ResetDraw.SeedMix(seed);
        Array.Clear(_c.EpisodeIndex);
        for (int lane = 0; lane < _c.Padded; lane++) _stepper.ResetLane(_c, lane);   // padding lanes too: valid states
        Array.Clear(_c.Terminated);
        Array.Clear(_c.Truncated);
        Array.Clear(_c.Rewards);
        EpisodesCompleted = 0;
        StepCount = 0;
    }

    /// <inheritdoc/>
    public override void Reset(ReadOnlySpan<bool> mask)
    {
        CheckLength(mask.Length, "mask");
        for (int lane = 0; lane < NumEnvs; lane++)
        {
            if (!mask[lane]) continue;
            _stepper.ResetLane(_c, lane);
            _c.Terminated[lane] = 0;
            _c.Truncated[lane] = 0;
            _c.Rewards[lane] = default;
        }
    }

    /// <inheritdoc/>
    public override void Step(ReadOnlySpan<int> actions)
    {
        if (!Spec.IsDiscrete) throw new InvalidOperationException($"{Spec.Id} has a continuous action space: pass float actions");
        CheckLength(actions.Length, "actions");
        int bad = ActionCheck.FirstOutOfRange(actions, Spec.ActionCount);
        if (bad >= 0)
            throw new ArgumentOutOfRangeException(nameof(actions), $"{Spec.Id} actions must be in [0, {Spec.ActionCount - 1}]; lane {bad} has {actions[bad]}");
        unsafe
        {
            // Each chunk copies its own lanes' actions (in parallel, into the cache of the core that steps them).
            fixed (int* p = actions)
            {
                _pendingDiscrete = p;
                try { RunStep(dynamicsOnly: false); }
                finally { _pendingDiscrete = null; }
            }
        }
    }

    /// <inheritdoc/>
    public override void Step(ReadOnlySpan<float> actions)
    {
        if (Spec.IsDiscrete) throw new InvalidOperationException($"{Spec.Id} has a discrete action space: pass int actions");
        CheckLength(actions.Length, "actions");
        if (typeof(T) != typeof(float))
        {
            TensorPrimitives.ConvertChecked<float, double>(actions, MemoryMarshal.Cast<T, double>(_c.Actions.AsSpan()));
            RunStep(dynamicsOnly: false);
            return;
        }
        unsafe
        {
            fixed (float* p = actions)
            {
                _pendingContinuous = p;
                try { RunStep(dynamicsOnly: false); }
                finally { _pendingContinuous = null; }
            }
        }
    }

    /// <inheritdoc/>
    public override void StepDynamics(ReadOnlySpan<double> actions)
    {
        CheckLength(actions.Length, "actions");
        for (int i = 0; i < actions.Length; i++)
        {
            if (Spec.IsDiscrete) _c.DiscreteActions[i] = (int)actions[i];
            else _c.Actions[i] = EnvColumns<T>.FromDouble(actions[i]);
        }
        RunStep(dynamicsOnly: true);
    }

    private void RunStep(bool dynamicsOnly)
    {
        _dynamicsOnly = dynamicsOnly;
        if (_pool is null) for (int k = 0; k < _chunkCount; k++) ExecuteChunk(k);
        else _pool.Run(this, _chunkCount);
        if (dynamicsOnly) return;
        long ended = 0;
        for (int k = 0; k < _chunkCount; k++) ended += _completedPerChunk[k * CountStride];
        EpisodesCompleted += ended;
        StepCount++;
    }

    /// <summary>Steps lanes [chunk·size, (chunk+1)·size); called by the worker pool.</summary>
    public void ExecuteChunk(int chunk)
    {
        int start = chunk * _chunkLanes, end = Math.Min(NumEnvs, start + _chunkLanes);
        unsafe
        {
            if (_pendingDiscrete != null) new ReadOnlySpan<int>(_pendingDiscrete + start, end - start).CopyTo(_c.DiscreteActions.AsSpan(start));
            else if (_pendingContinuous != null) new ReadOnlySpan<float>(_pendingContinuous + start, end - start).CopyTo(MemoryMarshal.Cast<T, float>(_c.Actions.AsSpan(start)));
        }
        if (_dynamicsOnly) _stepper.StepDynamics(_c, start, end);
        else _completedPerChunk[chunk * CountStride] = _stepper.Step(_c, start, end, Options.AutoReset);
    }

    /// <inheritdoc/>
    public override ReadOnlySpan<float> Observation(int j) => _c.Obs[j].AsSpan(0, NumEnvs);
    /// <inheritdoc/>
    public override ReadOnlySpan<float> FinalObservation(int j)
        => Options.AutoReset == AutoResetMode.SameStep ? _c.FinalObs[j].AsSpan(0, NumEnvs) : throw new InvalidOperationException("final observations are kept in same-step auto-reset mode only");
    /// <inheritdoc/>
    public override ReadOnlySpan<bool> Terminated => MemoryMarshal.Cast<byte, bool>(_c.Terminated.AsSpan(0, NumEnvs));
    /// <inheritdoc/>
    public override ReadOnlySpan<bool> Truncated => MemoryMarshal.Cast<byte, bool>(_c.Truncated.AsSpan(0, NumEnvs));
    /// <inheritdoc/>
    public override double Reward(int lane) => EnvColumns<T>.ToDouble(_c.Rewards[lane]);
    /// <inheritdoc/>
    public override void CopyRewards(Span<double> destination)
    {
        CheckLength(destination.Length, "destination");
        if (typeof(T) == typeof(float))
            TensorPrimitives.ConvertChecked<float, double>(MemoryMarshal.Cast<T, float>(_c.Rewards.AsSpan(0, NumEnvs)), destination);   // exact widening, SIMD
        else MemoryMarshal.Cast<T, double>(_c.Rewards.AsSpan(0, NumEnvs)).CopyTo(destination);
    }
    /// <inheritdoc/>
    public override double EpisodeReturn(int lane) => EnvColumns<T>.ToDouble(_c.EpisodeReturn[lane]);
    /// <inheritdoc/>
    public override int EpisodeLength(int lane) => (int)EnvColumns<T>.ToDouble(_c.Elapsed[lane]);
    /// <inheritdoc/>
    public override double FinalReturn(int lane) => EnvColumns<T>.ToDouble(_c.FinalReturn[lane]);
    /// <inheritdoc/>
    public override int FinalLength(int lane) => (int)EnvColumns<T>.ToDouble(_c.FinalLength[lane]);

    /// <inheritdoc/>
    public override void GetState(int lane, Span<double> state)
    {
        for (int j = 0; j < Spec.StateSize; j++) state[j] = EnvColumns<T>.ToDouble(_c.State[j][lane]);
    }

    /// <inheritdoc/>
    public override void SetState(int lane, ReadOnlySpan<double> state)
    {
        if (state.Length != Spec.StateSize)
            throw new ArgumentException($"{Spec.Id} has {Spec.StateSize} state variables; got {state.Length}");
        for (int j = 0; j < Spec.StateSize; j++) _c.State[j][lane] = EnvColumns<T>.FromDouble(state[j]);
        _stepper.ObserveLane(_c, lane);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckLength(int length, string what)
    {
        if (length != NumEnvs) throw new ArgumentException($"{what} has length {length}; the batch has {NumEnvs} envs");
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _pool?.Dispose();
        base.Dispose();
    }
}
