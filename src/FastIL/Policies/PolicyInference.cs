using FastIL.Kernels.Envs;
using FastIL.Kernels.Lanes;
using FastIL.Kernels.Policies;
using System.Runtime.CompilerServices;
using FastIL.Random;

namespace FastIL.Policies;

/// <summary>
/// Batched float32 inference of a <see cref="LinearPolicy"/> over SoA columns: standardize, feature map and
/// logits with SIMD (ColumnOps) column by column, then the action per lane. Scratch buffers are sized
/// once for a batch capacity; calls allocate nothing. Call <see cref="Refresh"/> after the policy's parameters change.
/// </summary>
public sealed class PolicyInference
{
    private readonly LinearPolicy _policy;
    private readonly float[][] _z, _phi, _logits;
    private readonly float[] _w, _b, _scale, _shift, _tmp;
    // Lane code's RFF frequencies and phases, as the column pass rounds them to float32, and its view of the parameters.
    private readonly float[] _omega = [], _phase = [];
    private readonly LaneParameters _lanes;
    private readonly int _capacity;

    /// <summary>Prepares inference of <paramref name="policy"/> for batches of up to <paramref name="capacity"/> rows.</summary>
    public PolicyInference(LinearPolicy policy, int capacity)
    {
        _policy = policy;
        _capacity = capacity;
        _z = Alloc(policy.InputDim, capacity);
        _phi = policy.Features.Kind == FeatureKind.Identity ? _z : Alloc(policy.FeatureDim, capacity);
        _logits = Alloc(policy.Rows, capacity);
        _w = new float[policy.Weights.Length];
        _b = new float[policy.Rows];
        _scale = new float[policy.InputDim];
        _shift = new float[policy.InputDim];
        _tmp = new float[capacity];
        var map = policy.Features;
        if (map.Kind == FeatureKind.Rff)
        {
            _omega = new float[map.Omega.Length];
            for (int i = 0; i < _omega.Length; i++) _omega[i] = (float)map.Omega[i];
            _phase = new float[map.Phase.Length];
            for (int k = 0; k < _phase.Length; k++) _phase[k] = (float)map.Phase[k];
        }
        _lanes = new LaneParameters(this, LaneKind(policy.Kind), LaneFeatures(map.Kind), RffScale(map));
        Refresh();
    }

    private static float[][] Alloc(int cols, int n)
    {
        var a = new float[cols][];
        for (int j = 0; j < cols; j++) a[j] = new float[n];
        return a;
    }

    /// <summary>The policy evaluated.</summary>
    public LinearPolicy Policy => _policy;

    /// <summary>Re-reads the policy's parameters (after a fit).</summary>
    public void Refresh()
    {
        for (int i = 0; i < _w.Length; i++) _w[i] = (float)_policy.Weights[i];
        for (int r = 0; r < _b.Length; r++) _b[r] = (float)_policy.Bias[r];
        for (int j = 0; j < _scale.Length; j++)
        {
            double s = _policy.Standardize ? 1.0 / _policy.Std[j] : 1.0;
            _scale[j] = (float)s;
            _shift[j] = _policy.Standardize ? (float)(-_policy.Mean[j] * s) : 0f;
        }
    }

    /// <summary>Computes the logits (or the continuous output in row 0) of every row of <paramref name="obs"/>.</summary>
    public void ComputeLogits<TSrc>(TSrc obs) where TSrc : IColumnSource
    {
        int n = obs.RowCount;
        if (n > _capacity) throw new ArgumentException($"batch of {n} rows exceeds the inference capacity {_capacity}");
        for (int j = 0; j < _policy.InputDim; j++) ScaleShift(obs.Column(j)[..n], _scale[j], _shift[j], _z[j].AsSpan(0, n));
        if (_policy.Features.Kind != FeatureKind.Identity) _policy.Features.Apply<float>(_z, _phi, 0, n);
        int f = _policy.FeatureDim;
        for (int r = 0; r < _policy.Rows; r++)
        {
            Span<float> l = _logits[r].AsSpan(0, n);
            l.Fill(_b[r]);
            for (int k = 0; k < f; k++) AddScaled(_phi[k].AsSpan(0, n), _w[r * f + k], l);
        }
    }

    // Up to this many rows, plain loops beat the vector passes' set-up (DAgger steps batches of 4–10 envs). Both forms
    // round each operation to float32 in the same order (ColumnOps does not fuse), so logits are bit-identical whatever
    // the batch size (tested).
    private const int SmallBatch = 32;

