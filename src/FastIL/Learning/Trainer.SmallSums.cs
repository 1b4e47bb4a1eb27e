using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Learning;

public sealed partial class Trainer
{
    /// <summary>Largest extended feature count (features + bias) that <see cref="SmallSums{TF}"/> keeps in registers.</summary>
    private const int SmallSumsMaxExtended = 5;

    /// <summary>
    /// Phase 2 of <see cref="BinaryRows{TF}"/> for at most five extended features, in one pass over the sub-block: all
    /// F + 1 gradient sums and (F + 1)(F + 2)/2 Hessian sums live in registers at once (20 for CartPole), so the loop
    /// has that many independent FMA chains, and it reads each row's features once. This is one half of the eight lanes
    /// (Vector256: the groups of four rows from <paramref name="from"/>, 0 or 4, in steps of eight, into lanes
    /// from…from + 3); <see cref="SmallSumsWide{TF}"/> does both halves at once with the same fused multiply-adds
    /// (u = c·φ_a rounded once, then fma(u, φ_b, acc)), so the same bits. Slots (eight lanes each): gradient a at [a];
    /// Hessian (a, b ≥ a) in the a-major order that <see cref="BinaryRows{TF}"/> uses. <paramref name="start"/> (a
    /// multiple of eight) skips rows the wide loop has done.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SmallSums<TF>(ref BinaryBlock block, ref double g, ref double h, int from, int count, int start = 0) where TF : struct, IDim
    {
        int fe = TF.Value + 1;
        ref double res0 = ref block.Res, c0 = ref block.C, z0 = ref block.Z;
        g = ref Unsafe.Add(ref g, from);
        h = ref Unsafe.Add(ref h, from);
        if (!block.WithHessian)
        {
            SmallGradient<TF>(ref res0, ref z0, ref g, start + from, count);
            return;
        }
        // Slot of Hessian pair (a, b): a-major, b from a.
        int s01 = 1, s02 = 2, s03 = 3, s04 = 4;
        int s11 = fe, s12 = fe + 1, s13 = fe + 2, s14 = fe + 3;
        int s22 = 2 * fe - 1, s23 = 2 * fe, s24 = 2 * fe + 1;
        int s33 = 3 * fe - 3, s34 = 3 * fe - 2;
        int s44 = 4 * fe - 6;
        var g0 = Load(ref g, 0); var g1 = fe > 1 ? Load(ref g, 1) : default; var g2 = fe > 2 ? Load(ref g, 2) : default;
        var g3 = fe > 3 ? Load(ref g, 3) : default; var g4 = fe > 4 ? Load(ref g, 4) : default;
        var h00 = Load(ref h, 0);
        var h01 = fe > 1 ? Load(ref h, s01) : default; var h02 = fe > 2 ? Load(ref h, s02) : default;
        var h03 = fe > 3 ? Load(ref h, s03) : default; var h04 = fe > 4 ? Load(ref h, s04) : default;
        var h11 = fe > 1 ? Load(ref h, s11) : default; var h12 = fe > 2 ? Load(ref h, s12) : default;
        var h13 = fe > 3 ? Load(ref h, s13) : default; var h14 = fe > 4 ? Load(ref h, s14) : default;
        var h22 = fe > 2 ? Load(ref h, s22) : default; var h23 = fe > 3 ? Load(ref h, s23) : default;
        var h24 = fe > 4 ? Load(ref h, s24) : default;
        var h33 = fe > 3 ? Load(ref h, s33) : default; var h34 = fe > 4 ? Load(ref h, s34) : default;
        var h44 = fe > 4 ? Load(ref h, s44) : default;
        for (int i = start + from; i < count; i += Lanes)
        {
            var r = Vector256.LoadUnsafe(ref res0, (nuint)i);
            var c = Vector256.LoadUnsafe(ref c0, (nuint)i);
            var p0 = Vector256.LoadUnsafe(ref z0, (nuint)i);
            var p1 = fe > 1 ? Vector256.LoadUnsafe(ref z0, (nuint)(SubRows + i)) : default;
            var p2 = fe > 2 ? Vector256.LoadUnsafe(ref z0, (nuint)(2 * SubRows + i)) : default;
            var p3 = fe > 3 ? Vector256.LoadUnsafe(ref z0, (nuint)(3 * SubRows + i)) : default;
            var p4 = fe > 4 ? Vector256.LoadUnsafe(ref z0, (nuint)(4 * SubRows + i)) : default;
            g0 = Vector256.FusedMultiplyAdd(r, p0, g0);
            var u = c * p0;
            h00 = Vector256.FusedMultiplyAdd(u, p0, h00);
            if (fe > 1)
            {
                g1 = Vector256.FusedMultiplyAdd(r, p1, g1);
                h01 = Vector256.FusedMultiplyAdd(u, p1, h01);
            }
            if (fe > 2) { g2 = Vector256.FusedMultiplyAdd(r, p2, g2); h02 = Vector256.FusedMultiplyAdd(u, p2, h02); }
            if (fe > 3) { g3 = Vector256.FusedMultiplyAdd(r, p3, g3); h03 = Vector256.FusedMultiplyAdd(u, p3, h03); }
            if (fe > 4) { g4 = Vector256.FusedMultiplyAdd(r, p4, g4); h04 = Vector256.FusedMultiplyAdd(u, p4, h04); }
            if (fe > 1)
            {
                u = c * p1;
                h11 = Vector256.FusedMultiplyAdd(u, p1, h11);
                if (fe > 2) h12 = Vector256.FusedMultiplyAdd(u, p2, h12);
                if (fe > 3) h13 = Vector256.FusedMultiplyAdd(u, p3, h13);
                if (fe > 4) h14 = Vector256.FusedMultiplyAdd(u, p4, h14);
            }
            if (fe > 2)
            {
                u = c * p2;
                h22 = Vector256.FusedMultiplyAdd(u, p2, h22);
                if (fe > 3) h23 = Vector256.FusedMultiplyAdd(u, p3, h23);
                if (fe > 4) h24 = Vector256.FusedMultiplyAdd(u, p4, h24);
            }
            if (fe > 3)
            {
                u = c * p3;
                h33 = Vector256.FusedMultiplyAdd(u, p3, h33);
                if (fe > 4) h34 = Vector256.FusedMultiplyAdd(u, p4, h34);
            }
            if (fe > 4) h44 = Vector256.FusedMultiplyAdd(c * p4, p4, h44);
        }
        Store(ref g, 0, g0); if (fe > 1) Store(ref g, 1, g1); if (fe > 2) Store(ref g, 2, g2);
        if (fe > 3) Store(ref g, 3, g3); if (fe > 4) Store(ref g, 4, g4);
        Store(ref h, 0, h00);
        if (fe > 1) { Store(ref h, s01, h01); Store(ref h, s11, h11); }
        if (fe > 2) { Store(ref h, s02, h02); Store(ref h, s12, h12); Store(ref h, s22, h22); }
        if (fe > 3) { Store(ref h, s03, h03); Store(ref h, s13, h13); Store(ref h, s23, h23); Store(ref h, s33, h33); }
        if (fe > 4) { Store(ref h, s04, h04); Store(ref h, s14, h14); Store(ref h, s24, h24); Store(ref h, s34, h34); Store(ref h, s44, h44); }
    }

