namespace FastIL.Algorithms;

/// <summary>One row of the distribution-shift comparison: DAgger with its defaults versus BC given as many expert labels.</summary>
public sealed record ShiftRow(string Env, ulong Seed, int DaggerLabels, int BcLabels, int BcDemos, EvaluationResult Dagger, EvaluationResult Bc, double ExpertReturn);

/// <summary>
/// The distribution-shift experiment: run DAgger with the env's defaults, then BC with the same number of expert
/// labels (demonstrations = DAgger's labels / the expert's mean episode length, measured in DAgger's β = 1
/// first iteration), and evaluate both on the same held-out episodes.
/// </summary>
public static class ShiftExperiment
{
    /// <summary>Runs the comparison for one env and seed.</summary>
    public static ShiftRow Run(string env, ulong seed, int evalEpisodes = 1000, int threads = 1)
    {
        var cfg = ImitationConfig.For(env) with { Seed = seed, EvalEpisodes = evalEpisodes, Threads = threads };
        var dagger = ImitationRunner.Run(cfg);
        var first = dagger.Iterations[0];
        if (first.Beta != 1.0) throw new InvalidOperationException("the comparison needs β_1 = 1 to measure the expert's episode length");
        double expertLength = first.DatasetSize / (double)cfg.Rollouts;
        int labels = dagger.Iterations[^1].DatasetSize;
        int demos = Math.Max(1, (int)Math.Round(labels / expertLength));
        var bc = ImitationRunner.Run(cfg with { Algorithm = Algorithm.BC, Rollouts = demos });
        return new ShiftRow(env, seed, labels, bc.Iterations[0].DatasetSize, demos, dagger.Final, bc.Final, dagger.Expert.ReturnMean);
    }
}
