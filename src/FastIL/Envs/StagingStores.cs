using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastIL.Envs;

/// <summary>
/// Stores of the fused rollout's staging (<see cref="FusedRollout{TDyn, TRule}"/>), written without a scalar store per
/// lane: `perf` put a fifth of the fused group's samples in those per-lane loops. The rule expert's column path converts
/// its actions with <see cref="Labels"/> too.
/// </summary>
internal static class StagingStores
{
    /// <summary>
    /// The flags of <paramref name="active"/>'s low bits as bools, eight at a time: bit l of a byte's worth of the mask
    /// goes to byte l (1 for true, as .NET stores a bool) by a multiply and masks, instead of a branch-free but scalar
    /// store per lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Flags(Span<bool> flags, uint active)
    {
        int l = 0;
        for (; l + 8 <= flags.Length; l += 8)
        {
            // Each byte of x·0x0101… is the mask byte; byte j keeps bit j; adding 0x7F per byte carries a set bit into
            // the byte's top bit, which the shift moves to bit 0.
            ulong x = (active >> l) & 0xFF;
            ulong bytes = ((((x * 0x0101010101010101UL) & 0x8040201008040201UL) + 0x7F7F7F7F7F7F7F7FUL) >> 7) & 0x0101010101010101UL;
            Unsafe.WriteUnaligned(ref Unsafe.As<bool, byte>(ref flags[l]), bytes);
        }
        for (; l < flags.Length; l++) flags[l] = (active >> l & 1) != 0;
    }

    /// <summary>
    /// Labels or actions (whole numbers held as floats, as the lane code computes them) as ints: sixteen or eight per
    /// vector conversion where they fit, truncating as a cast does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Labels(ReadOnlySpan<float> values, Span<int> labels)
    {
        int l = 0;
        ref float src = ref MemoryMarshal.GetReference(values);
        ref int dst = ref MemoryMarshal.GetReference(labels[..values.Length]);
        if (Vector512.IsHardwareAccelerated)
            for (; l + 16 <= values.Length; l += 16) Vector512.ConvertToInt32(Vector512.LoadUnsafe(ref src, (nuint)l)).StoreUnsafe(ref dst, (nuint)l);
        if (Vector256.IsHardwareAccelerated)
            for (; l + 8 <= values.Length; l += 8) Vector256.ConvertToInt32(Vector256.LoadUnsafe(ref src, (nuint)l)).StoreUnsafe(ref dst, (nuint)l);
        for (; l < values.Length; l++) Unsafe.Add(ref dst, l) = (int)Unsafe.Add(ref src, l);
    }
}
