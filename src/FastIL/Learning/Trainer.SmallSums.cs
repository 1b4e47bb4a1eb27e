using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Learning;

public sealed partial class Trainer
{
    /// <summary>Largest extended feature count (features + bias) that <see cref="SmallSums{TF, TV}"/> keeps in registers.</summary>
    private const int SmallSumsMaxExtended = 5;

    /// <summary>
    /// Phase 2 of <see cref="BinaryRows{TF}"/> for the two-class kernel's eight-lane sums, all of them in registers.
    /// Vector512 does both halves at once; otherwise the same lanes run as two Vector256 halves. A final group of four
    /// rows (its row a multiple of eight) goes to lanes 0–3 through the half loop.
    /// </summary>
    private static void SmallSums<TF>(ref BinaryBlock block, ref double g, ref double h, int count, bool wide) where TF : struct, IDim
    {
        if (!wide)
        {
            for (int half = 0; half < 2; half++) SmallSums<TF, SumLanes4>(ref block, ref g, ref h, half * 4, 0, count);
            return;
        }
        int full = count & ~(Lanes - 1);
        SmallSums<TF, SumLanes8>(ref block, ref g, ref h, 0, 0, full);
        if (full < count) SmallSums<TF, SumLanes4>(ref block, ref g, ref h, 0, full, count);
    }

    /// <summary>
    /// For at most five extended features, one pass over the sub-block: all F + 1 gradient sums and (F + 1)(F + 2)/2
    /// Hessian sums live in registers at once (20 for CartPole), so the loop has that many independent FMA chains, and
    /// it reads each row's features once. <typeparamref name="TV"/> is four lanes (one half: the groups of four rows from
    /// <paramref name="from"/>, 0 or 4, in steps of eight, into lanes from…from + 3) or eight (both halves, from = 0);
    /// each lane receives the same fused multiply-adds either way (u = c·φ_a rounded once, then fma(u, φ_b, acc)), so
    /// the same bits. Rows from <paramref name="start"/> (a multiple of eight) to <paramref name="count"/>. Slots
    /// (eight lanes each): gradient a at [a]; Hessian (a, b ≥ a) in the a-major order that <see cref="BinaryRows{TF}"/>
    /// uses.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SmallSums<TF, TV>(ref BinaryBlock block, ref double g, ref double h, int from, int start, int count)
        where TF : struct, IDim where TV : struct, ISumLanes<TV>
    {
        int fe = TF.Value + 1;
        ref double res0 = ref block.Res, c0 = ref block.C, z0 = ref block.Z;
        g = ref Unsafe.Add(ref g, from);
        h = ref Unsafe.Add(ref h, from);
        if (!block.WithHessian)
        {
            SmallGradient<TF, TV>(ref res0, ref z0, ref g, start + from, count);
            return;
        }
        // Slot of Hessian pair (a, b): a-major, b from a.
        int s01 = 1, s02 = 2, s03 = 3, s04 = 4;
        int s11 = fe, s12 = fe + 1, s13 = fe + 2, s14 = fe + 3;
        int s22 = 2 * fe - 1, s23 = 2 * fe, s24 = 2 * fe + 1;
        int s33 = 3 * fe - 3, s34 = 3 * fe - 2;
        int s44 = 4 * fe - 6;
        var g0 = Slot<TV>(ref g, 0); var g1 = fe > 1 ? Slot<TV>(ref g, 1) : default; var g2 = fe > 2 ? Slot<TV>(ref g, 2) : default;
        var g3 = fe > 3 ? Slot<TV>(ref g, 3) : default; var g4 = fe > 4 ? Slot<TV>(ref g, 4) : default;
        var h00 = Slot<TV>(ref h, 0);
        var h01 = fe > 1 ? Slot<TV>(ref h, s01) : default; var h02 = fe > 2 ? Slot<TV>(ref h, s02) : default;
        var h03 = fe > 3 ? Slot<TV>(ref h, s03) : default; var h04 = fe > 4 ? Slot<TV>(ref h, s04) : default;
        var h11 = fe > 1 ? Slot<TV>(ref h, s11) : default; var h12 = fe > 2 ? Slot<TV>(ref h, s12) : default;
        var h13 = fe > 3 ? Slot<TV>(ref h, s13) : default; var h14 = fe > 4 ? Slot<TV>(ref h, s14) : default;
        var h22 = fe > 2 ? Slot<TV>(ref h, s22) : default; var h23 = fe > 3 ? Slot<TV>(ref h, s23) : default;
        var h24 = fe > 4 ? Slot<TV>(ref h, s24) : default;
        var h33 = fe > 3 ? Slot<TV>(ref h, s33) : default; var h34 = fe > 4 ? Slot<TV>(ref h, s34) : default;
        var h44 = fe > 4 ? Slot<TV>(ref h, s44) : default;
        for (int i = start + from; i < count; i += Lanes)
        {
            var r = TV.Load(ref res0, (nuint)i);
            var c = TV.Load(ref c0, (nuint)i);
            var p0 = TV.Load(ref z0, (nuint)i);
            var p1 = fe > 1 ? TV.Load(ref z0, (nuint)(SubRows + i)) : default;
            var p2 = fe > 2 ? TV.Load(ref z0, (nuint)(2 * SubRows + i)) : default;
            var p3 = fe > 3 ? TV.Load(ref z0, (nuint)(3 * SubRows + i)) : default;
            var p4 = fe > 4 ? TV.Load(ref z0, (nuint)(4 * SubRows + i)) : default;
            g0 = TV.Fma(r, p0, g0);
            var u = TV.Multiply(c, p0);
            h00 = TV.Fma(u, p0, h00);
            if (fe > 1)
            {
                g1 = TV.Fma(r, p1, g1);
                h01 = TV.Fma(u, p1, h01);
            }
            if (fe > 2) { g2 = TV.Fma(r, p2, g2); h02 = TV.Fma(u, p2, h02); }
            if (fe > 3) { g3 = TV.Fma(r, p3, g3); h03 = TV.Fma(u, p3, h03); }
            if (fe > 4) { g4 = TV.Fma(r, p4, g4); h04 = TV.Fma(u, p4, h04); }
            if (fe > 1)
            {
                u = TV.Multiply(c, p1);
                h11 = TV.Fma(u, p1, h11);
                if (fe > 2) h12 = TV.Fma(u, p2, h12);
                if (fe > 3) h13 = TV.Fma(u, p3, h13);
                if (fe > 4) h14 = TV.Fma(u, p4, h14);
            }
            if (fe > 2)
            {
                u = TV.Multiply(c, p2);
                h22 = TV.Fma(u, p2, h22);
                if (fe > 3) h23 = TV.Fma(u, p3, h23);
                if (fe > 4) h24 = TV.Fma(u, p4, h24);
            }
            if (fe > 3)
            {
                u = TV.Multiply(c, p3);
                h33 = TV.Fma(u, p3, h33);
                if (fe > 4) h34 = TV.Fma(u, p4, h34);
            }
            if (fe > 4) h44 = TV.Fma(TV.Multiply(c, p4), p4, h44);
        }
        SetSlot(ref g, 0, g0); if (fe > 1) SetSlot(ref g, 1, g1); if (fe > 2) SetSlot(ref g, 2, g2);
        if (fe > 3) SetSlot(ref g, 3, g3); if (fe > 4) SetSlot(ref g, 4, g4);
        SetSlot(ref h, 0, h00);
        if (fe > 1) { SetSlot(ref h, s01, h01); SetSlot(ref h, s11, h11); }
        if (fe > 2) { SetSlot(ref h, s02, h02); SetSlot(ref h, s12, h12); SetSlot(ref h, s22, h22); }
        if (fe > 3) { SetSlot(ref h, s03, h03); SetSlot(ref h, s13, h13); SetSlot(ref h, s23, h23); SetSlot(ref h, s33, h33); }
        if (fe > 4) { SetSlot(ref h, s04, h04); SetSlot(ref h, s14, h14); SetSlot(ref h, s24, h24); SetSlot(ref h, s34, h34); SetSlot(ref h, s44, h44); }
    }