    /// <summary>
    /// <see cref="SmallSums{TF}"/> for both halves at once: eight rows per Vector512, lane l holding the rows that the
    /// half loops put in lane l. A final group of four rows (its row a multiple of eight) goes to lanes 0–3 through the
    /// half loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SmallSumsWide<TF>(ref BinaryBlock block, ref double g, ref double h, int count) where TF : struct, IDim
    {
        int fe = TF.Value + 1;
        ref double res0 = ref block.Res, c0 = ref block.C, z0 = ref block.Z;
        int full = count & ~(Lanes - 1);
        if (!block.WithHessian) SmallGradientWide<TF>(ref res0, ref z0, ref g, full);
        else
        {
            int s01 = 1, s02 = 2, s03 = 3, s04 = 4;
            int s11 = fe, s12 = fe + 1, s13 = fe + 2, s14 = fe + 3;
            int s22 = 2 * fe - 1, s23 = 2 * fe, s24 = 2 * fe + 1;
            int s33 = 3 * fe - 3, s34 = 3 * fe - 2;
            int s44 = 4 * fe - 6;
            var g0 = Load8(ref g, 0); var g1 = fe > 1 ? Load8(ref g, 1) : default; var g2 = fe > 2 ? Load8(ref g, 2) : default;
            var g3 = fe > 3 ? Load8(ref g, 3) : default; var g4 = fe > 4 ? Load8(ref g, 4) : default;
            var h00 = Load8(ref h, 0);
            var h01 = fe > 1 ? Load8(ref h, s01) : default; var h02 = fe > 2 ? Load8(ref h, s02) : default;
            var h03 = fe > 3 ? Load8(ref h, s03) : default; var h04 = fe > 4 ? Load8(ref h, s04) : default;
            var h11 = fe > 1 ? Load8(ref h, s11) : default; var h12 = fe > 2 ? Load8(ref h, s12) : default;
            var h13 = fe > 3 ? Load8(ref h, s13) : default; var h14 = fe > 4 ? Load8(ref h, s14) : default;
            var h22 = fe > 2 ? Load8(ref h, s22) : default; var h23 = fe > 3 ? Load8(ref h, s23) : default;
            var h24 = fe > 4 ? Load8(ref h, s24) : default;
            var h33 = fe > 3 ? Load8(ref h, s33) : default; var h34 = fe > 4 ? Load8(ref h, s34) : default;
            var h44 = fe > 4 ? Load8(ref h, s44) : default;
            for (int i = 0; i < full; i += Lanes)
            {
                var r = Vector512.LoadUnsafe(ref res0, (nuint)i);
                var c = Vector512.LoadUnsafe(ref c0, (nuint)i);
                var p0 = Vector512.LoadUnsafe(ref z0, (nuint)i);
                var p1 = fe > 1 ? Vector512.LoadUnsafe(ref z0, (nuint)(SubRows + i)) : default;
                var p2 = fe > 2 ? Vector512.LoadUnsafe(ref z0, (nuint)(2 * SubRows + i)) : default;
                var p3 = fe > 3 ? Vector512.LoadUnsafe(ref z0, (nuint)(3 * SubRows + i)) : default;
                var p4 = fe > 4 ? Vector512.LoadUnsafe(ref z0, (nuint)(4 * SubRows + i)) : default;
                g0 = Vector512.FusedMultiplyAdd(r, p0, g0);
                var u = c * p0;
                h00 = Vector512.FusedMultiplyAdd(u, p0, h00);
                if (fe > 1)
                {
                    g1 = Vector512.FusedMultiplyAdd(r, p1, g1);
                    h01 = Vector512.FusedMultiplyAdd(u, p1, h01);
                }
                if (fe > 2) { g2 = Vector512.FusedMultiplyAdd(r, p2, g2); h02 = Vector512.FusedMultiplyAdd(u, p2, h02); }
                if (fe > 3) { g3 = Vector512.FusedMultiplyAdd(r, p3, g3); h03 = Vector512.FusedMultiplyAdd(u, p3, h03); }
                if (fe > 4) { g4 = Vector512.FusedMultiplyAdd(r, p4, g4); h04 = Vector512.FusedMultiplyAdd(u, p4, h04); }
                if (fe > 1)
                {
                    u = c * p1;
                    h11 = Vector512.FusedMultiplyAdd(u, p1, h11);
                    if (fe > 2) h12 = Vector512.FusedMultiplyAdd(u, p2, h12);
                    if (fe > 3) h13 = Vector512.FusedMultiplyAdd(u, p3, h13);
                    if (fe > 4) h14 = Vector512.FusedMultiplyAdd(u, p4, h14);
                }
                if (fe > 2)
                {
                    u = c * p2;
                    h22 = Vector512.FusedMultiplyAdd(u, p2, h22);
                    if (fe > 3) h23 = Vector512.FusedMultiplyAdd(u, p3, h23);
                    if (fe > 4) h24 = Vector512.FusedMultiplyAdd(u, p4, h24);
                }
                if (fe > 3)
                {
                    u = c * p3;
                    h33 = Vector512.FusedMultiplyAdd(u, p3, h33);
                    if (fe > 4) h34 = Vector512.FusedMultiplyAdd(u, p4, h34);
                }
                if (fe > 4) h44 = Vector512.FusedMultiplyAdd(c * p4, p4, h44);
            }
            Store8(ref g, 0, g0); if (fe > 1) Store8(ref g, 1, g1); if (fe > 2) Store8(ref g, 2, g2);
            if (fe > 3) Store8(ref g, 3, g3); if (fe > 4) Store8(ref g, 4, g4);
            Store8(ref h, 0, h00);
            if (fe > 1) { Store8(ref h, s01, h01); Store8(ref h, s11, h11); }
            if (fe > 2) { Store8(ref h, s02, h02); Store8(ref h, s12, h12); Store8(ref h, s22, h22); }
            if (fe > 3) { Store8(ref h, s03, h03); Store8(ref h, s13, h13); Store8(ref h, s23, h23); Store8(ref h, s33, h33); }
            if (fe > 4) { Store8(ref h, s04, h04); Store8(ref h, s14, h14); Store8(ref h, s24, h24); Store8(ref h, s34, h34); Store8(ref h, s44, h44); }
        }
        if (full < count) SmallSums<TF>(ref block, ref g, ref h, from: 0, count: count, start: full);
    }

