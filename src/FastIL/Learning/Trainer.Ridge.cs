using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FastIL.Parallel;

namespace FastIL.Learning;

// Closed-form ridge regression for linear (mean squared error) policies.
public sealed partial class Trainer
{
    // The ridge's normal matrix is built row by row, the rows on the worker threads when there are any.
    private RidgeRows? _ridgeRows;
    [ThreadStatic] private static double[]? t_weightedColumn;

    /// <summary>
    /// Ridge regression in closed form: (XᵀWX/Σw + (λ/2)·D)·θ = XᵀWy/Σw with X = [φ, 1] and D = diag(1…1, 0), solved by
    /// Cholesky. Each entry of the normal matrix is one dot product over all rows, so the result is thread-independent:
    /// the rows of the matrix may be built on any threads.
    /// </summary>
    private void SolveRidge()
    {
        int f = _design.Features, p = f + 1;
        // Unweighted rows on AVX-512 machines: the entries among the first f4 features come from 4×4 tiles
        // (GramTile), the rows of the rest and the right side from RidgeRow; otherwise RidgeRow does every row.
        int f4 = GramTiles ? f & ~3 : 0;
        _ridgeFirstRow = f4;
        int chunks = f4 / 4 + (p - f4);
        if (_pool is null) for (int c = 0; c < chunks; c++) RidgeChunk(c);
        else _pool.Run(_ridgeRows ??= new RidgeRows(this), chunks);
        Span<double> a = _chol.AsSpan(0, p * p);
        for (int k = 0; k < f; k++) a[k * p + k] += 0.5 * Options.L2;
        if (!Cholesky.Factor(a, p)) throw new ArithmeticException("the normal equations are singular: features are collinear; add --l2");
        Cholesky.Solve(a, p, _q.AsSpan(0, p), _theta.AsSpan(0, p));
    }

    /// <summary>
    /// Row <paramref name="k"/> of the normal matrix (entries (k, l) and (l, k) for l ≤ k, which no other row writes) and
    /// of the right side: four dot products at a time (<see cref="OrderedDot.Dot4"/>, each with <see cref="OrderedDot.Dot"/>'s
    /// bits), then the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RidgeRow(int k)
    {
        int f = _design.Features, p = f + 1, n = _design.N;
        double inv = 1.0 / _design.WeightSum;
        Span<double> a = _chol.AsSpan(0, p * p);
        ReadOnlySpan<double> wxk;
        if (k < f && !_design.Weighted) wxk = _design.Phi[k].AsSpan(0, n);
        else
        {
            // w·φ_k, the weights alone (the bias column), or ones, in this thread's scratch.
            if (t_weightedColumn is null || t_weightedColumn.Length < n) t_weightedColumn = new double[Math.Max(n, _design.Phi.Length > 0 ? _design.Phi[0].Length : n)];
            Span<double> column = t_weightedColumn.AsSpan(0, n);
            if (k < f) ColumnOps.Multiply(_design.Phi[k].AsSpan(0, n), _design.W.AsSpan(0, n), column);
            else if (_design.Weighted) _design.W.AsSpan(0, n).CopyTo(column);
            else column.Fill(1.0);
            wxk = column;
        }
        Span<double> four = stackalloc double[4];
        int l = 0;
        for (int last = Math.Min(k, f - 1); l + 3 <= last; l += 4)
        {
            OrderedDot.Dot4(wxk, _design.Phi[l].AsSpan(0, n), _design.Phi[l + 1].AsSpan(0, n), _design.Phi[l + 2].AsSpan(0, n), _design.Phi[l + 3].AsSpan(0, n), four);
            for (int j = 0; j < 4; j++) a[k * p + l + j] = a[(l + j) * p + k] = four[j] * inv;
        }
        for (; l <= k; l++)
        {
            double v = l < f ? OrderedDot.Dot(wxk, _design.Phi[l].AsSpan(0, n)) : OrderedDot.Sum(wxk);
            a[k * p + l] = a[l * p + k] = v * inv;
        }
        _q[k] = OrderedDot.Dot(wxk, _design.Y.AsSpan(0, n)) * inv;
    }