    /// <summary>z = x·scale + shift.</summary>
    private static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> z)
    {
        if (z.Length <= SmallBatch)
        {
            for (int i = 0; i < z.Length; i++) z[i] = x[i] * scale + shift;
            return;
        }
        Learning.ColumnOps.Affine(x, scale, shift, z);
    }

    /// <summary>l += φ·w.</summary>
    private static void AddScaled(ReadOnlySpan<float> phi, float w, Span<float> l)
    {
        if (l.Length <= SmallBatch)
        {
            for (int i = 0; i < l.Length; i++) l[i] = phi[i] * w + l[i];
            return;
        }
        Learning.ColumnOps.MultiplyAdd(phi, w, l);
    }

    /// <summary>
    /// Whether <see cref="GreedyAction{TL}"/> can act for this policy: identity, poly2 or random Fourier features of at
    /// most six inputs, and at most four rows. Other policies (coarse features) take the column passes.
    /// </summary>
    internal bool HasLaneCode => LaneFeatures(_policy.Features.Kind) != CoarseLaneFeatures
        && _policy.Rows <= Kernels.Policies.LinearLanes.MaxRows && _policy.InputDim <= Kernels.Policies.LinearLanes.MaxInputs;

    /// <summary><see cref="Kernels.Policies.ILinearParameters.Kind"/>'s code of a policy kind (the CPU's and the kernels').</summary>
    internal static int LaneKind(PolicyKind kind) => kind switch { PolicyKind.Logistic => 0, PolicyKind.Softmax => 1, _ => 2 };

    /// <summary><see cref="Kernels.Policies.ILinearParameters.Features"/>'s code of a feature map (coarse: no lane code).</summary>
    internal static int LaneFeatures(FeatureKind kind) => kind switch { FeatureKind.Identity => 0, FeatureKind.Poly2 => 1, FeatureKind.Rff => 2, _ => CoarseLaneFeatures };

    private const int CoarseLaneFeatures = 3;

    /// <summary>√(2/D) of a random-Fourier map rounded to float32, as the column pass scales its cosines.</summary>
    internal static float RffScale(FeatureMap map) => (float)Math.Sqrt(2.0 / map.OutputDim);

    /// <summary>
    /// The greedy action of <paramref name="o"/>'s lanes, as lane code (<see cref="Kernels.Policies.LinearLanes"/>, which
    /// the GPU kernels run too): the arithmetic of <see cref="ComputeLogits"/> and <see cref="Act{TSrc}(TSrc, Span{int})"/>
    /// in the same order and float32 roundings, so fused loops (<c>FusedEpisodes</c>, <c>FusedRollout</c>) act exactly
    /// as the column passes. Requires <see cref="HasLaneCode"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal TL GreedyAction<TL>(in EnvObs<TL> o) where TL : struct, IReal<TL> => Kernels.Policies.LinearLanes.Greedy(in _lanes, in o);

    /// <summary>This inference's float32 parameters as <see cref="Kernels.Policies.LinearLanes"/> reads them (the same arrays).</summary>
    private readonly struct LaneParameters(PolicyInference owner, int kind, int features, float rffScale) : Kernels.Policies.ILinearParameters
    {
        private readonly float[] _w = owner._w, _b = owner._b, _scale = owner._scale, _shift = owner._shift, _omega = owner._omega, _phase = owner._phase;
        public int Kind { get; } = kind;
        public int Rows { get; } = owner._policy.Rows;
        public int InputDim { get; } = owner._policy.InputDim;
        public int FeatureDim { get; } = owner._policy.FeatureDim;
        public int Features { get; } = features;
        public float RffScale { get; } = rffScale;
        public float Weight(int i) => _w[i];
        public float Bias(int r) => _b[r];
        public float Scale(int j) => _scale[j];
        public float Shift(int j) => _shift[j];
        public float Omega(int i) => _omega[i];
        public float Phase(int k) => _phase[k];
    }

    /// <summary>Logit row r (or the continuous output for r = 0) from the last <see cref="ComputeLogits"/>.</summary>
    public ReadOnlySpan<float> Logits(int r, int n) => _logits[r].AsSpan(0, n);

    /// <summary>Greedy discrete actions (argmax; ties to the lower action).</summary>
    public void Act<TSrc>(TSrc obs, Span<int> actions) where TSrc : IColumnSource
    {
        ComputeLogits(obs);
        int n = obs.RowCount;
        if (_policy.Kind == PolicyKind.Logistic)
        {
            ReadOnlySpan<float> l = _logits[0].AsSpan(0, n);
            for (int i = 0; i < n; i++) actions[i] = l[i] > 0 ? 1 : 0;
        }
        else if (_policy.Kind == PolicyKind.Softmax)
        {
            actions[..n].Clear();
            Span<float> best = _tmp.AsSpan(0, n);
            _logits[0].AsSpan(0, n).CopyTo(best);
            for (int r = 1; r < _policy.Rows; r++)
            {
                ReadOnlySpan<float> l = _logits[r].AsSpan(0, n);
                for (int i = 0; i < n; i++)
                    if (l[i] > best[i]) { best[i] = l[i]; actions[i] = r; }
            }
        }
        else throw new InvalidOperationException("a linear policy outputs continuous actions: use Act(obs, Span<float>)");
    }

    /// <summary>Continuous actions of a linear policy (the env clips them to its bounds).</summary>
    public void Act<TSrc>(TSrc obs, Span<float> actions) where TSrc : IColumnSource
    {
        if (_policy.Kind != PolicyKind.Linear) throw new InvalidOperationException("a discrete policy outputs int actions");
        ComputeLogits(obs);
        _logits[0].AsSpan(0, obs.RowCount).CopyTo(actions);
    }

    /// <summary>
    /// Actions sampled from the policy's distribution; lane i's draw depends only on (seed, firstLane + i, counter),
    /// so sampling is reproducible whatever the batching. Each row's action is the lane code's
    /// (<see cref="Kernels.Policies.LinearLanes.SampledAction{TL}"/>: the Gumbel-max rule with
    /// <see cref="Kernels.Policies.GumbelDraws"/>' noise), so a fused loop sampling with
    /// <see cref="SampledAction{TL}"/> draws the same actions.
    /// </summary>
    public void Sample<TSrc>(TSrc obs, Span<int> actions, ulong seed, ulong counter, long firstLane = 0) where TSrc : IColumnSource
    {
        if (_policy.Kind == PolicyKind.Linear) throw new InvalidOperationException("a linear policy has no action distribution to sample");
        ComputeLogits(obs);
        int n = obs.RowCount, rows = _policy.Rows, kind = LaneKind(_policy.Kind);
        for (int i = 0; i < n; i++)
        {
            // One lane's noise, drawn as SampledAction<TL> draws it for the same lane (a softmax has at least two rows).
            ulong lane = (ulong)(firstLane + i);
            GumbelNoise<F32> g = default;
            g.G0 = new(GumbelDraws.Gumbel(seed, lane, counter, 0));
            g.G1 = new(GumbelDraws.Gumbel(seed, lane, counter, 1));
            if (rows > 2) g.G2 = new(GumbelDraws.Gumbel(seed, lane, counter, 2));
            if (rows > 3) g.G3 = new(GumbelDraws.Gumbel(seed, lane, counter, 3));
            F32 l1 = rows > 1 ? new(_logits[1][i]) : default, l2 = rows > 2 ? new(_logits[2][i]) : default, l3 = rows > 3 ? new(_logits[3][i]) : default;
            actions[i] = (int)Kernels.Policies.LinearLanes.SampledAction(kind, rows, new F32(_logits[0][i]), l1, l2, l3, in g).V;
        }
    }

    /// <summary>
    /// Sampled actions of <paramref name="o"/>'s lanes as lane code, with the noise of lanes
    /// <paramref name="firstLane"/> … <paramref name="firstLane"/> + TL.Count − 1 (the draws <see cref="Sample{TSrc}"/>
    /// makes for those lanes). Requires <see cref="HasLaneCode"/> and a discrete policy.
    /// </summary>
    internal TL SampledAction<TL>(in EnvObs<TL> o, ulong seed, ulong firstLane, ulong counter) where TL : struct, ILane<TL, float>
    {
        var g = Noise<TL>(seed, firstLane, counter);
        return Kernels.Policies.LinearLanes.Sample(in _lanes, in o, in g);
    }

    // The Gumbel noise of the TL.Count lanes from `firstLane`, as lanes of TL (a logistic policy draws two values per lane).
    private GumbelNoise<TL> Noise<TL>(ulong seed, ulong firstLane, ulong counter) where TL : struct, ILane<TL, float>
    {
        int draws = _policy.Kind == PolicyKind.Logistic ? 2 : _policy.Rows;
        Span<float> v = stackalloc float[4 * 16];
        for (int l = 0; l < TL.Count; l++)
            for (int r = 0; r < draws; r++) v[r * 16 + l] = GumbelDraws.Gumbel(seed, firstLane + (ulong)l, counter, r);
        GumbelNoise<TL> g = default;
        g.G0 = TL.Load(ref v[0]);
        if (draws > 1) g.G1 = TL.Load(ref v[16]);
        if (draws > 2) g.G2 = TL.Load(ref v[32]);
        if (draws > 3) g.G3 = TL.Load(ref v[48]);
        return g;
    }

    /// <summary>Action probabilities of row i after <see cref="ComputeLogits"/> (stable: the row maximum is subtracted).</summary>
    public void RowProbabilities(int i, Span<float> probs)
    {
        if (_policy.Kind == PolicyKind.Logistic)
        {
            float z = _logits[0][i];
            float p1 = z >= 0 ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));
            probs[0] = 1f - p1; probs[1] = p1;
            return;
        }
        if (_policy.Kind == PolicyKind.Linear) throw new InvalidOperationException("a linear policy has no action probabilities");
        float m = float.NegativeInfinity;
        for (int r = 0; r < _policy.Rows; r++) m = MathF.Max(m, _logits[r][i]);
        float s = 0;
        for (int r = 0; r < _policy.Rows; r++) { probs[r] = MathF.Exp(_logits[r][i] - m); s += probs[r]; }
        for (int r = 0; r < _policy.Rows; r++) probs[r] /= s;
    }
}
