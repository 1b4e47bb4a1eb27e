using System.Runtime.CompilerServices;
using FastIL.Random;

namespace FastIL.Policies;

/// <summary>Which feature map φ(s) a policy uses.</summary>
public enum FeatureKind
{
    /// <summary>φ(s) = s (the bias is separate).</summary>
    Identity,
    /// <summary>φ(s) = [s, s_i·s_j for i ≤ j]: all monomials of degree 1 and 2.</summary>
    Poly2,
    /// <summary>Random Fourier features: φ_k(s) = √(2/D)·cos(ω_k·s + b_k), ω ~ N(0, I/bandwidth²), b ~ U[0, 2π).</summary>
    Rff,
    /// <summary>
    /// A coarse sensor of the first input: one-hot of its cell c = ⌊s₀⌋ mod M (M cells), crossed with [1, s₁, …]:
    /// φ_{jM+c}(s) = (j = 0 ? 1 : s_j), all other features 0. States whose first inputs share a cell are aliased, so
    /// the policy class is deliberately restricted (the tabular envs' positions; see DriftRing). Reads raw inputs;
    /// non-finite inputs and those beyond ±2³¹ fall in cell 0.
    /// </summary>
    Coarse,
}

/// <summary>
/// A feature map from standardized inputs z (dimension <see cref="InputDim"/>) to features (dimension
/// <see cref="OutputDim"/>). Random Fourier features keep their drawn frequencies and phases, so a saved
/// policy is self-contained.
/// </summary>
public sealed class FeatureMap
{
    private FeatureMap(FeatureKind kind, int inputDim, int outputDim, double bandwidth, ulong seed, double[] omega, double[] phase)
    {
        Kind = kind; InputDim = inputDim; OutputDim = outputDim; Bandwidth = bandwidth; Seed = seed; Omega = omega; Phase = phase;
    }

    /// <summary>The kind of map.</summary>
    public FeatureKind Kind { get; }
    /// <summary>Input dimension.</summary>
    public int InputDim { get; }
    /// <summary>Feature dimension.</summary>
    public int OutputDim { get; }
    /// <summary>RFF bandwidth (length scale).</summary>
    public double Bandwidth { get; }
    /// <summary>RFF seed.</summary>
    public ulong Seed { get; }
    /// <summary>RFF frequencies, row-major OutputDim × InputDim (empty for other kinds).</summary>
    public double[] Omega { get; }
    /// <summary>RFF phases, OutputDim (empty for other kinds).</summary>
    public double[] Phase { get; }

    /// <summary>φ(s) = s.</summary>
    public static FeatureMap Identity(int inputDim) => new(FeatureKind.Identity, inputDim, inputDim, 0, 0, [], []);

    /// <summary>Degree-2 polynomial: d + d(d+1)/2 features.</summary>
    public static FeatureMap Poly2(int inputDim) => new(FeatureKind.Poly2, inputDim, inputDim + inputDim * (inputDim + 1) / 2, 0, 0, [], []);

    /// <summary>Largest number of cells of a coarse map (the trainer holds every feature column densely).</summary>
    public const int MaxCells = 65536;

    /// <summary>Number of cells of a coarse map (0 for other kinds).</summary>
    public int Cells => Kind == FeatureKind.Coarse ? OutputDim / InputDim : 0;