    /// <summary>The rows of the normal matrix as a pool job (<see cref="RidgeChunk"/>).</summary>
    private sealed class RidgeRows(Trainer trainer) : IChunkJob
    {
        public void ExecuteChunk(int chunk) => trainer.RidgeChunk(chunk);
    }

    // The first row RidgeRow builds (the rows before it come from tiles), for the current solve.
    private int _ridgeFirstRow;

    /// <summary>Whether the normal matrix's feature block is built from tiles (<see cref="GramTile"/>, <see cref="GramTile256"/>).</summary>
    private bool GramTiles => Vector256.IsHardwareAccelerated && !_design.Weighted && !Options.ScalarReference && _design.Features >= 4;

    /// <summary>Whether the tiles hold each entry's eight lanes in one Vector512 (else two Vector256 halves).</summary>
    private bool WideGramTiles => Vector512.IsHardwareAccelerated && !Options.NarrowVectors;

    /// <summary>
    /// Chunk <paramref name="chunk"/> of the normal matrix, the longest first so that the threads finish together:
    /// RidgeRow's rows from the last down to <c>_ridgeFirstRow</c>, then the tiled rows' groups of four from the last
    /// down (each group: its tiles, and its rows' right side).
    /// </summary>
    private void RidgeChunk(int chunk)
    {
        int f = _design.Features, rows = f + 1 - _ridgeFirstRow;
        if (chunk < rows) { RidgeRow(f - chunk); return; }
        int k0 = _ridgeFirstRow - 4 * (chunk - rows + 1), p = f + 1, n = _design.N;
        double inv = 1.0 / _design.WeightSum;
        Span<double> a = _chol.AsSpan(0, p * p);
        bool wide = WideGramTiles;
        for (int l0 = 0; l0 <= k0; l0 += 4)
        {
            if (wide) GramTile(_design.Phi, k0, l0, n, a, p, inv);
            else
            {
                GramTile256(_design.Phi, k0, l0, n, a, p, inv);
                GramTile256(_design.Phi, k0 + 2, l0, n, a, p, inv);
            }
        }
        Span<double> four = stackalloc double[4];
        ReadOnlySpan<double> y = _design.Y.AsSpan(0, n);
        OrderedDot.Dot4(y, _design.Phi[k0].AsSpan(0, n), _design.Phi[k0 + 1].AsSpan(0, n), _design.Phi[k0 + 2].AsSpan(0, n), _design.Phi[k0 + 3].AsSpan(0, n), four);
        for (int j = 0; j < 4; j++) _q[k0 + j] = four[j] * inv;
    }

