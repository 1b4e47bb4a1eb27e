using FastIL.Envs;
using FastIL.Experts;
using FastIL.Learning;
using FastIL.Policies;

namespace FastIL.Benchmarks;

/// <summary>Shared benchmark data: CartPole-like rows labelled by the CartPole expert.</summary>
public static class BenchData
{
    /// <summary>The CartPole defaults' learner: logistic on the four raw observations.</summary>
    public static LinearPolicy CartPoleLogistic()
        => new(PolicyKind.Logistic, 2, FeatureMap.Parse("identity", 4, 0), ["x", "x_dot", "theta", "theta_dot"], standardize: false);

    /// <summary>A DAgger-style refit's start: <paramref name="fitted"/>'s weights perturbed by up to 20 %, then its biases.</summary>
    public static double[] PerturbedStart(LinearPolicy fitted)
        => [.. fitted.Weights.Select((w, i) => w * (1 + 0.2 * Math.Sin(i + 1))), .. fitted.Bias];

    /// <summary>
    /// <paramref name="rows"/> CartPole states visited by an expert that acts randomly 30% of the time (so states
    /// spread beyond the expert's own distribution), each labelled with the expert's action.
    /// </summary>
    public static Dataset CartPoleRows(int rows, ulong seed = 1) => ExpertRows("CartPole-v1", rows, seed);

    /// <summary>
    /// <paramref name="rows"/> states of the discrete env <paramref name="env"/> visited by its built-in expert acting
    /// uniformly at random 30% of the time, each labelled with the expert's action.
    /// </summary>
    public static Dataset ExpertRows(string env, int rows, ulong seed = 1)
    {
        const int lanes = 4096;
        EnvSpec spec = EnvRegistry.Get(env);
        using var batch = EnvRegistry.Create(env, lanes);
        var expert = BuiltinExperts.For(spec, lanes);
        batch.Reset(seed);
        var labels = new int[lanes];
        var act = new int[lanes];
        var data = new Dataset(spec.ObservationSize, continuous: false, capacity: rows + lanes);
        for (ulong t = 0; data.Count < rows; t++)
        {
            expert.Act(batch, labels);
            for (int i = 0; i < lanes; i++)
                act[i] = FastIL.Random.CounterRng.Uniform(seed, (ulong)i, t, 5) < 0.3
                    ? (int)(FastIL.Random.CounterRng.Bits(seed, (ulong)i, t, 6) % (ulong)spec.ActionCount) : labels[i];
            data.Append(batch, labels);
            batch.Step(act);
        }
        return data;
    }
}
