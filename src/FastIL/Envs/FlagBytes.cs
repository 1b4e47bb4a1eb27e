using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastIL.Envs;

/// <summary>
/// Converts between the batch's 0/1 flag bytes (terminated, truncated) and lane bit masks, without branches: the
/// steppers do this for every block of lanes, and a data-dependent branch there mispredicts about half the time.
/// </summary>
internal static class FlagBytes
{
    // Spread[m] has byte k = bit k of m: eight lanes' mask bits become eight flag bytes in one store.
    private static readonly ulong[] Spread = BuildSpread();

    private static ulong[] BuildSpread()
    {
        var t = new ulong[256];
        for (int m = 0; m < 256; m++)
            for (int k = 0; k < 8; k++)
                if ((m >> k & 1) != 0) t[m] |= 1UL << (8 * k);
        return t;
    }

    /// <summary>Bit k set when byte k of <paramref name="a"/> or of <paramref name="b"/> is set, for <paramref name="count"/> (1, 8 or 16) bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Load(ref byte a, ref byte b, int count)
    {
        if (count == 1) return (uint)(a | b);
        if (count == 16)
        {
            var v = Vector128.LoadUnsafe(ref a) | Vector128.LoadUnsafe(ref b);
            return ~Vector128.Equals(v, Vector128<byte>.Zero).ExtractMostSignificantBits() & 0xFFFFu;
        }
        uint bits = 0;
        for (int k = 0; k < count; k += 8)
            bits |= Gather(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, k)) | Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, k))) << k;
        return bits;
    }

    /// <summary>
    /// Bit k = byte k of <paramref name="v"/>, whose bytes are 0 or 1: the multiplication moves byte k's bit to
    /// position 56 + k, and every other partial product lands below bit 56 or above bit 63 without carries (each
    /// position receives at most one), so the top byte is exactly the eight flags.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Gather(ulong v) => (uint)((v * 0x0102040810204080UL) >> 56);

    /// <summary>Writes bit k of <paramref name="bits"/> as 0/1 byte k, for <paramref name="count"/> (1 or a multiple of 8) bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref byte dst, uint bits, int count)
    {
        if (count == 1) { dst = (byte)bits; return; }
        for (int k = 0; k < count; k += 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, k), Spread[(bits >> k) & 0xFF]);
    }
}