    /// <summary>
    /// The 16 entries (k0 + r, l0 + c), r, c &lt; 4, of the normal matrix (and their mirror images), each one
    /// <see cref="OrderedDot.Dot"/> of two feature columns with its bits exactly: a Vector512 accumulator per entry holds
    /// <c>Dot</c>'s eight lanes (lane i sums the rows ≡ i mod 8, a product then an addition), reduced as <c>Dot</c>
    /// reduces them, then the tail rows in order. The tile loads eight columns per eight rows for 16 products, where
    /// <see cref="OrderedDot.Dot4"/> loads five for four: the normal matrix is bound by loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GramTile(double[][] phi, int k0, int l0, int n, Span<double> a, int p, double inv)
    {
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(phi[k0]);
        ref double x1 = ref MemoryMarshal.GetArrayDataReference(phi[k0 + 1]);
        ref double x2 = ref MemoryMarshal.GetArrayDataReference(phi[k0 + 2]);
        ref double x3 = ref MemoryMarshal.GetArrayDataReference(phi[k0 + 3]);
        ref double y0 = ref MemoryMarshal.GetArrayDataReference(phi[l0]);
        ref double y1 = ref MemoryMarshal.GetArrayDataReference(phi[l0 + 1]);
        ref double y2 = ref MemoryMarshal.GetArrayDataReference(phi[l0 + 2]);
        ref double y3 = ref MemoryMarshal.GetArrayDataReference(phi[l0 + 3]);
        Vector512<double> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<double> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
        int i = 0;
        if (n >= 8)
            for (; i <= n - 8; i += 8)
            {
                var u0 = Vector512.LoadUnsafe(ref x0, (nuint)i); var u1 = Vector512.LoadUnsafe(ref x1, (nuint)i);
                var u2 = Vector512.LoadUnsafe(ref x2, (nuint)i); var u3 = Vector512.LoadUnsafe(ref x3, (nuint)i);
                var v0 = Vector512.LoadUnsafe(ref y0, (nuint)i); var v1 = Vector512.LoadUnsafe(ref y1, (nuint)i);
                var v2 = Vector512.LoadUnsafe(ref y2, (nuint)i); var v3 = Vector512.LoadUnsafe(ref y3, (nuint)i);
                s00 += u0 * v0; s01 += u0 * v1; s02 += u0 * v2; s03 += u0 * v3;
                s10 += u1 * v0; s11 += u1 * v1; s12 += u1 * v2; s13 += u1 * v3;
                s20 += u2 * v0; s21 += u2 * v1; s22 += u2 * v2; s23 += u2 * v3;
                s30 += u3 * v0; s31 += u3 * v1; s32 += u3 * v2; s33 += u3 * v3;
            }
        int tail = i;
        StoreEntry(a, p, k0, l0, inv, s00, ref x0, ref y0, tail, n); StoreEntry(a, p, k0, l0 + 1, inv, s01, ref x0, ref y1, tail, n);
        StoreEntry(a, p, k0, l0 + 2, inv, s02, ref x0, ref y2, tail, n); StoreEntry(a, p, k0, l0 + 3, inv, s03, ref x0, ref y3, tail, n);
        StoreEntry(a, p, k0 + 1, l0, inv, s10, ref x1, ref y0, tail, n); StoreEntry(a, p, k0 + 1, l0 + 1, inv, s11, ref x1, ref y1, tail, n);
        StoreEntry(a, p, k0 + 1, l0 + 2, inv, s12, ref x1, ref y2, tail, n); StoreEntry(a, p, k0 + 1, l0 + 3, inv, s13, ref x1, ref y3, tail, n);
        StoreEntry(a, p, k0 + 2, l0, inv, s20, ref x2, ref y0, tail, n); StoreEntry(a, p, k0 + 2, l0 + 1, inv, s21, ref x2, ref y1, tail, n);
        StoreEntry(a, p, k0 + 2, l0 + 2, inv, s22, ref x2, ref y2, tail, n); StoreEntry(a, p, k0 + 2, l0 + 3, inv, s23, ref x2, ref y3, tail, n);
        StoreEntry(a, p, k0 + 3, l0, inv, s30, ref x3, ref y0, tail, n); StoreEntry(a, p, k0 + 3, l0 + 1, inv, s31, ref x3, ref y1, tail, n);
        StoreEntry(a, p, k0 + 3, l0 + 2, inv, s32, ref x3, ref y2, tail, n); StoreEntry(a, p, k0 + 3, l0 + 3, inv, s33, ref x3, ref y3, tail, n);
    }