    /// <summary>The gradient sums alone (a pass without the Hessian, as L-BFGS and the line search make), one half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SmallGradient<TF>(ref double res0, ref double z0, ref double g, int first, int count) where TF : struct, IDim
    {
        int fe = TF.Value + 1;
        var g0 = Load(ref g, 0); var g1 = fe > 1 ? Load(ref g, 1) : default; var g2 = fe > 2 ? Load(ref g, 2) : default;
        var g3 = fe > 3 ? Load(ref g, 3) : default; var g4 = fe > 4 ? Load(ref g, 4) : default;
        for (int i = first; i < count; i += Lanes)
        {
            var r = Vector256.LoadUnsafe(ref res0, (nuint)i);
            g0 = Vector256.FusedMultiplyAdd(r, Vector256.LoadUnsafe(ref z0, (nuint)i), g0);
            if (fe > 1) g1 = Vector256.FusedMultiplyAdd(r, Vector256.LoadUnsafe(ref z0, (nuint)(SubRows + i)), g1);
            if (fe > 2) g2 = Vector256.FusedMultiplyAdd(r, Vector256.LoadUnsafe(ref z0, (nuint)(2 * SubRows + i)), g2);
            if (fe > 3) g3 = Vector256.FusedMultiplyAdd(r, Vector256.LoadUnsafe(ref z0, (nuint)(3 * SubRows + i)), g3);
            if (fe > 4) g4 = Vector256.FusedMultiplyAdd(r, Vector256.LoadUnsafe(ref z0, (nuint)(4 * SubRows + i)), g4);
        }
        Store(ref g, 0, g0); if (fe > 1) Store(ref g, 1, g1); if (fe > 2) Store(ref g, 2, g2);
        if (fe > 3) Store(ref g, 3, g3); if (fe > 4) Store(ref g, 4, g4);
    }

