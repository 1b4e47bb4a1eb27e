namespace FastIL.Envs;

/// <summary>
/// A batch of N envs of one kind in Gymnasium's vocabulary (<c>Reset</c>, <c>Step</c>, <c>terminated</c>,
/// <c>truncated</c>), stored as struct-of-arrays: every accessor returns one column over all lanes.
/// Create one with <see cref="EnvRegistry.Create(string, int, EnvOptions?)"/>. Not thread-safe: one caller at a time (it may use
/// several threads internally).
/// </summary>
public abstract class VectorEnv : IDisposable, FastIL.Policies.IColumnSource
{
    private protected VectorEnv(EnvSpec spec, int numEnvs, EnvOptions options)
    {
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "a batch needs at least one env");
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "threads must be at least 1");
        if (options.MaxEpisodeSteps is < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxEpisodeSteps, "max episode steps must be ≥ 0 (0: no limit)");
        Spec = spec;
        NumEnvs = numEnvs;
        Options = options;
    }

    /// <summary>The env's id, spaces and limits.</summary>
    public EnvSpec Spec { get; }
    /// <summary>Number of lanes.</summary>
    public int NumEnvs { get; }
    /// <summary>The options the batch was created with.</summary>
    public EnvOptions Options { get; }
    /// <summary>The kernel path actually used (never <see cref="SimdPath.Auto"/>).</summary>
    public abstract SimdPath Path { get; }
    /// <summary>Episodes that ended (terminated or truncated) since the last <see cref="Reset(ulong)"/>.</summary>
    public long EpisodesCompleted { get; private protected set; }
    /// <summary>Steps taken since the last <see cref="Reset(ulong)"/> (one step = all lanes).</summary>
    public long StepCount { get; private protected set; }

    /// <summary>Resets every lane; lane i's k-th episode starts from a state drawn from (seed, FirstLane + i, k).</summary>
    public abstract void Reset(ulong seed);
    /// <summary>Resets the lanes whose mask entry is true (their next episode), keeping the others.</summary>
    public abstract void Reset(ReadOnlySpan<bool> mask);
    /// <summary>Steps every lane with a discrete action per lane (0 ≤ a &lt; action count).</summary>
    public abstract void Step(ReadOnlySpan<int> actions);
    /// <summary>Steps every lane with a continuous action per lane (clipped by the env as Gymnasium does).</summary>
    public abstract void Step(ReadOnlySpan<float> actions);
    /// <summary>
    /// Advances every lane once from its current state by the dynamics alone (no time limit, no reset, no
    /// episode bookkeeping): the replay primitive. Actions are discrete indices or continuous values.
    /// </summary>
    public abstract void StepDynamics(ReadOnlySpan<double> actions);

    /// <summary>Observation component <paramref name="j"/> of every lane (float32, as Gymnasium returns).</summary>
    public abstract ReadOnlySpan<float> Observation(int j);
    /// <summary>Lanes, as a column source of observations.</summary>
    int FastIL.Policies.IColumnSource.RowCount => NumEnvs;
    /// <summary>Observation column j, as a column source.</summary>
    ReadOnlySpan<float> FastIL.Policies.IColumnSource.Column(int j) => Observation(j);
    /// <summary>Final observation component j of lanes that ended in the last step (same-step mode only).</summary>
    public abstract ReadOnlySpan<float> FinalObservation(int j);
    /// <summary>Whether each lane's last step terminated its episode.</summary>
    public abstract ReadOnlySpan<bool> Terminated { get; }
    /// <summary>Whether each lane's last step hit the time limit.</summary>
    public abstract ReadOnlySpan<bool> Truncated { get; }
    /// <summary>Reward of the last step, lane by lane.</summary>
    public abstract double Reward(int lane);
    /// <summary>Copies the last rewards into <paramref name="destination"/> (length N).</summary>
    public abstract void CopyRewards(Span<double> destination);
    /// <summary>Return accumulated so far in each lane's current episode.</summary>
    public abstract double EpisodeReturn(int lane);
    /// <summary>Steps taken so far in each lane's current episode.</summary>
    public abstract int EpisodeLength(int lane);
    /// <summary>Return of the lane's last finished episode (valid once one has ended).</summary>
    public abstract double FinalReturn(int lane);
    /// <summary>Length of the lane's last finished episode.</summary>
    public abstract int FinalLength(int lane);
    /// <summary>Copies lane's internal state into <paramref name="state"/> (length StateSize).</summary>
    public abstract void GetState(int lane, Span<double> state);
    /// <summary>Sets lane's internal state (rounded to the batch's precision) and recomputes its observation.</summary>
    public abstract void SetState(int lane, ReadOnlySpan<double> state);

    /// <summary>Releases the worker threads, if any.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