    /// <summary>
    /// <see cref="GramTile"/> for machines without Vector512: the 2×4 entries (k0 + r, l0 + c), each with
    /// <see cref="OrderedDot.Dot"/>'s two Vector256 accumulators (16 in all), so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GramTile256(double[][] phi, int k0, int l0, int n, Span<double> a, int p, double inv)
    {
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(phi[k0]);
        ref double x1 = ref MemoryMarshal.GetArrayDataReference(phi[k0 + 1]);
        ref double y0 = ref MemoryMarshal.GetArrayDataReference(phi[l0]);
        ref double y1 = ref MemoryMarshal.GetArrayDataReference(phi[l0 + 1]);
        ref double y2 = ref MemoryMarshal.GetArrayDataReference(phi[l0 + 2]);
        ref double y3 = ref MemoryMarshal.GetArrayDataReference(phi[l0 + 3]);
        Vector256<double> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<double> h00 = default, h01 = default, h02 = default, h03 = default, h10 = default, h11 = default, h12 = default, h13 = default;
        int i = 0;
        if (n >= 8)
            for (; i <= n - 8; i += 8)
            {
                nuint lo = (nuint)i, hi = (nuint)(i + 4);
                var u0 = Vector256.LoadUnsafe(ref x0, lo); var u1 = Vector256.LoadUnsafe(ref x1, lo);
                var w0 = Vector256.LoadUnsafe(ref x0, hi); var w1 = Vector256.LoadUnsafe(ref x1, hi);
                var v = Vector256.LoadUnsafe(ref y0, lo); var z = Vector256.LoadUnsafe(ref y0, hi);
                s00 += u0 * v; s10 += u1 * v; h00 += w0 * z; h10 += w1 * z;
                v = Vector256.LoadUnsafe(ref y1, lo); z = Vector256.LoadUnsafe(ref y1, hi);
                s01 += u0 * v; s11 += u1 * v; h01 += w0 * z; h11 += w1 * z;
                v = Vector256.LoadUnsafe(ref y2, lo); z = Vector256.LoadUnsafe(ref y2, hi);
                s02 += u0 * v; s12 += u1 * v; h02 += w0 * z; h12 += w1 * z;
                v = Vector256.LoadUnsafe(ref y3, lo); z = Vector256.LoadUnsafe(ref y3, hi);
                s03 += u0 * v; s13 += u1 * v; h03 += w0 * z; h13 += w1 * z;
            }
        int tail = i;
        StoreEntry(a, p, k0, l0, inv, s00 + h00, ref x0, ref y0, tail, n); StoreEntry(a, p, k0, l0 + 1, inv, s01 + h01, ref x0, ref y1, tail, n);
        StoreEntry(a, p, k0, l0 + 2, inv, s02 + h02, ref x0, ref y2, tail, n); StoreEntry(a, p, k0, l0 + 3, inv, s03 + h03, ref x0, ref y3, tail, n);
        StoreEntry(a, p, k0 + 1, l0, inv, s10 + h10, ref x1, ref y0, tail, n); StoreEntry(a, p, k0 + 1, l0 + 1, inv, s11 + h11, ref x1, ref y1, tail, n);
        StoreEntry(a, p, k0 + 1, l0 + 2, inv, s12 + h12, ref x1, ref y2, tail, n); StoreEntry(a, p, k0 + 1, l0 + 3, inv, s13 + h13, ref x1, ref y3, tail, n);
    }

    /// <summary>Entry (k, l) and (l, k) from its eight lanes (folded to four: low + high), reduced as <see cref="OrderedDot.Dot"/> does, then its tail rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreEntry(Span<double> a, int p, int k, int l, double inv, Vector512<double> lanes, ref double x, ref double y, int tail, int n)
        => StoreEntry(a, p, k, l, inv, lanes.GetLower() + lanes.GetUpper(), ref x, ref y, tail, n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreEntry(Span<double> a, int p, int k, int l, double inv, Vector256<double> s, ref double x, ref double y, int tail, int n)
    {
        double sum = n >= 8 ? (s.GetElement(0) + s.GetElement(1)) + (s.GetElement(2) + s.GetElement(3)) : 0;
        for (int i = tail; i < n; i++) sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        a[k * p + l] = a[l * p + k] = sum * inv;
    }
}
