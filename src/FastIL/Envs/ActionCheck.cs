using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastIL.Envs;

/// <summary>Vectorized validation of discrete actions: one pass, no allocation.</summary>
public static class ActionCheck
{
    /// <summary>Index of the first action outside [0, count), or -1 when all are valid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstOutOfRange(ReadOnlySpan<int> actions, int count)
    {
        ref int a = ref MemoryMarshal.GetReference(actions);
        int i = 0;
        // Runs on the stepping thread before every step (serial work in a parallel step): the widest vectors, two
        // accumulators so the OR chain does not limit the loop.
        if (Vector512.IsHardwareAccelerated && actions.Length >= 32)
        {
            var limit = Vector512.Create((uint)count);
            Vector512<uint> bad0 = Vector512<uint>.Zero, bad1 = Vector512<uint>.Zero;
            for (; i <= actions.Length - 32; i += 32)
            {
                bad0 |= Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref Unsafe.As<int, uint>(ref Unsafe.Add(ref a, i))), limit);
                bad1 |= Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref Unsafe.As<int, uint>(ref Unsafe.Add(ref a, i + 16))), limit);
            }
            if ((bad0 | bad1) == Vector512<uint>.Zero)
            {
                for (; i < actions.Length; i++) if ((uint)actions[i] >= (uint)count) return i;
                return -1;
            }
            i = 0;
        }
        else if (Vector256.IsHardwareAccelerated && actions.Length >= 8)
        {
            // Negative ints are huge as unsigned, so one unsigned compare checks both bounds.
            var limit = Vector256.Create((uint)count);
            var bad = Vector256<uint>.Zero;
            for (; i <= actions.Length - 8; i += 8)
                bad |= Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref Unsafe.As<int, uint>(ref Unsafe.Add(ref a, i))), limit);
            if (bad == Vector256<uint>.Zero)
            {
                for (; i < actions.Length; i++) if ((uint)actions[i] >= (uint)count) return i;
                return -1;
            }
            i = 0;
        }
        for (; i < actions.Length; i++) if ((uint)actions[i] >= (uint)count) return i;
        return -1;
    }
}
