using System.Runtime.CompilerServices;
using ILGPU.Runtime.Cuda;

namespace FastIL.Kernels.Gpu;

/// <summary>
/// IEEE float32 operations with round-to-nearest-even that no compiler may fuse or approximate. On CUDA each is one
/// inline PTX instruction with an explicit rounding modifier (<c>mul.rn.f32</c>, <c>add.rn.f32</c>, <c>div.rn.f32</c>,
/// <c>fma.rn.f32</c>, <c>cvt.rni</c>/<c>cvt.rmi</c>): ptxas contracts plain <c>mul</c>+<c>add</c> into FMAs, which would
/// break the "never fused" rule of <see cref="Lanes.IReal{TSelf}"/> and bit parity with the CPU. Everywhere else
/// (ILGPU's CPU accelerator, plain .NET) they are the ordinary CLR operations, which RyuJIT never contracts.
/// <see cref="CudaAsm.IsSupported"/> is folded at kernel compile time, so the branch costs nothing.
/// </summary>
public static class Ieee
{
    /// <summary>a + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("add.rn.f32 %0, %1, %2;", out float r, a, b); return r; }
        return a + b;
    }

    /// <summary>a − b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sub(float a, float b)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("sub.rn.f32 %0, %1, %2;", out float r, a, b); return r; }
        return a - b;
    }

    /// <summary>a·b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Mul(float a, float b)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float r, a, b); return r; }
        return a * b;
    }

    /// <summary>a / b, correctly rounded (CUDA's default division is not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Div(float a, float b)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("div.rn.f32 %0, %1, %2;", out float r, a, b); return r; }
        return a / b;
    }

    /// <summary>a·b + c rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fma(float a, float b, float c)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("fma.rn.f32 %0, %1, %2, %3;", out float r, a, b, c); return r; }
        return SoftFma(a, b, c);
    }

    /// <summary>
    /// fma(a, b, c) rounded once, without the BCL's FusedMultiplyAdd (ILGPU's PTX backend has no mapping for it and
    /// emits the untaken branch anyway, so ptxas would see an unresolved <c>.extern</c>). a·b is exact in double;
    /// the sum is rounded to odd in double (TwoSum gives its exact error), and a round-to-odd result with 53 ≥ 24 + 2
    /// bits rounds correctly to float. Tested bit-equal to <see cref="MathF.FusedMultiplyAdd"/>.
    /// </summary>
    public static float SoftFma(float a, float b, float c)
    {
        double p = (double)a * b, cd = c;
        double s = p + cd;
        double bb = s - p;
        double err = (p - (s - bb)) + (cd - bb);
        if (err != 0 && double.IsFinite(s))
        {
            long bits = BitConverter.DoubleToInt64Bits(s);
            // Round to odd: an even last bit moves one ulp towards the exact sum.
            if ((bits & 1) == 0) bits += (err > 0) == (s > 0) ? 1 : -1;
            s = BitConverter.Int64BitsToDouble(bits);
        }
        return (float)s;
    }

    /// <summary>Round half to even (as <c>MathF.Round</c>; ILGPU.Algorithms' PTX version rounds ±1.5 to ±1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float RoundEven(float x)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("cvt.rni.f32.f32 %0, %1;", out float r, x); return r; }
        return MathF.Round(x);   // ties to even, MathF.Round's default
    }

    /// <summary>⌊x⌋.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Floor(float x)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("cvt.rmi.f32.f32 %0, %1;", out float r, x); return r; }
        return MathF.Floor(x);
    }

    /// <summary>a + b in float64 (return and disagreement sums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Add(double a, double b)
    {
        if (CudaAsm.IsSupported) { CudaAsm.Emit("add.rn.f64 %0, %1, %2;", out double r, a, b); return r; }
        return a + b;
    }
}
