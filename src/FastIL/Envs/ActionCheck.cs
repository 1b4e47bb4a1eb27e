using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastIL.Envs;

/// <summary>Vectorized validation of discrete actions: one pass, no allocation.</summary>
public static class ActionCheck
{
    /// <summary>Index of the first action outside [0, count), or -1 when all are valid.</summary>
    public static int FirstOutOfRange(ReadOnlySpan<int> actions, int count)
    {
        ref int a = ref MemoryMarshal.GetReference(actions);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && actions.Length >= 8)
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
