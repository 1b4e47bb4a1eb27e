using System.Runtime.CompilerServices;
namespace FastIL.Envs;

/// <summary>
/// What an env is from the outside, apart from its dynamics: id, spaces, time limit and reset distribution.
/// </summary>
public sealed class EnvSpec
{
    /// <summary>Gymnasium id, e.g. <c>CartPole-v1</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Gymnasium's TimeLimit for the id.</summary>
    public required int MaxEpisodeSteps { get; init; }
    /// <summary>Names of the internal state variables (the CSV's state_i columns, in order).</summary>
    public required string[] StateNames { get; init; }
    /// <summary>Names of the observation components.</summary>
    public required string[] ObservationNames { get; init; }
    /// <summary>Lower bounds of the observation space.</summary>
    public required float[] ObservationLow { get; init; }
    /// <summary>Upper bounds of the observation space.</summary>
    public required float[] ObservationHigh { get; init; }
    /// <summary>Number of discrete actions, or 0 for a one-dimensional continuous action.</summary>
    public required int ActionCount { get; init; }
    /// <summary>Lower bound of the continuous action space (the env clips to it).</summary>
    public float ActionLow { get; init; }
    /// <summary>Upper bound of the continuous action space.</summary>
    public float ActionHigh { get; init; }
    /// <summary>Reset draws state variable j uniformly in [ResetLow[j], ResetHigh[j]) (equal bounds: a constant).</summary>
    public required double[] ResetLow { get; init; }
    /// <summary>Upper reset bounds.</summary>
    public required double[] ResetHigh { get; init; }
    /// <summary>Acrobot stores its reset state as float32.</summary>
    public bool ResetRoundsToSingle { get; init; }

    /// <summary>
    /// Builds a batch of this env, for envs that are not classic-control dynamics (the tabular ones); null for the
    /// classic-control envs, which <see cref="EnvRegistry.Create(EnvSpec, int, EnvOptions?)"/> builds from their dynamics.
    /// </summary>
    public Func<EnvSpec, int, EnvOptions, VectorEnv>? CreateBatch { get; init; }
    /// <summary>Builds the env's built-in expert for batches of up to the given rows; null: <see cref="Experts.BuiltinExperts"/>' own.</summary>
    public Func<int, Experts.IExpert>? CreateExpert { get; init; }

    /// <summary>
    /// The env's lane code (dynamics and expert rule in FastIL.Kernels) turned into batches, the built-in expert and
    /// the ILGPU kernels; null for envs built by <see cref="CreateBatch"/> (the tabular ones).
    /// </summary>
    internal ILaneCode? Lanes { get; init; }
    /// <summary>The built-in expert's name in reports (envs with <see cref="Lanes"/>).</summary>
    public string? ExpertName { get; init; }
    /// <summary>The env's default BC/DAgger run (<see cref="Algorithms.ImitationConfig.For"/>); null: the generic defaults.</summary>
    public Algorithms.ImitationConfig? Defaults { get; init; }
    /// <summary>Gymnasium's registration of the id (for Minari's <c>env_spec</c>); null for envs Gymnasium does not have.</summary>
    public GymnasiumRegistration? Gymnasium { get; init; }

    /// <summary>Whether batches have SIMD paths and a float64 mode (false for the tabular envs: scalar, integer state).</summary>
    public bool HasSimdPaths { get; init; } = true;

    /// <summary>True for discrete action spaces.</summary>
    public bool IsDiscrete => ActionCount > 0;
    /// <summary>Number of internal state variables.</summary>
    public int StateSize => StateNames.Length;
    /// <summary>Number of observation components.</summary>
    public int ObservationSize => ObservationNames.Length;

    /// <summary>
    /// The float32 reset state of (seed, lane, episode): two 64-bit mixes give four 24-bit uniforms, all a float32
    /// state can resolve. <paramref name="seedMix"/> is <c>CounterRng.Mix(seed)</c>, computed once per reset of the batch.
    /// </summary>
    public void SampleInitialStateSingle(ulong seedMix, long lane, long episode, Span<float> state)
    {
        ulong key = ResetKeySingle(seedMix, lane, episode);
        ulong b0 = ResetBitsSingle(key, 0), b1 = ResetBitsSingle(key, 1);
        for (int j = 0; j < ResetLow.Length; j++)
            state[j] = ResetDrawSingle(j < 2 ? b0 : b1, j, (float)ResetLow[j], (float)(ResetHigh[j] - ResetLow[j]));
    }

    // The pieces of a float32 reset draw live in FastIL.Kernels.Envs.ResetDraw, shared with the steppers and the
    // ILGPU kernels, which inline them per state variable.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ResetKeySingle(ulong seedMix, long lane, long episode) => Kernels.Envs.ResetDraw.Key(seedMix, lane, episode);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ResetBitsSingle(ulong key, int pair) => Kernels.Envs.ResetDraw.Bits(key, pair);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ResetDrawSingle(ulong bits, int j, float lo, float span) => Kernels.Envs.ResetDraw.Draw(bits, j, lo, span);

    /// <summary>Writes the reset state of (seed, lane, episode) into <paramref name="state"/> (53-bit draws, float64 batches).</summary>
    public void SampleInitialState(ulong seed, long lane, long episode, Span<double> state)
    {
        ulong key = Random.CounterRng.Key(seed, (ulong)lane, (ulong)episode);
        for (int j = 0; j < ResetLow.Length; j++)
        {
            double lo = ResetLow[j], hi = ResetHigh[j];
            double v = lo == hi ? lo : lo + (hi - lo) * Random.CounterRng.UniformFromKey(key, (ulong)j);
            state[j] = ResetRoundsToSingle ? (float)v : v;
        }
    }
}
