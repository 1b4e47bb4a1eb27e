using FastIL.Algorithms;
using FastIL.Devices;
using FastIL.IO;
using FastIL.Cli.Infrastructure;
using FastIL.Envs;
using FastIL.Experts;
using FastIL.Policies;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil eval</c>: E episodes of a saved policy, with ε against the built-in expert.</summary>
internal static class EvalCommand
{
    public static CliCommand Definition => new("eval",
        "Runs E episodes of a saved policy and reports returns and ε, its disagreement with the built-in expert on its own states.",
        [
            CommonOptions.EnvRequired,
            new("policy", "p.json", "Policy file (required), e.g. from dagger --save-policy or fit", "(none)"),
            new("episodes", "E", "Episodes to run", "1000"),
            CommonOptions.Seed("Seed of the episodes' initial states"),
            CommonOptions.Threads(),
            CommonOptions.Device,
            CommonOptions.Json,
        ], Run);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        EnvSpec spec = CommonOptions.Env(p);
        string path = p.Require("policy");
        LinearPolicy policy = CommonOptions.LoadPolicyFor(path, spec, "policy");
        var device = ComputeDevices.Resolve(ComputeDevices.Parse(p.Choice("device"))!.Value);
        int episodes = p.Int("episodes", 1, device == ComputeDevice.Simd ? 10_000_000 : 1 << 25);
        ulong seed = p.ULong("seed");
        EvaluationResult r;
        double seconds, kernelSeconds = double.NaN, transferSeconds = double.NaN;
        if (device == ComputeDevice.Simd)
        {
            using var evaluator = new Evaluator(spec, episodes, p.Int("threads", 1, 1024));
            var expert = BuiltinExperts.For(spec, episodes);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            r = evaluator.Evaluate(new PolicyInference(policy, episodes), expert, seed);
            seconds = sw.Elapsed.TotalSeconds;
        }
        else
        {
            try
            {
                using var session = IlgpuSession.Open(device);
                using var gpu = new DeviceImitation(session, spec);
                gpu.Evaluate(policy, true, 1, spec.MaxEpisodeSteps, seed);   // loads the kernel: not timed
                double k0 = gpu.KernelSeconds, t0 = gpu.TransferSeconds;
                var sw = System.Diagnostics.Stopwatch.StartNew();
                r = gpu.Evaluate(policy, true, episodes, spec.MaxEpisodeSteps, seed);
                seconds = sw.Elapsed.TotalSeconds;
                kernelSeconds = gpu.KernelSeconds - k0;
                transferSeconds = gpu.TransferSeconds - t0;
            }
            catch (DeviceUnavailableException e) { throw new CliException($"{cmd}: {e.Message}", 1); }
            catch (ArgumentException e) { throw new CliException($"{cmd}: {e.Message}"); }
        }
        if (p.Has("json"))
        {
            Console.WriteLine(EvaluationJson.ToJson(spec.Id, path, seed, r, seconds, w =>
            {
                w.WriteString("device", ComputeDevices.Name(device));
                if (!double.IsNaN(kernelSeconds)) { w.WriteNumber("kernel_seconds", kernelSeconds); w.WriteNumber("transfer_seconds", transferSeconds); }
            }));
        }
        else Console.WriteLine($"{spec.Id}: {r.Episodes} episodes, return {r.ReturnMean:F2} ± {r.ReturnStd:F2} (min {r.ReturnMin:F1}, max {r.ReturnMax:F1}), length {r.LengthMean:F1}, ε vs built-in expert {r.Disagreement:F4}");
        return 0;
    }
}
