using FastIL.Cli.Infrastructure;
using FastIL.Envs;
using FastIL.Experts;
using FastIL.IO;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil demos</c>: an expert's episodes written as a Minari dataset.</summary>
internal static class DemosCommand
{
    public static CliCommand Definition => new("demos",
        "Rolls out an expert and writes its episodes as a Minari dataset (ROOT/NS/NAME-vN/data: metadata.json, main_data.hdf5).",
        [
            CommonOptions.EnvRequired,
            new("episodes", "M", "Episodes to record", "10"),
            CommonOptions.Seed("Seed of the episodes' initial states (episode i: FastIL's reset seed S, lane i)"),
            new("horizon", "H", "Steps per episode at most", "(the env's time limit)"),
            new("expert", "builtin|FILE", "The built-in expert, or a teacher policy JSON", "builtin"),
            new("dataset-id", "NS/NAME-vN", "Minari dataset id", "(<env>/fastil-expert-v0)"),
            new("out", "ROOT", "Minari datasets root (required; MINARI_DATASETS_PATH); an existing dataset is never overwritten", "(none)"),
            CommonOptions.Quiet,
        ], Run);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        EnvSpec spec = CommonOptions.Env(p);
        int episodes = p.Int("episodes", 1, 100_000);
        ulong seed = p.ULong("seed");
        int? horizon = p.Get("horizon") is null ? null : p.Int("horizon", 1, 1_000_000);
        string root = p.Require("out");
        if (root.Length == 0) throw new CliException($"{cmd}: --out needs a directory name (the Minari datasets root); got an empty string");
        if (File.Exists(root)) throw new CliException($"{cmd}: --out '{root}' is a file; expected a directory", 1);
        string id = p.Get("dataset-id") ?? $"{spec.Id.Split('-')[0].ToLowerInvariant()}/fastil-expert-v0";
        long maxSteps = (long)episodes * (horizon ?? spec.MaxEpisodeSteps);
        if (maxSteps > 50_000_000) throw new CliException($"{cmd}: {episodes} episodes × {horizon ?? spec.MaxEpisodeSteps} steps is up to {maxSteps} steps; the limit is 50000000");
        IExpert expert = p.Get("expert") is { } ex && ex != "builtin"
            ? new PolicyExpert(CommonOptions.LoadPolicyFor(ex, spec, "expert"), episodes, $"teacher {Path.GetFileName(ex)}")
            : BuiltinExperts.For(spec, episodes);
        string dir;
        var bar = new ProgressBar("steps", p.Has("quiet"));   // steps of the time limit: the episodes run side by side
        try
        {
            MinariWriter.ParseId(id);
            var eps = ExpertDemonstrations.Record(spec, expert, episodes, seed, horizon, (done, total) => bar.Report(done, total));
            bar.Finish();
            dir = MinariWriter.Write(root, id, spec, eps, $"{spec.Id}: {episodes} episodes of {expert.Name}, FastIL reset seed {seed}");
        }
        catch (ArgumentException e) { throw new CliException($"{cmd}: {e.Message}"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"{cmd}: cannot write the dataset: {e.Message}", 1); }
        catch (Exception e) when (e is System.Reflection.TargetInvocationException or InvalidCastException or NotSupportedException)
        {
            throw new CliException($"{cmd}: the HDF5 writer failed: {(e.InnerException ?? e).GetBaseException().Message}", 1);
        }
        finally { bar.Finish(); }
        if (!p.Has("quiet")) Console.Error.WriteLine($"wrote {episodes} episodes of {spec.Id} ({expert.Name}) -> {dir} (Minari id {id}; MINARI_DATASETS_PATH={Path.GetFullPath(root)})");
        Console.WriteLine(dir);
        return 0;
    }
}
