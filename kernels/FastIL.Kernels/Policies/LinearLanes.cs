using System.Runtime.CompilerServices;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.Policies;

/// <summary>
/// A linear policy's parameters as its lane code reads them: float32 weights (row-major, Rows × FeatureDim) and biases,
/// the standardization folded into z = x·scale + shift, and the random-Fourier-feature constants. The CPU reads them
/// from arrays (<c>PolicyInference</c>), the GPU kernels from device views (<see cref="Gpu.LanePolicy"/>).
/// </summary>
public interface ILinearParameters
{
    /// <summary>Output layer: 0 logistic, 1 softmax, 2 linear (continuous).</summary>
    int Kind { get; }
    /// <summary>Weight rows (at most <see cref="LinearLanes.MaxRows"/>).</summary>
    int Rows { get; }
    /// <summary>Inputs (observation components, at most <see cref="LinearLanes.MaxInputs"/>).</summary>
    int InputDim { get; }
    /// <summary>Features per row.</summary>
    int FeatureDim { get; }
    /// <summary>Feature map: 0 identity, 1 poly2, 2 random Fourier features (coarse maps have no lane code).</summary>
    int Features { get; }
    /// <summary>√(2/D) of random Fourier features, rounded to float.</summary>
    float RffScale { get; }
    /// <summary>Weight i (row r, feature k at r·FeatureDim + k).</summary>
    float Weight(int i);
    /// <summary>Bias of row r.</summary>
    float Bias(int r);
    /// <summary>Input j's scale (1/std or 1).</summary>
    float Scale(int j);
    /// <summary>Input j's shift (−mean/std or 0).</summary>
    float Shift(int j);
    /// <summary>RFF frequency of feature k and input j at k·InputDim + j.</summary>
    float Omega(int i);
    /// <summary>RFF phase of feature k.</summary>
    float Phase(int k);
}

/// <summary>
/// A linear policy's greedy and sampled actions as lane code, written once for the CPU's SIMD lanes and the GPU's G32 lanes: the
/// arithmetic of the CPU's column passes, in their order and float32 roundings — z = x·scale + shift; the features
/// (z itself; poly2's z, then z_i·z_j for i ≤ j in row order; random Fourier features' cos(phase + Σ_j z_j·ω_kj)·√(2/D)
/// with the lanes' cos, <see cref="MathKernels.FastSinCos"/>'s polynomial); l_r = b_r, then l_r = φ_k·w_rk + l_r for
/// k = 0 … F − 1, each operation rounded. Logistic: 1 iff l₀ &gt; 0; softmax: the argmax, ties to the lower action;
/// linear: l₀ itself (the env clips it).
/// </summary>
public static class LinearLanes
{
    /// <summary>Most weight rows (softmax actions): the logits live in four lane registers.</summary>
    public const int MaxRows = 4;
    /// <summary>Most inputs: the standardized inputs live in six lane registers (an <see cref="EnvObs{TV}"/>'s width).</summary>
    public const int MaxInputs = 6;

    /// <summary>The greedy action of <paramref name="o"/>'s lanes (the action's index as a number, or the continuous output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TL Greedy<TL, TP>(in TP p, in EnvObs<TL> o) where TL : struct, IReal<TL> where TP : struct, ILinearParameters
    {
        Logits(in p, in o, out TL l0, out TL l1, out TL l2, out TL l3);
        if (p.Kind == 2) return l0;
        TL zero = TL.Const(0);
        if (p.Kind == 0) return TL.Select(TL.GreaterThan(l0, zero), TL.Const(1), zero);
        return Argmax(p.Rows, l0, l1, l2, l3);
    }

    /// <summary>
    /// An action of <paramref name="o"/>'s lanes sampled from the policy's distribution, by the Gumbel-max rule
    /// (<see cref="SampledAction{TL}"/>) with each lane's noise <paramref name="g"/>. A linear (continuous) policy has no
    /// distribution: its output is returned as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TL Sample<TL, TP>(in TP p, in EnvObs<TL> o, in GumbelNoise<TL> g) where TL : struct, IReal<TL> where TP : struct, ILinearParameters
    {
        Logits(in p, in o, out TL l0, out TL l1, out TL l2, out TL l3);
        return p.Kind == 2 ? l0 : SampledAction(p.Kind, p.Rows, l0, l1, l2, l3, in g);
    }

    /// <summary>
    /// The sampled action given the logits: argmax_r (l_r + g_r), ties to the lower action, with g_r standard Gumbel
    /// noise, which draws action r with probability softmax(l)_r exactly. A logistic policy is the two-row softmax of
    /// (0, l₀): action 1 iff l₀ + g₁ &gt; g₀. Written once for the column passes (one F32 lane per row), the SIMD lanes
    /// and the GPU's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TL SampledAction<TL>(int kind, int rows, TL l0, TL l1, TL l2, TL l3, in GumbelNoise<TL> g) where TL : struct, IReal<TL>
    {
        if (kind == 0) return TL.Select(TL.GreaterThan(l0 + g.G1, g.G0), TL.Const(1), TL.Const(0));
        return Argmax(rows, l0 + g.G0, rows > 1 ? l1 + g.G1 : default, rows > 2 ? l2 + g.G2 : default, rows > 3 ? l3 + g.G3 : default);
    }

