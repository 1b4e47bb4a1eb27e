using System.Runtime.CompilerServices;
using FastIL.Kernels.Lanes;

namespace FastIL.Kernels.MathKernels;

/// <summary>
/// Float32 arctangents written once over <see cref="IReal{TSelf}"/> lanes (Cephes' atanf: reduction to |x| ≤ tan(π/8),
/// a degree-9 odd polynomial), so the SIMD paths, the scalar reference and the ILGPU kernels agree bit for bit.
/// Within 2 ulp of the correctly rounded result away from the reduction boundaries' last bits (tested against
/// <see cref="Math.Atan2"/> in double). The BCL's vectorized Atan2 differs between its vector body and scalar tail,
/// so no lane code can reproduce it on a GPU.
/// </summary>
public static class LaneAtan
{
    private const double Tan3PiOver8 = 2.414213562373095, TanPiOver8 = 0.4142135623730950;
    private const double P0 = 8.05374449538e-2, P1 = -1.38776856032e-1, P2 = 1.99777106478e-1, P3 = -3.33329491539e-1;

    /// <summary>atan(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Atan<TV>(TV x) where TV : struct, IReal<TV>
    {
        TV zero = TV.Const(0), one = TV.Const(1);
        TV negative = TV.LessThan(x, zero);
        TV a = TV.Select(negative, -x, x);
        TV big = TV.GreaterThan(a, TV.Const(Tan3PiOver8));
        TV mid = TV.GreaterThan(a, TV.Const(TanPiOver8));
        TV xr = TV.Select(big, -(one / a), TV.Select(mid, (a - one) / (a + one), a));
        TV y0 = TV.Select(big, TV.Const(System.Math.PI / 2), TV.Select(mid, TV.Const(System.Math.PI / 4), zero));
        TV z = xr * xr;
        TV p = ((TV.Const(P0) * z + TV.Const(P1)) * z + TV.Const(P2)) * z + TV.Const(P3);
        TV r = y0 + (p * z * xr + xr);
        return TV.Select(negative, -r, r);
    }

    /// <summary>atan2(y, x) in (−π, π]; 0 when both are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static TV Atan2<TV>(TV y, TV x) where TV : struct, IReal<TV>
    {
        TV zero = TV.Const(0), pi = TV.Const(System.Math.PI);
        TV r = Atan(y / x);
        TV correction = TV.Select(TV.LessThan(x, zero), TV.Select(TV.LessThan(y, zero), -pi, pi), zero);
        r = r + correction;
        return TV.Select(TV.And(TV.Equal(x, zero), TV.Equal(y, zero)), zero, r);
    }
}