    /// <summary><see cref="SmallGradient{TF}"/> for both halves at once, over <paramref name="full"/> rows (a multiple of eight).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SmallGradientWide<TF>(ref double res0, ref double z0, ref double g, int full) where TF : struct, IDim
    {
        int fe = TF.Value + 1;
        var g0 = Load8(ref g, 0); var g1 = fe > 1 ? Load8(ref g, 1) : default; var g2 = fe > 2 ? Load8(ref g, 2) : default;
        var g3 = fe > 3 ? Load8(ref g, 3) : default; var g4 = fe > 4 ? Load8(ref g, 4) : default;
        for (int i = 0; i < full; i += Lanes)
        {
            var r = Vector512.LoadUnsafe(ref res0, (nuint)i);
            g0 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref z0, (nuint)i), g0);
            if (fe > 1) g1 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref z0, (nuint)(SubRows + i)), g1);
            if (fe > 2) g2 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref z0, (nuint)(2 * SubRows + i)), g2);
            if (fe > 3) g3 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref z0, (nuint)(3 * SubRows + i)), g3);
            if (fe > 4) g4 = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref z0, (nuint)(4 * SubRows + i)), g4);
        }
        Store8(ref g, 0, g0); if (fe > 1) Store8(ref g, 1, g1); if (fe > 2) Store8(ref g, 2, g2);
        if (fe > 3) Store8(ref g, 3, g3); if (fe > 4) Store8(ref g, 4, g4);
    }

    // One half's four lanes of an eight-lane slot (the reference is already offset to the half).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(ref double acc, int slot) => Vector256.LoadUnsafe(ref acc, (nuint)(slot * Lanes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double acc, int slot, Vector256<double> v) => v.StoreUnsafe(ref acc, (nuint)(slot * Lanes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load8(ref double acc, int slot) => Vector512.LoadUnsafe(ref acc, (nuint)(slot * Lanes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(ref double acc, int slot, Vector512<double> v) => v.StoreUnsafe(ref acc, (nuint)(slot * Lanes));
}
