using FastIL.Kernels.Envs;
using FastIL.Kernels.Lanes;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using FastIL.Random;

namespace FastIL.Policies;

/// <summary>
/// Batched float32 inference of a <see cref="LinearPolicy"/> over SoA columns: standardize, feature map and
/// logits with SIMD (TensorPrimitives) column by column, then the action per lane. Scratch buffers are sized
/// once for a batch capacity; calls allocate nothing. Call <see cref="Refresh"/> after the policy's parameters change.
/// </summary>
public sealed class PolicyInference
{
    private readonly LinearPolicy _policy;
    private readonly float[][] _z, _phi, _logits;
    private readonly float[] _w, _b, _scale, _shift, _tmp;
    // Lane code's feature constants: poly2's pair (i, j) of each product feature; RFF's frequencies, phases and √(2/D)
    // as the column pass rounds them to float32.
    private readonly int[] _pairI = [], _pairJ = [];
    private readonly float[] _omega = [], _phase = [];
    private readonly float _rffScale;
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
        if (map.Kind == FeatureKind.Poly2)
        {
            int pairs = map.OutputDim - map.InputDim;
            _pairI = new int[pairs];
            _pairJ = new int[pairs];
            for (int i = 0, k = 0; i < map.InputDim; i++)
                for (int j = i; j < map.InputDim; j++, k++) { _pairI[k] = i; _pairJ[k] = j; }
        }
        else if (map.Kind == FeatureKind.Rff)
        {
            _omega = new float[map.Omega.Length];
            for (int i = 0; i < _omega.Length; i++) _omega[i] = (float)map.Omega[i];
            _phase = new float[map.Phase.Length];
            for (int k = 0; k < _phase.Length; k++) _phase[k] = (float)map.Phase[k];
            _rffScale = (float)Math.Sqrt(2.0 / map.OutputDim);
        }
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

    // Up to this many rows, plain loops beat TensorPrimitives' per-call set-up (DAgger steps batches of 4–10 envs).
    // Both forms round each operation to float32 in the same order (TensorPrimitives' Multiply, Add and MultiplyAdd are
    // unfused), so logits are bit-identical whatever the batch size (tested).
    private const int SmallBatch = 32;

