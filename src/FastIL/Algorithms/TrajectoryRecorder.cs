using FastIL.Envs;
using FastIL.IO;

namespace FastIL.Algorithms;

/// <summary>
/// Keeps every trajectory a BC/DAgger run collects as an episode: the observations visited, the actions actually
/// taken (so consecutive rows are true transitions), rewards, flags, and the expert's label of every state. It is
/// DAgger's aggregate as episodes, for <c>dagger --save-dataset</c> (a Minari dataset; labels in
/// <c>infos/expert_action</c>).
/// </summary>
public sealed class TrajectoryRecorder
{
    private readonly List<MinariEpisode> _episodes = [];
    private readonly List<float[]> _labels = [];
    private List<float>[] _obs = [], _act = [], _lab = [];
    private List<double>[] _rew = [];
    private List<bool>[] _term = [], _trunc = [];
    private int _d;
    private bool _discrete;
    private int _first;

    /// <summary>The episodes recorded so far, in the order they were collected (iteration, then lane).</summary>
    public IReadOnlyList<MinariEpisode> Episodes => _episodes;
    /// <summary>The expert's label of every step of each episode.</summary>
    public IReadOnlyList<float[]> ExpertLabels => _labels;

    internal void Begin(VectorEnv env)
    {
        int m = env.NumEnvs;
        _d = env.Spec.ObservationSize;
        _discrete = env.Spec.IsDiscrete;
        _first = _episodes.Count;
        _obs = New<float>(m); _act = New<float>(m); _lab = New<float>(m); _rew = New<double>(m); _term = New<bool>(m); _trunc = New<bool>(m);
        for (int i = 0; i < m; i++) AddObservation(env, i);
    }

    private static List<T>[] New<T>(int m) => Enumerable.Range(0, m).Select(_ => new List<T>()).ToArray();

    private void AddObservation(VectorEnv env, int i)
    {
        for (int j = 0; j < _d; j++) _obs[i].Add(env.Observation(j)[i]);
    }

    /// <summary>After a step: lane i acted <paramref name="action"/> where the expert said <paramref name="label"/>.</summary>
    internal void Step(VectorEnv env, int i, float action, float label)
    {
        _act[i].Add(action);
        _lab[i].Add(label);
        _rew[i].Add(env.Reward(i));
        _term[i].Add(env.Terminated[i]);
        _trunc[i].Add(env.Truncated[i]);
        AddObservation(env, i);
    }

    internal void End()
    {
        for (int i = 0; i < _obs.Length; i++)
        {
            int t = _rew[i].Count;
            var o = new float[t + 1, _d];
            for (int r = 0; r <= t; r++) for (int j = 0; j < _d; j++) o[r, j] = _obs[i][r * _d + j];
            _episodes.Add(new MinariEpisode(_first + i, o, _discrete ? _act[i].Select(a => (long)a).ToArray() : null, _discrete ? null : _act[i].ToArray(),
                _rew[i].ToArray(), _term[i].ToArray(), _trunc[i].ToArray()));
            _labels.Add(_lab[i].ToArray());
        }
    }
}