    /// <summary>Coarse map with <paramref name="cells"/> cells of the first input, crossed with [1, other inputs].</summary>
    public static FeatureMap Coarse(int inputDim, int cells)
    {
        if (cells is < 1 or > MaxCells) throw new ArgumentOutOfRangeException(nameof(cells), cells, $"a coarse map has 1 to {MaxCells} cells");
        if (inputDim < 1) throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, "a coarse map needs at least one input");
        return new(FeatureKind.Coarse, inputDim, cells * inputDim, 0, 0, [], []);
    }

    /// <summary>Random Fourier features of dimension <paramref name="dimension"/> for an RBF kernel of the given bandwidth.</summary>
    public static FeatureMap Rff(int inputDim, int dimension, double bandwidth, ulong seed)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), "RFF dimension must be ≥ 1");
        if (!(bandwidth > 0)) throw new ArgumentOutOfRangeException(nameof(bandwidth), "RFF bandwidth must be > 0");
        var omega = new double[dimension * inputDim];
        var phase = new double[dimension];
        for (int k = 0; k < dimension; k++)
        {
            for (int j = 0; j < inputDim; j++)
            {
                // Box–Muller from two counter-based uniforms: reproducible from the seed alone.
                double u1 = 1.0 - CounterRng.Uniform(seed, (ulong)k, (ulong)j, 0), u2 = CounterRng.Uniform(seed, (ulong)k, (ulong)j, 1);
                omega[k * inputDim + j] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) / bandwidth;
            }
            phase[k] = 2 * Math.PI * CounterRng.Uniform(seed, (ulong)k, ulong.MaxValue, 2);
        }
        return new(FeatureKind.Rff, inputDim, dimension, bandwidth, seed, omega, phase);
    }

    /// <summary>A map with explicit RFF parameters (used when loading a saved policy).</summary>
    public static FeatureMap RffFrom(int inputDim, double bandwidth, ulong seed, double[] omega, double[] phase)
    {
        if (phase.Length == 0 || omega.Length != phase.Length * inputDim)
            throw new ArgumentException($"RFF parameters: expected omega of length {phase.Length}×{inputDim}, got {omega.Length}");
        return new(FeatureKind.Rff, inputDim, phase.Length, bandwidth, seed, omega, phase);
    }

    /// <summary>Parses <c>identity</c>, <c>poly2</c>, <c>rff:D</c>, <c>rff:D:BANDWIDTH</c> (seed given separately) or <c>coarse:M</c>.</summary>
    public static FeatureMap Parse(string text, int inputDim, ulong seed)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "identity") return Identity(inputDim);
        if (t == "poly2") return inputDim <= 256 ? Poly2(inputDim) : throw new FormatException($"features '{text}': poly2 of {inputDim} inputs makes {inputDim + inputDim * (inputDim + 1) / 2} features; at most 256 inputs");
        if (t.StartsWith("rff:", StringComparison.Ordinal))
        {
            string[] parts = t.Split(':');
            if (parts.Length is 2 or 3 && int.TryParse(parts[1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int d) && d >= 1)
            {
                if (d > PolicyJson.MaxRffFeatures) throw new FormatException($"features '{text}': at most {PolicyJson.MaxRffFeatures} random Fourier features");
                double bw = 1.0;
                if (parts.Length == 3 && !(double.TryParse(parts[2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out bw) && bw > 0 && double.IsFinite(bw)))
                    throw new FormatException($"features '{text}': the bandwidth must be a finite number > 0");
                return Rff(inputDim, d, bw, seed);
            }
        }
        if (t.StartsWith("coarse:", StringComparison.Ordinal))
        {
            if (int.TryParse(t.AsSpan(7), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int m) && m is >= 1 and <= MaxCells)
                return Coarse(inputDim, m);
            throw new FormatException($"features '{text}': coarse:M needs a whole number of cells M in [1, {MaxCells}]");
        }
        throw new FormatException($"features '{text}': expected identity, poly2, rff:D, rff:D:BANDWIDTH or coarse:M");
    }

    /// <summary>The text form accepted by <see cref="Parse"/>.</summary>
    public override string ToString() => Kind switch
    {
        FeatureKind.Identity => "identity",
        FeatureKind.Poly2 => "poly2",
        FeatureKind.Coarse => $"coarse:{Cells}",
        _ => $"rff:{OutputDim}:{Bandwidth.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}",
    };

    /// <summary>
    /// Computes feature columns from standardized input columns for rows [0, n): <paramref name="z"/>[j] holds
    /// input j, <paramref name="phi"/>[k] receives feature k. Works for float (inference) and double (training).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply<T>(ReadOnlySpan<T[]> z, Span<T[]> phi, int start, int n) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (Kind)
        {
            case FeatureKind.Identity:
                for (int j = 0; j < InputDim; j++) z[j].AsSpan(start, n).CopyTo(phi[j].AsSpan(start, n));
                break;
            case FeatureKind.Poly2:
            {
                for (int j = 0; j < InputDim; j++) z[j].AsSpan(start, n).CopyTo(phi[j].AsSpan(start, n));
                int k = InputDim;
                for (int i = 0; i < InputDim; i++)
                    for (int j = i; j < InputDim; j++, k++)
                        Learning.ColumnOps.Multiply<T>(z[i].AsSpan(start, n), z[j].AsSpan(start, n), phi[k].AsSpan(start, n));
                break;
            }
            case FeatureKind.Coarse:
                ApplyCoarse(z, phi, start, n);
                break;
            default:
            {
                T scale = T.CreateTruncating(Math.Sqrt(2.0 / OutputDim));
                for (int k = 0; k < OutputDim; k++)
                {
                    Span<T> dst = phi[k].AsSpan(start, n);
                    dst.Fill(T.CreateTruncating(Phase[k]));
                    for (int j = 0; j < InputDim; j++)
                        Learning.ColumnOps.MultiplyAdd<T>(z[j].AsSpan(start, n), T.CreateTruncating(Omega[k * InputDim + j]), dst);
                    // Float inference uses FastSinCos (identical bits on every SIMD width and in the ILGPU kernels);
                    // training FastCos64 (the BCL's vectorized cos gave different bits from run to run in one process).
                    if (typeof(T) == typeof(float))
                    {
                        Span<float> f = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(dst);
                        Kernels.MathKernels.FastSinCos.Cos(f, f);
                    }
                    else
                    {
                        Span<double> d = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(dst);
                        Kernels.MathKernels.FastCos64.Cos(d, d);
                    }
                    Learning.ColumnOps.Multiply<T>(dst, scale, dst);
                }
                break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyCoarse<T>(ReadOnlySpan<T[]> z, Span<T[]> phi, int start, int n) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int cells = Cells;
        for (int k = 0; k < OutputDim; k++) phi[k].AsSpan(start, n).Clear();
        T[] first = z[0];
        for (int r = start; r < start + n; r++)
        {
            // ⌊x⌋ mod M, as the kernels compute it (non-finite inputs and those beyond ±2³¹ fall in cell 0).
            double x = double.CreateTruncating(T.Floor(first[r]));
            int c = x > -2147483648.0 && x < 2147483648.0 ? Kernels.Gpu.LanePolicy.CoarseCell((float)x, cells) : 0;
            phi[c][r] = T.One;
            for (int j = 1; j < InputDim; j++) phi[j * cells + c][r] = z[j][r];
        }
    }
}
