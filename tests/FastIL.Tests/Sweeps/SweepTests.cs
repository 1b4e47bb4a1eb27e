using System.Diagnostics;
using FastIL.Sweeps;
using FastIL.Tests.Cli;
using Xunit;

namespace FastIL.Tests.Sweeps;

[Collection("cli")]
public class SweepTests
{
    // Small, fast runs: the outputs' bytes are what is compared.
    private const string Spec = """
        {"base": {"algorithm": "dagger", "env": "CartPole-v1", "iterations": 2, "eval-episodes": 60},
         "grid": {"rollouts": [2, 3], "beta": ["indicator", "exp:0.5"]},
         "samples": {"count": 2, "seed": 3, "options": {"l2": {"log_uniform": [1e-6, 1e-3]}}},
         "seeds": 4}
        """;

    private static string Write(string dir, string name, string text) { string p = Path.Combine(dir, name); File.WriteAllText(p, text); return p; }

    private static Dictionary<string, byte[]> Outputs(string dir)
    {
        var files = SweepOutputs.Files.Select(f => Path.Combine(dir, f)).Concat(Directory.GetFiles(Path.Combine(dir, "plots")).Order());
        return files.ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);
    }

    private static void AssertSameOutputs(string expectedDir, string actualDir)
    {
        var a = Outputs(expectedDir);
        var b = Outputs(actualDir);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var k in a.Keys) Assert.True(a[k].AsSpan().SequenceEqual(b[k]), $"{k} differs between {expectedDir} and {actualDir}");
    }

    [Fact]
    public void Spec_ExpandsGridSamplesAndSeeds_InIdOrder()
    {
        var spec = SweepSpec.Parse(Spec);
        Assert.Equal(2 * 2 * 2, spec.Points.Count);
        Assert.Equal(32, spec.Runs.Count);
        Assert.Equal(Enumerable.Range(0, 32), spec.Runs.Select(r => r.Id));
        Assert.Equal("2", spec.Points[0]["rollouts"]);
        Assert.Equal("indicator", spec.Points[0]["beta"]);
        Assert.Equal("exp:0.5", spec.Points[2]["beta"]);   // first grid key varies slowest
        Assert.Equal("3", spec.Points[4]["rollouts"]);
        Assert.Equal(spec.Points[0]["l2"], spec.Points[4]["l2"]); // the same samples at every grid point
        Assert.NotEqual(spec.Points[0]["l2"], spec.Points[1]["l2"]);
        Assert.All(spec.Runs, r => Assert.Equal(1, r.Config.Threads));
        Assert.Equal(SweepSpec.Parse(Spec).Hash, spec.Hash);
    }

    [Theory]
    [InlineData("""{"grid": {"rollout": [1]}}""", "field 'grid.rollout': unknown option")]
    [InlineData("""{"grid": {"rollouts": [4, 0]}}""", "grid.rollouts must be in [1,")]
    [InlineData("""{"base": {"env": "CartPole-v9"}}""", "base.env: unknown env 'CartPole-v9'")]
    [InlineData("""{"base": {"beta": "exp:3"}}""", "base.beta")]
    [InlineData("""{"seeds": 0}""", "field 'seeds' must be a count")]
    [InlineData("""{"base": {"seed": 1}}""", "top-level 'seeds'")]
    [InlineData("""{"grid": {"l2": []}}""", "non-empty list")]
    [InlineData("""{"bogus": 1}""", "unknown field 'bogus'")]
    [InlineData("""{"base": {"l2": 0.1}, "grid": {"l2": [0.2]}}""", "appears in both")]
    [InlineData("""{"base": {"algorithm": "bc", "iterations": 3}}""", "does not apply to bc")]
    [InlineData("""{"base": {"env": "Pendulum-v1", "policy": "softmax"}}""", "point 0 (")]
    [InlineData("""{"base": {"env": "CartPole-v1"}, "grid": {"policy": ["logistic", "linear"]}}""", "point 1 (env=CartPole-v1, policy=linear): CartPole-v1 has discrete actions")]
    [InlineData("""{"grid": {"rollouts": [4, 10000000]}}""", "point 1 (rollouts=10000000): 5 iteration(s) × 10000000 trajectories")]
    public void Spec_Errors_NameTheFieldAndValue(string json, string expected)
    {
        // Every point is checked before anything runs, the policy against the env's actions and the memory it plans for
        // included: a grid that mixes a valid and an invalid point never starts.
        Assert.Contains(expected, Assert.Throws<FormatException>(() => SweepSpec.Parse(json)).Message);
    }

    [Fact]
    public void KilledSweep_ResumesAndMatchesAnUninterruptedOne_ByteForByte()
    {
        string dir = CliRunner.TempDir();
        // Runs long enough that the kill lands well before the 32nd, even on a loaded machine: at 400 evaluation episodes a
        // run took 1-2 ms, and a test host slowed by a build's leftover processes once saw all 32 journaled before its kill
        // took effect. At 10000 a run takes about 30 ms, so the other 29 take some 0.4 s on two threads.
        string spec = Write(dir, "spec.json", Spec.Replace("\"eval-episodes\": 60", "\"eval-episodes\": 10000"));
        string full = Path.Combine(dir, "full"), killed = Path.Combine(dir, "killed");
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", full, "--threads", "2", "--quiet").Code);

        // A separate process, killed with SIGKILL once a few runs are journaled.
        string cli = typeof(FastIL.Cli.Program).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", [cli, "sweep", spec, "--out", killed, "--threads", "2", "--quiet"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using (var proc = Process.Start(psi)!)
        {
            string journal = Path.Combine(killed, SweepJournal.FileName);
            var sw = Stopwatch.StartNew();
            while (!proc.HasExited && sw.Elapsed.TotalSeconds < 60 && (!File.Exists(journal) || File.ReadAllLines(journal).Length < 3)) Thread.Sleep(2);
            Assert.False(proc.HasExited, "the sweep finished before it could be killed; make the runs longer");
            proc.Kill(entireProcessTree: true);
            proc.WaitForExit();
        }
        int recorded = File.ReadAllLines(Path.Combine(killed, SweepJournal.FileName)).Length;
        Assert.InRange(recorded, 3, 31);
        Assert.False(File.Exists(Path.Combine(killed, "runs.csv")));

        var (code, _, err) = CliRunner.Run("sweep", spec, "--out", killed, "--threads", "2", "--quiet");
        Assert.True(code == 0, err);
        AssertSameOutputs(full, killed);
        Assert.Equal(32, File.ReadAllLines(Path.Combine(killed, SweepJournal.FileName)).Length);
    }

    [Fact]
    public void TornJournalTail_IsDropped_AndTheRunRedone()
    {
        string dir = CliRunner.TempDir();
        string spec = Write(dir, "spec.json", Spec);
        string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b");
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", a, "--threads", "1", "--quiet").Code);
        Directory.CreateDirectory(b);
        File.Copy(Path.Combine(a, SweepRunner.ManifestFile), Path.Combine(b, SweepRunner.ManifestFile));
        var lines = File.ReadAllLines(Path.Combine(a, SweepJournal.FileName));
        File.WriteAllText(Path.Combine(b, SweepJournal.FileName), string.Join("\n", lines.Take(7)) + "\n" + lines[7][..25]);
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", b, "--threads", "2", "--quiet").Code);
        AssertSameOutputs(a, b);
    }

    [Fact]
    public void ChangedSpec_IsRefused_NotMixed()
    {
        string dir = CliRunner.TempDir();
        string spec = Write(dir, "spec.json", Spec), changed = Write(dir, "changed.json", Spec.Replace("\"seeds\": 4", "\"seeds\": 5"));
        string outDir = Path.Combine(dir, "out");
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", outDir, "--quiet").Code);
        var (code, _, err) = CliRunner.Run("sweep", changed, "--out", outDir, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("different spec", err);
    }

    [Fact]
    public void Shards_MergeIntoExactlyTheSingleMachineOutputs_AndBadMergesAreRefused()
    {
        string dir = CliRunner.TempDir();
        string spec = Write(dir, "spec.json", Spec);
        string single = Path.Combine(dir, "single");
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", single, "--threads", "2", "--quiet").Code);
        var shards = new List<string>();
        for (int k = 1; k <= 3; k++)
        {
            string s = Path.Combine(dir, $"shard{k}");
            Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", s, "--shard", $"{k}/3", "--threads", "1", "--quiet").Code);
            shards.Add(s);
        }
        string merged = Path.Combine(dir, "merged");
        var (code, _, err) = CliRunner.Run(["sweep", "merge", .. shards, "--out", merged]);
        Assert.True(code == 0, err);
        AssertSameOutputs(single, merged);

        (code, _, err) = CliRunner.Run("sweep", "merge", shards[0], shards[1], "--out", Path.Combine(dir, "m2"));
        Assert.Equal(1, code);
        Assert.Contains("missing shards: 3/3", err);
        (code, _, err) = CliRunner.Run("sweep", "merge", shards[0], shards[0], shards[1], shards[2], "--out", Path.Combine(dir, "m3"));
        Assert.Equal(1, code);
        Assert.Contains("overlapping shards", err);
        var lines = File.ReadAllLines(Path.Combine(shards[2], SweepJournal.FileName));
        File.WriteAllLines(Path.Combine(shards[2], SweepJournal.FileName), lines.Skip(1));
        (code, _, err) = CliRunner.Run("sweep", "merge", shards[0], shards[1], shards[2], "--out", Path.Combine(dir, "m4"));
        Assert.Equal(1, code);
        Assert.Contains("incomplete", err);
    }

    [Fact]
    public void LibraryApi_ReportsProgress_AndResultsDoNotDependOnThreads()
    {
        var spec = SweepSpec.Parse(Spec);
        string d1 = CliRunner.TempDir(), d2 = CliRunner.TempDir();
        var seen = new List<int>();
        var r1 = SweepRunner.Run(spec, d1, new SweepOptions { Threads = 1, Progress = p => seen.Add(p.Done) });
        var r2 = SweepRunner.Run(spec, d2, new SweepOptions { Threads = 2 });
        Assert.Equal(Enumerable.Range(1, 32), seen);
        Assert.Equal(r1.Select(r => r.FinalReturnMean), r2.Select(r => r.FinalReturnMean));
        Assert.Equal(File.ReadAllBytes(Path.Combine(d1, "runs.csv")), File.ReadAllBytes(Path.Combine(d2, "runs.csv")));
    }
}
