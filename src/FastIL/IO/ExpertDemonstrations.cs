using FastIL.Envs;
using FastIL.Experts;

namespace FastIL.IO;

/// <summary>Records an expert's episodes (all at once, one lane each) as Minari episodes: true env transitions.</summary>
public static class ExpertDemonstrations
{
    /// <summary>
    /// Runs <paramref name="episodes"/> episodes of <paramref name="expert"/> on <paramref name="spec"/> from reset seed
    /// <paramref name="seed"/> (lane i's reset is FastIL's draw for (seed, i, 0)), each up to the time limit.
    /// <paramref name="progress"/>, if given, hears (step, time limit) after every step of the lanes (which run in lock
    /// step, so an expert's episodes tend to end together) and (limit, limit) when the last episode ends.
    /// </summary>
    public static IReadOnlyList<MinariEpisode> Record(EnvSpec spec, IExpert expert, int episodes, ulong seed, int? horizon = null, Action<int, int>? progress = null)
    {
        if (episodes < 1) throw new ArgumentException("at least one episode");
        using var env = EnvRegistry.Create(spec, episodes, new EnvOptions { AutoReset = AutoResetMode.Disabled, MaxEpisodeSteps = horizon });
        int d = spec.ObservationSize, n = episodes;
        var obs = Enumerable.Range(0, n).Select(_ => new List<float>()).ToArray();
        var actI = Enumerable.Range(0, n).Select(_ => new List<long>()).ToArray();
        var actF = Enumerable.Range(0, n).Select(_ => new List<float>()).ToArray();
        var rew = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
        var term = Enumerable.Range(0, n).Select(_ => new List<bool>()).ToArray();
        var trunc = Enumerable.Range(0, n).Select(_ => new List<bool>()).ToArray();
        var active = Enumerable.Repeat(true, n).ToArray();
        var ai = new int[n];
        var af = new float[n];
        env.Reset(seed);
        void Observe()
        {
            for (int i = 0; i < n; i++)
                if (active[i]) for (int j = 0; j < d; j++) obs[i].Add(env.Observation(j)[i]);
        }
        Observe();
        int left = n, step = 0, limit = horizon ?? spec.MaxEpisodeSteps;
        while (left > 0)
        {
            if (spec.IsDiscrete) { expert.Act(env, ai); env.Step(ai); } else { expert.Act(env, af); env.Step(af); }
            for (int i = 0; i < n; i++)
            {
                if (!active[i]) continue;
                if (spec.IsDiscrete) actI[i].Add(ai[i]); else actF[i].Add(af[i]);
                rew[i].Add(env.Reward(i));
                term[i].Add(env.Terminated[i]);
                trunc[i].Add(env.Truncated[i]);
            }
            Observe();   // the next observation of every lane that was running (the last one included)
            for (int i = 0; i < n; i++)
                if (active[i] && (env.Terminated[i] || env.Truncated[i])) { active[i] = false; left--; }
            step++;
            progress?.Invoke(left == 0 ? limit : Math.Min(step, limit), limit);
        }
        var result = new MinariEpisode[n];
        for (int i = 0; i < n; i++)
        {
            int steps = rew[i].Count;
            var o = new float[steps + 1, d];
            for (int r = 0; r <= steps; r++) for (int j = 0; j < d; j++) o[r, j] = obs[i][r * d + j];
            result[i] = new MinariEpisode(i, o, spec.IsDiscrete ? actI[i].ToArray() : null, spec.IsDiscrete ? null : actF[i].ToArray(),
                rew[i].ToArray(), term[i].ToArray(), trunc[i].ToArray());
        }
        return result;
    }
}
