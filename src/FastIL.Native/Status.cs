using System.Runtime.InteropServices;
using System.Text;

namespace FastIL.Native;

/// <summary>
/// Status codes of every export (0 is success) and the per-thread last error: no exception ever crosses the C
/// boundary (an exception escaping an export would abort the host process, Python included).
/// </summary>
internal static class Status
{
    public const int Ok = 0, InvalidArgument = -1, InvalidHandle = -2, Failed = -3, BufferTooSmall = -4;

    [ThreadStatic] private static string? _lastError;
    [ThreadStatic] private static string? _lastResult;

    public static string LastError => _lastError ?? "";
    public static string LastResult => _lastResult ?? "";

    public static void SetResult(string text) => _lastResult = text;

    /// <summary>Runs <paramref name="body"/>, mapping every exception to a status and a message.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            _lastError = null;
            return body();
        }
        catch (InvalidHandleException e) { _lastError = e.Message; return InvalidHandle; }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            _lastError = e.Message;
            return InvalidArgument;
        }
        catch (Exception e)
        {
            _lastError = $"{e.GetType().Name}: {e.Message}";
            return Failed;
        }
    }

    /// <summary>A UTF-8, NUL-terminated C string argument; an error for a null pointer.</summary>
    public static unsafe string Utf8(byte* text, string what)
        => text == null ? throw new ArgumentException($"{what} is a null pointer") : Marshal.PtrToStringUTF8((nint)text)!;

    /// <summary>Copies <paramref name="text"/> (UTF-8, NUL-terminated) into a caller buffer; returns the bytes it needs.</summary>
    public static unsafe int CopyOut(string text, byte* buffer, int length)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int needed = bytes.Length + 1;
        if (buffer != null && length > 0)
        {
            int n = Math.Min(bytes.Length, length - 1);
            new ReadOnlySpan<byte>(bytes, 0, n).CopyTo(new Span<byte>(buffer, n));
            buffer[n] = 0;
        }
        return needed;
    }
}