    /// <summary>The index of the largest of the first <paramref name="rows"/> values, ties to the lower index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static TL Argmax<TL>(int rows, TL l0, TL l1, TL l2, TL l3) where TL : struct, IReal<TL>
    {
        TL best = l0, action = TL.Const(0);
        if (rows > 1) { TL gt = TL.GreaterThan(l1, best); best = TL.Select(gt, l1, best); action = TL.Select(gt, TL.Const(1), action); }
        if (rows > 2) { TL gt = TL.GreaterThan(l2, best); best = TL.Select(gt, l2, best); action = TL.Select(gt, TL.Const(2), action); }
        if (rows > 3) { TL gt = TL.GreaterThan(l3, best); action = TL.Select(gt, TL.Const(3), action); }
        return action;
    }

    /// <summary>The logits l_0 … l_{Rows−1} of <paramref name="o"/>'s lanes (rows past Rows are left 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Logits<TL, TP>(in TP p, in EnvObs<TL> o, out TL l0, out TL l1, out TL l2, out TL l3)
        where TL : struct, IReal<TL> where TP : struct, ILinearParameters
    {
        int d = p.InputDim, rows = p.Rows, f = p.FeatureDim, features = p.Features;
        TL z0 = Standardized(p, o.O0, 0), z1 = d > 1 ? Standardized(p, o.O1, 1) : default, z2 = d > 2 ? Standardized(p, o.O2, 2) : default;
        TL z3 = d > 3 ? Standardized(p, o.O3, 3) : default, z4 = d > 4 ? Standardized(p, o.O4, 4) : default, z5 = d > 5 ? Standardized(p, o.O5, 5) : default;
        l0 = TL.Const(p.Bias(0));
        l1 = rows > 1 ? TL.Const(p.Bias(1)) : default; l2 = rows > 2 ? TL.Const(p.Bias(2)) : default; l3 = rows > 3 ? TL.Const(p.Bias(3)) : default;
        if (features == 2)
        {
            for (int k = 0; k < f; k++)
            {
                TL acc = TL.Const(p.Phase(k));
                for (int j = 0; j < d; j++) acc = Pick(j, z0, z1, z2, z3, z4, z5) * TL.Const(p.Omega(k * d + j)) + acc;
                Accumulate(p, TL.Cos(acc) * TL.Const(p.RffScale), k, f, rows, ref l0, ref l1, ref l2, ref l3);
            }
        }
        else
        {
            for (int k = 0; k < d; k++) Accumulate(p, Pick(k, z0, z1, z2, z3, z4, z5), k, f, rows, ref l0, ref l1, ref l2, ref l3);
            // Poly2's products z_i·z_j, i ≤ j, in row order after the inputs.
            if (features == 1)
                for (int i = 0, k = d; i < d; i++)
                    for (int j = i; j < d; j++, k++)
                        Accumulate(p, Pick(i, z0, z1, z2, z3, z4, z5) * Pick(j, z0, z1, z2, z3, z4, z5), k, f, rows, ref l0, ref l1, ref l2, ref l3);
        }
    }

    /// <summary>l_r = φ·w_rk + l_r for every row r: feature <paramref name="k"/>'s terms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate<TL, TP>(in TP p, TL phi, int k, int f, int rows, ref TL l0, ref TL l1, ref TL l2, ref TL l3)
        where TL : struct, IReal<TL> where TP : struct, ILinearParameters
    {
        l0 = phi * TL.Const(p.Weight(k)) + l0;
        if (rows > 1) l1 = phi * TL.Const(p.Weight(f + k)) + l1;
        if (rows > 2) l2 = phi * TL.Const(p.Weight(2 * f + k)) + l2;
        if (rows > 3) l3 = phi * TL.Const(p.Weight(3 * f + k)) + l3;
    }

    /// <summary>Input j standardized: x·scale + shift, two float32 roundings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static TL Standardized<TL, TP>(in TP p, TL x, int j) where TL : struct, IReal<TL> where TP : struct, ILinearParameters
        => x * TL.Const(p.Scale(j)) + TL.Const(p.Shift(j));

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static TL Pick<TL>(int j, TL z0, TL z1, TL z2, TL z3, TL z4, TL z5) where TL : struct, IReal<TL>
        => j switch { 0 => z0, 1 => z1, 2 => z2, 3 => z3, 4 => z4, _ => z5 };
}