    /// <summary>The gradient sums alone (a pass without the Hessian, as L-BFGS and the line search make).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SmallGradient<TF, TV>(ref double res0, ref double z0, ref double g, int first, int count)
        where TF : struct, IDim where TV : struct, ISumLanes<TV>
    {
        int fe = TF.Value + 1;
        var g0 = Slot<TV>(ref g, 0); var g1 = fe > 1 ? Slot<TV>(ref g, 1) : default; var g2 = fe > 2 ? Slot<TV>(ref g, 2) : default;
        var g3 = fe > 3 ? Slot<TV>(ref g, 3) : default; var g4 = fe > 4 ? Slot<TV>(ref g, 4) : default;
        for (int i = first; i < count; i += Lanes)
        {
            var r = TV.Load(ref res0, (nuint)i);
            g0 = TV.Fma(r, TV.Load(ref z0, (nuint)i), g0);
            if (fe > 1) g1 = TV.Fma(r, TV.Load(ref z0, (nuint)(SubRows + i)), g1);
            if (fe > 2) g2 = TV.Fma(r, TV.Load(ref z0, (nuint)(2 * SubRows + i)), g2);
            if (fe > 3) g3 = TV.Fma(r, TV.Load(ref z0, (nuint)(3 * SubRows + i)), g3);
            if (fe > 4) g4 = TV.Fma(r, TV.Load(ref z0, (nuint)(4 * SubRows + i)), g4);
        }
        SetSlot(ref g, 0, g0); if (fe > 1) SetSlot(ref g, 1, g1); if (fe > 2) SetSlot(ref g, 2, g2);
        if (fe > 3) SetSlot(ref g, 3, g3); if (fe > 4) SetSlot(ref g, 4, g4);
    }

    // An eight-lane slot's lanes from the (half-offset) reference.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Slot<TV>(ref double acc, int slot) where TV : struct, ISumLanes<TV> => TV.Load(ref acc, (nuint)(slot * Lanes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetSlot<TV>(ref double acc, int slot, TV v) where TV : struct, ISumLanes<TV> => TV.Store(v, ref acc, (nuint)(slot * Lanes));
}
