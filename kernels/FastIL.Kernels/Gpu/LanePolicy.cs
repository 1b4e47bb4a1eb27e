using System.Runtime.CompilerServices;
using FastIL.Kernels.Envs;
using ILGPU;

namespace FastIL.Kernels.Gpu;

/// <summary>
/// A linear policy's parameters on a device, as <c>PolicyInference</c> holds them on the CPU: float32 weights and
/// bias, and the standardization folded into z = x·scale + shift. At most <see cref="MaxRows"/> weight rows.
/// </summary>
public struct LanePolicy : Policies.ILinearParameters
{
    /// <summary>Most weight rows (softmax actions) a device policy may have: the logits live in registers.</summary>
    public const int MaxRows = Policies.LinearLanes.MaxRows;
    /// <summary>Output layer: 0 logistic, 1 softmax, 2 linear (continuous).</summary>
    public int Kind;
    /// <summary>Weight rows.</summary>
    public int Rows;
    /// <summary>Inputs (observation components).</summary>
    public int InputDim;
    /// <summary>Features per row.</summary>
    public int FeatureDim;
    /// <summary>Feature map: 0 identity, 1 poly2, 2 random Fourier features, 3 coarse.</summary>
    public int Features;
    /// <summary>Cells of a coarse map.</summary>
    public int Cells;
    /// <summary>√(2/D) of random Fourier features, rounded to float.</summary>
    public float RffScale;
    /// <summary>Row-major weights, Rows × FeatureDim.</summary>
    public ArrayView<float> Weights;
    /// <summary>Biases.</summary>
    public ArrayView<float> Bias;
    /// <summary>Per-input scale (1/std or 1).</summary>
    public ArrayView<float> Scale;
    /// <summary>Per-input shift (−mean/std or 0).</summary>
    public ArrayView<float> Shift;
    /// <summary>RFF frequencies, FeatureDim × InputDim (a dummy element otherwise).</summary>
    public ArrayView<float> Omega;
    /// <summary>RFF phases (a dummy element otherwise).</summary>
    public ArrayView<float> Phase;

    readonly int Policies.ILinearParameters.Kind => Kind;
    readonly int Policies.ILinearParameters.Rows => Rows;
    readonly int Policies.ILinearParameters.InputDim => InputDim;
    readonly int Policies.ILinearParameters.FeatureDim => FeatureDim;
    readonly int Policies.ILinearParameters.Features => Features;
    readonly float Policies.ILinearParameters.RffScale => RffScale;
    readonly float Policies.ILinearParameters.Weight(int i) => Weights[i];
    readonly float Policies.ILinearParameters.Bias(int r) => Bias[r];
    readonly float Policies.ILinearParameters.Scale(int j) => Scale[j];
    readonly float Policies.ILinearParameters.Shift(int j) => Shift[j];
    readonly float Policies.ILinearParameters.Omega(int i) => Omega[i];
    readonly float Policies.ILinearParameters.Phase(int k) => Phase[k];

    /// <summary>Input j of an observation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Input(in EnvObs<G32> o, int j) => j switch { 0 => o.O0.V, 1 => o.O1.V, 2 => o.O2.V, 3 => o.O3.V, 4 => o.O4.V, _ => o.O5.V };

    /// <summary>Standardized input j: x·scale + shift, two roundings as on the CPU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly float Z(in EnvObs<G32> o, int j) => Ieee.Add(Ieee.Mul(Input(o, j), Scale[j]), Shift[j]);

    /// <summary>
    /// Coarse feature k, exactly as <c>FeatureMap.Apply&lt;float&gt;</c> computes it: the one-hot of ⌊z₀⌋ mod M crossed
    /// with [1, z₁, …]. The other maps run <see cref="Policies.LinearLanes"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly float CoarseFeature(in EnvObs<G32> o, int k)
    {
        int cell = CoarseCell(Ieee.Floor(Z(o, 0)), Cells);
        int block = k / Cells, c = k - block * Cells;
        if (c != cell) return 0f;
        return block == 0 ? 1f : Z(o, block);
    }

    /// <summary>
    /// A coarse map's logits (or the continuous output in <paramref name="l0"/>): l_r = b_r, then l_r = φ_k·w_rk + l_r
    /// for k = 0 … F − 1, each product and sum rounded — the order of <c>PolicyInference</c>'s column passes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void CoarseLogits(in EnvObs<G32> o, out float l0, out float l1, out float l2, out float l3)
    {
        l0 = Bias[0];
        l1 = Rows > 1 ? Bias[1] : 0f;
        l2 = Rows > 2 ? Bias[2] : 0f;
        l3 = Rows > 3 ? Bias[3] : 0f;
        int f = FeatureDim;
        for (int k = 0; k < f; k++)
        {
            float phi = CoarseFeature(o, k);
            l0 = Ieee.Add(Ieee.Mul(phi, Weights[k]), l0);
            if (Rows > 1) l1 = Ieee.Add(Ieee.Mul(phi, Weights[f + k]), l1);
            if (Rows > 2) l2 = Ieee.Add(Ieee.Mul(phi, Weights[2 * f + k]), l2);
            if (Rows > 3) l3 = Ieee.Add(Ieee.Mul(phi, Weights[3 * f + k]), l3);
        }
    }

    /// <summary>
    /// The greedy action: logistic l₀ &gt; 0, softmax argmax (ties to the lower action), linear l₀. Identity, poly2 and
    /// random Fourier features run the lane code the CPU's fused loops run (<see cref="Policies.LinearLanes"/>); coarse
    /// maps, whose one-hot cell is integer arithmetic per lane, run <see cref="CoarseLogits"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Act(in EnvObs<G32> o)
    {
        if (Features != 3) return Policies.LinearLanes.Greedy<G32, LanePolicy>(in this, in o).V;
        CoarseLogits(o, out float l0, out float l1, out float l2, out float l3);
        if (Kind == 0) return l0 > 0 ? 1f : 0f;
        if (Kind == 2) return l0;
        float best = l0, a = 0f;
        if (Rows > 1 && l1 > best) { best = l1; a = 1f; }
        if (Rows > 2 && l2 > best) { best = l2; a = 2f; }
        if (Rows > 3 && l3 > best) { a = 3f; }
        return a;
    }

    /// <summary>
    /// The cell of ⌊x⌋ (already floored) among <paramref name="cells"/>: ⌊x⌋ mod M in [0, M); inputs beyond ±2³¹ and
    /// non-finite ones fall in cell 0. Shared by the CPU feature map and the kernels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CoarseCell(float flooredX, int cells)
    {
        if (!(flooredX > -2147483648f && flooredX < 2147483648f)) return 0;
        int c = (int)flooredX % cells;
        return c < 0 ? c + cells : c;
    }
}