    /// <summary>z = x·scale + shift.</summary>
    private static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> z)
    {
        if (z.Length <= SmallBatch)
        {
            for (int i = 0; i < z.Length; i++) z[i] = x[i] * scale + shift;
            return;
        }
        TensorPrimitives.Multiply(x, scale, z);
        TensorPrimitives.Add(z, shift, z);
    }

    /// <summary>l += φ·w.</summary>
    private static void AddScaled(ReadOnlySpan<float> phi, float w, Span<float> l)
    {
        if (l.Length <= SmallBatch)
        {
            for (int i = 0; i < l.Length; i++) l[i] = phi[i] * w + l[i];
            return;
        }
        TensorPrimitives.MultiplyAdd(phi, w, l, l);
    }

    /// <summary>
    /// Whether <see cref="GreedyAction{TL}"/> can act for this policy: identity, poly2 or random Fourier features of at
    /// most six inputs, and at most four rows. Other policies (coarse features) take the column passes.
    /// </summary>
    internal bool HasLaneCode => _policy.Features.Kind is FeatureKind.Identity or FeatureKind.Poly2 or FeatureKind.Rff
        && _policy.Rows <= 4 && _policy.InputDim <= 6;

    /// <summary>
    /// The greedy action of <paramref name="o"/>'s lanes, as lane code (the action's index as a number): the arithmetic
    /// of <see cref="ComputeLogits"/> and <see cref="Act{TSrc}(TSrc, Span{int})"/> in the same order and float32
    /// roundings — z = x·scale + shift; the features (z itself; poly2's z then z_i·z_j for i ≤ j; random Fourier
    /// features' cos(phase + Σ_j z_j·ω_kj)·√(2/D) with <see cref="Kernels.MathKernels.FastSinCos"/>); l_r = b_r, then
    /// l_r = φ_k·w_rk + l_r for k = 0 … F − 1, each operation rounded — so fused loops (<c>FusedEpisodes</c>,
    /// <c>FusedRollout</c>) act exactly as the column passes. Logistic: 1 iff l₀ &gt; 0; softmax: the argmax, ties to the
    /// lower action; linear: l₀ itself (the env clips it). Requires <see cref="HasLaneCode"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal TL GreedyAction<TL>(in EnvObs<TL> o) where TL : struct, IReal<TL>
    {
        int d = _policy.InputDim, rows = _policy.Rows, f = _policy.FeatureDim;
        float[] w = _w, b = _b;
        TL z0 = Standardized(o.O0, 0), z1 = d > 1 ? Standardized(o.O1, 1) : default, z2 = d > 2 ? Standardized(o.O2, 2) : default;
        TL z3 = d > 3 ? Standardized(o.O3, 3) : default, z4 = d > 4 ? Standardized(o.O4, 4) : default, z5 = d > 5 ? Standardized(o.O5, 5) : default;
        TL l0 = TL.Const(b[0]);
        TL l1 = rows > 1 ? TL.Const(b[1]) : default, l2 = rows > 2 ? TL.Const(b[2]) : default, l3 = rows > 3 ? TL.Const(b[3]) : default;
        FeatureKind kind = _policy.Features.Kind;
        for (int k = 0; k < f; k++)
        {
            TL phi;
            if (k < d && kind != FeatureKind.Rff) phi = Pick(k, z0, z1, z2, z3, z4, z5);
            else if (kind == FeatureKind.Poly2) phi = Pick(_pairI[k - d], z0, z1, z2, z3, z4, z5) * Pick(_pairJ[k - d], z0, z1, z2, z3, z4, z5);
            else
            {
                TL acc = TL.Const(_phase[k]);
                for (int j = 0; j < d; j++) acc = Pick(j, z0, z1, z2, z3, z4, z5) * TL.Const(_omega[k * d + j]) + acc;
                phi = TL.Cos(acc) * TL.Const(_rffScale);
            }
            l0 = phi * TL.Const(w[k]) + l0;
            if (rows > 1) l1 = phi * TL.Const(w[f + k]) + l1;
            if (rows > 2) l2 = phi * TL.Const(w[2 * f + k]) + l2;
            if (rows > 3) l3 = phi * TL.Const(w[3 * f + k]) + l3;
        }
        if (_policy.Kind == PolicyKind.Linear) return l0;
        TL zero = TL.Const(0);
        if (_policy.Kind == PolicyKind.Logistic) return TL.Select(TL.GreaterThan(l0, zero), TL.Const(1), zero);
        TL best = l0, action = zero;
        if (rows > 1) { TL gt = TL.GreaterThan(l1, best); best = TL.Select(gt, l1, best); action = TL.Select(gt, TL.Const(1), action); }
        if (rows > 2) { TL gt = TL.GreaterThan(l2, best); best = TL.Select(gt, l2, best); action = TL.Select(gt, TL.Const(2), action); }
        if (rows > 3) { TL gt = TL.GreaterThan(l3, best); action = TL.Select(gt, TL.Const(3), action); }
        return action;
    }

    /// <summary>Input j standardized as the column pass does it: x·scale + shift, two float32 roundings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TL Standardized<TL>(TL x, int j) where TL : struct, IReal<TL> => x * TL.Const(_scale[j]) + TL.Const(_shift[j]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Pick<TL>(int j, TL z0, TL z1, TL z2, TL z3, TL z4, TL z5) where TL : struct, IReal<TL>
        => j switch { 0 => z0, 1 => z1, 2 => z2, 3 => z3, 4 => z4, _ => z5 };

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
    /// so sampling is reproducible whatever the batching.
    /// </summary>
    public void Sample<TSrc>(TSrc obs, Span<int> actions, ulong seed, ulong counter, long firstLane = 0) where TSrc : IColumnSource
    {
        ComputeLogits(obs);
        int n = obs.RowCount;
        Span<float> p = stackalloc float[Math.Max(2, _policy.Rows)];
        for (int i = 0; i < n; i++)
        {
            RowProbabilities(i, p);
            double u = CounterRng.Uniform(seed, (ulong)(firstLane + i), counter, 7);
            int a = 0;
            double acc = p[0];
            while (a < p.Length - 1 && u >= acc) acc += p[++a];
            actions[i] = a;
        }
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
