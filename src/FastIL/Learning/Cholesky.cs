using System.Runtime.CompilerServices;
namespace FastIL.Learning;

/// <summary>Dense Cholesky factorization A = L·Lᵀ in place (lower triangle) and the matching solve.</summary>
public static class Cholesky
{
    /// <summary>Factors the symmetric positive definite n×n row-major matrix; false when it is not positive definite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Factor(Span<double> a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (!(d > 1e-300)) return false;
            double l = Math.Sqrt(d);
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++)
            {
                double v = a[i * n + j];
                for (int k = 0; k < j; k++) v -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = v / l;
            }
        }
        return true;
    }

    /// <summary>Solves L·Lᵀ·x = b with the factor from <see cref="Factor"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Solve(ReadOnlySpan<double> l, int n, ReadOnlySpan<double> b, Span<double> x)
    {
        for (int i = 0; i < n; i++)
        {
            double v = b[i];
            for (int k = 0; k < i; k++) v -= l[i * n + k] * x[k];
            x[i] = v / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double v = x[i];
            for (int k = i + 1; k < n; k++) v -= l[k * n + i] * x[k];
            x[i] = v / l[i * n + i];
        }
    }
}
