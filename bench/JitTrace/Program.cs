using Microsoft.Diagnostics.Tracing;

// Where a process's JIT time goes, from an EventPipe trace with the runtime's JIT events (bench/jit-trace.sh writes
// one): per compiled method and tier, the time from MethodJittingStarted to MethodLoadVerbose on the same thread, then
// totals per thread and per tier, then the most expensive methods. Times are wall time on the compiling thread, so a
// compile whose thread was descheduled (more threads than cores) looks longer than it was.
// Usage: JitTrace TRACE.nettrace [TOP]
if (args.Length is 0 or > 2 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: JitTrace TRACE.nettrace [TOP]   (a trace with Microsoft-Windows-DotNETRuntime:0x10:5; see bench/jit-trace.sh)");
    return 2;
}
int top = args.Length > 1 && int.TryParse(args[1], out int t) && t > 0 ? t : 40;
var started = new Dictionary<(int Thread, long Method), (double At, string Name)>();
var perMethod = new Dictionary<(string Name, string Tier), (double Ms, int Count)>();
var perThread = new Dictionary<int, double>();
using (var source = new EventPipeEventSource(args[0]))
{
    source.Clr.MethodJittingStarted += e => started[(e.ThreadID, e.MethodID)] = (e.TimeStampRelativeMSec, $"{e.MethodNamespace}::{e.MethodName}");
    source.Clr.MethodLoadVerbose += e =>
    {
        if (!started.Remove((e.ThreadID, e.MethodID), out var s)) return;
        double ms = e.TimeStampRelativeMSec - s.At;
        var key = (s.Name, e.OptimizationTier.ToString());
        var sum = perMethod.GetValueOrDefault(key);
        perMethod[key] = (sum.Ms + ms, sum.Count + 1);
        perThread[e.ThreadID] = perThread.GetValueOrDefault(e.ThreadID) + ms;
    };
    source.Process();
}
Console.WriteLine($"JIT: {perMethod.Values.Sum(v => v.Ms):F1} ms over {perMethod.Values.Sum(v => v.Count)} compiles");
foreach (var (thread, ms) in perThread.OrderByDescending(p => p.Value)) Console.WriteLine($"  thread {thread}: {ms:F1} ms");
foreach (var tier in perMethod.GroupBy(p => p.Key.Tier).OrderByDescending(g => g.Sum(p => p.Value.Ms)))
    Console.WriteLine($"  {tier.Key}: {tier.Sum(p => p.Value.Ms):F1} ms, {tier.Sum(p => p.Value.Count)} compiles");
foreach (var (key, v) in perMethod.OrderByDescending(p => p.Value.Ms).Take(top))
    Console.WriteLine($"{v.Ms,8:F2} ms {v.Count,3}x  {key.Tier,-26} {(key.Name.Length > 150 ? key.Name[..150] : key.Name)}");
return 0;
