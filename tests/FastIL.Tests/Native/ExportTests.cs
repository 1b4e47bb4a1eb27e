using System.Runtime.InteropServices;
using System.Text;
using FastIL.Native;
using Xunit;

namespace FastIL.Tests.Native;

/// <summary>
/// The C ABI's error paths, called through unmanaged function pointers as a C caller would: every failure is a status
/// code and a message, never an exception across the boundary.
/// </summary>
public unsafe class ExportTests
{
    private static string LastError()
    {
        delegate* unmanaged<byte*, int, int> f = &Exports.LastError;
        int needed = f(null, 0);
        var buf = new byte[needed];
        fixed (byte* p = buf) f(p, needed);
        return Encoding.UTF8.GetString(buf, 0, needed - 1);
    }

    private static long Create(string id, int n, int autoReset = 0)
    {
        delegate* unmanaged<byte*, int, int, int, long*, int> create = &Exports.VecEnvCreate;
        byte[] name = Encoding.UTF8.GetBytes(id + "\0");
        long h = 0;
        int status;
        fixed (byte* p = name) status = create(p, n, autoReset, 1, &h);
        return status == 0 ? h : status;
    }

    [Fact]
    public void Create_BadArguments_ReturnStatusesWithMessages()
    {
        Assert.Equal(-1, Create("CartPole-v9", 4));
        Assert.Contains("unknown env 'CartPole-v9'", LastError());
        Assert.Equal(-1, Create("CartPole-v1", 0));
        Assert.Contains("num_envs must be in", LastError());
        Assert.Equal(-1, Create("CartPole-v1", 4, autoReset: 9));
        Assert.Contains("autoreset must be", LastError());
        delegate* unmanaged<byte*, int, int, int, long*, int> create = &Exports.VecEnvCreate;
        long h;
        Assert.Equal(-1, create(null, 4, 0, 1, &h));
        Assert.Contains("env_id is a null pointer", LastError());
    }

    [Fact]
    public void DestroyedOrForeignHandles_AreInvalidHandleErrors()
    {
        long h = Create("CartPole-v1", 4);
        Assert.True(h > 0, LastError());
        delegate* unmanaged<long, int> destroy = &Exports.VecEnvDestroy;
        delegate* unmanaged<long, ulong, float*, int, int> reset = &Exports.VecEnvReset;
        Assert.Equal(0, reset(h, 1, null, 0));
        Assert.Equal(0, destroy(h));
        Assert.Equal(-2, reset(h, 1, null, 0));
        Assert.Contains($"env handle {h} is not open", LastError());
        Assert.Equal(-2, destroy(h));
        Assert.Equal(-2, reset(987654321, 1, null, 0));
    }

    [Fact]
    public void Step_BadActionsAndLayouts_AreErrors_AndAGoodStepWritesEveryOutput()
    {
        long h = Create("CartPole-v1", 3);
        delegate* unmanaged<long, void*, float*, double*, byte*, byte*, int, int> step = &Exports.VecEnvStep;
        delegate* unmanaged<long, ulong, float*, int, int> reset = &Exports.VecEnvReset;
        var obs = new float[12];
        var rew = new double[3];
        var term = new byte[3];
        var trunc = new byte[3];
        int[] bad = [0, 5, 1], good = [0, 1, 1];
        fixed (float* o = obs) fixed (double* r = rew) fixed (byte* t = term, u = trunc) fixed (int* b = bad, g = good)
        {
            Assert.Equal(0, reset(h, 7, o, 0));
            Assert.Equal(-1, step(h, b, o, r, t, u, 0));
            Assert.Contains("lane 1 has 5", LastError());
            Assert.Equal(-1, step(h, null, o, r, t, u, 0));
            Assert.Equal(-1, step(h, g, o, r, t, u, 7));
            Assert.Contains("layout must be 0", LastError());
            Assert.Equal(0, step(h, g, o, r, t, u, 0));
        }
        Assert.Equal([1.0, 1.0, 1.0], rew);
        Assert.Contains(obs, v => v != 0);
    }

    [Fact]
    public void RunJson_BadConfigs_AreErrors_AndAGoodOneKeepsTheResult()
    {
        delegate* unmanaged<byte*, int*, int> run = &Exports.RunJson;
        delegate* unmanaged<byte*, int, int> result = &Exports.LastResult;
        int Run(string json, out int bytes)
        {
            byte[] b = Encoding.UTF8.GetBytes(json + "\0");
            int n = 0, s;
            fixed (byte* p = b) s = run(p, &n);
            bytes = n;
            return s;
        }
        Assert.Equal(-1, Run("{not json", out _));
        Assert.Contains("not valid JSON", LastError());
        Assert.Equal(-1, Run("[1, 2]", out _));
        Assert.Equal(-1, Run("""{"env": "CartPole-v1", "colour": "red"}""", out _));
        Assert.Contains("unknown config field 'colour'", LastError());
        Assert.Equal(-1, Run("""{"algorithm": "eval", "env": "CartPole-v1"}""", out _));
        Assert.Contains("eval needs 'policy'", LastError());
        Assert.Equal(0, Run("""{"algorithm": "bc", "env": "CartPole-v1", "demos": 4, "eval_episodes": 20, "seed": 2}""", out int needed));
        var buf = new byte[needed];
        fixed (byte* p = buf) Assert.Equal(needed, result(p, needed));
        using var doc = System.Text.Json.JsonDocument.Parse(Encoding.UTF8.GetString(buf, 0, needed - 1));
        Assert.Equal("bc", doc.RootElement.GetProperty("algorithm").GetString());
        Assert.Equal(20, doc.RootElement.GetProperty("config").GetProperty("eval_episodes").GetInt32());
    }

    [Fact]
    public void Policy_MissingFileAndBadHandles_AreErrors()
    {
        delegate* unmanaged<byte*, long*, int> load = &Exports.PolicyLoad;
        delegate* unmanaged<long, float*, int, void*, int> act = &Exports.PolicyAct;
        byte[] path = Encoding.UTF8.GetBytes("/nonexistent/p.json\0");
        long h;
        fixed (byte* p = path) Assert.NotEqual(0, load(p, &h));
        Assert.Contains("/nonexistent/p.json", LastError());
        float x = 0; int a = 0;
        Assert.Equal(-2, act(12345, &x, 1, &a));
        Assert.Contains("policy handle 12345", LastError());
    }

    [Fact]
    public void LastError_TruncatesToTheCallerBuffer_AndReportsTheFullSize()
    {
        Assert.Equal(-1, Create("CartPole-v9", 4));
        delegate* unmanaged<byte*, int, int> f = &Exports.LastError;
        var small = new byte[8];
        int needed;
        fixed (byte* p = small) needed = f(p, small.Length);
        Assert.True(needed > small.Length);
        Assert.Equal(0, small[7]);
        Assert.Equal("unknown", Encoding.UTF8.GetString(small, 0, 7));
    }
}
