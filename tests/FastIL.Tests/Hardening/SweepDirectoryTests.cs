using FastIL.Sweeps;
using FastIL.Tests.Cli;
using Xunit;

namespace FastIL.Tests.Hardening;

/// <summary>Sweep directories: one writer at a time, and journals trusted only as far as they match the spec and shard.</summary>
[Collection("cli")]
public class SweepDirectoryTests
{
    private const string Spec = """
        {"base": {"algorithm": "dagger", "env": "CartPole-v1", "iterations": 2, "eval-episodes": 30},
         "grid": {"rollouts": [2, 3]}, "seeds": 3}
        """;

    private static string NewSpec(string dir) { string p = Path.Combine(dir, "spec.json"); File.WriteAllText(p, Spec); return p; }

    [Fact]
    public void ASecondSweepOnALockedDirectory_IsRefused_AndTheDirectoryStaysResumable()
    {
        string dir = CliRunner.TempDir(), spec = NewSpec(dir), outDir = Path.Combine(dir, "out");
        using (SweepLock.Acquire(outDir))
        {
            // The lock is the running sweep's: the second process (here, a second open of the lock) must not write.
            var (code, _, err) = CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots");
            Assert.Equal(1, code);
            Assert.Contains("is in use by another fastil sweep", err);
            Assert.False(File.Exists(Path.Combine(outDir, SweepJournal.FileName)));
        }
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots").Code);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(outDir, SweepJournal.FileName)).Length);
    }

    [Fact]
    public void AJournalRecordWithAForeignSeed_IsAnError_NotARow()
    {
        string dir = CliRunner.TempDir(), spec = NewSpec(dir), outDir = Path.Combine(dir, "out");
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots").Code);
        string journal = Path.Combine(outDir, SweepJournal.FileName);
        var lines = File.ReadAllLines(journal);
        int i = Array.FindIndex(lines, l => l.StartsWith("{\"run\":1,", StringComparison.Ordinal));   // workers finish in any order
        Assert.Contains("\"seed\":1,", lines[i]);
        lines[i] = lines[i].Replace("\"seed\":1,", "\"seed\":77,");
        File.WriteAllLines(journal, lines);
        var (code, _, err) = CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots");
        Assert.Equal(1, code);
        Assert.Contains("the record of run 1 has point 0 and seed 77; this spec's run 1 is point 0, seed 1", err);
        lines[i] = lines[i].Replace("\"seed\":77,", "\"seed\":1,").Replace("\"point\":0,", "\"point\":5,");
        File.WriteAllLines(journal, lines);
        (code, _, err) = CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots");
        Assert.Equal(1, code);
        Assert.Contains("has point 5", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void AJournalWithoutItsManifest_IsRefused()
    {
        string dir = CliRunner.TempDir(), spec = NewSpec(dir), outDir = Path.Combine(dir, "out");
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots").Code);
        File.Delete(Path.Combine(outDir, SweepRunner.ManifestFile));
        var (code, _, err) = CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots");
        Assert.Equal(1, code);
        Assert.Contains("holds a journal but no sweep.json", err);
    }

    [Fact]
    public void AMergeOfAShardHoldingAnotherShardsRun_IsRefused()
    {
        string dir = CliRunner.TempDir(), spec = NewSpec(dir);
        string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b");
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", a, "--shard", "1/2", "--quiet", "--no-plots").Code);
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", b, "--shard", "2/2", "--quiet", "--no-plots").Code);
        // Shard 1's journal gets one of shard 2's records in place of its own last one: same count, wrong runs.
        string ja = Path.Combine(a, SweepJournal.FileName), jb = Path.Combine(b, SweepJournal.FileName);
        var la = File.ReadAllLines(ja);
        la[^1] = File.ReadAllLines(jb)[0];
        File.WriteAllLines(ja, la);
        var (code, _, err) = CliRunner.Run("sweep", "merge", a, b, "--out", Path.Combine(dir, "m"), "--no-plots");
        Assert.Equal(1, code);
        Assert.Contains("does not belong to shard 1/2", err);
        Assert.False(File.Exists(Path.Combine(dir, "m", SweepRunner.ManifestFile)));
    }
}

/// <summary>File-system failures during a sweep: one line naming the path, exit 1, nothing half-written, resumable.</summary>
[Collection("cli")]
public class SweepFileSystemTests
{
    private const string Spec = """
        {"base": {"algorithm": "dagger", "env": "CartPole-v1", "iterations": 2, "eval-episodes": 30},
         "grid": {"rollouts": [2, 3]}, "seeds": 30}
        """;

    private static bool Run(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [Fact]
    public void AFullDisk_IsOneLineAndExit1_AndTheSweepResumesElsewhere()
    {
        string dir = CliRunner.TempDir(), spec = Path.Combine(dir, "spec.json"), mnt = Path.Combine(dir, "small");
        File.WriteAllText(spec, Spec);
        Directory.CreateDirectory(mnt);
        // A 24 KiB tmpfs fills after a few dozen journal lines. Mounting needs root (as CI and sessions run); skip otherwise.
        if (!Run("mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", mnt)) return;
        try
        {
            string outDir = Path.Combine(mnt, "out");
            var (code, _, err) = CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots");
            Assert.Equal(1, code);
            Assert.Contains("No space left on device", err);
            Assert.Single(err.Trim().Split('\n'));
            Assert.DoesNotContain("   at ", err);
            Assert.Empty(Directory.GetFiles(outDir, "*.tmp-*"));
            // The journal survives (at most its last line torn): copied to a disk with room, the sweep finishes.
            string moved = Path.Combine(dir, "moved");
            Directory.CreateDirectory(moved);
            foreach (var f in Directory.GetFiles(outDir)) File.Copy(f, Path.Combine(moved, Path.GetFileName(f)));
            (code, _, err) = CliRunner.Run("sweep", spec, "--out", moved, "--quiet", "--no-plots");
            Assert.True(code == 0, err);
            Assert.Equal(61, File.ReadAllLines(Path.Combine(moved, "runs.csv")).Length);
        }
        finally { Run("umount", mnt); }
    }

    [Fact]
    public void WrongKindsOfPaths_AreOneLineErrors()
    {
        string dir = CliRunner.TempDir(), spec = Path.Combine(dir, "spec.json");
        File.WriteAllText(spec, Spec.Replace("\"seeds\": 30", "\"seeds\": 1"));
        string file = Path.Combine(dir, "file");
        File.WriteAllText(file, "x");
        var (code, _, err) = CliRunner.Run("sweep", spec, "--out", file, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("is a file; expected a directory", err);
        string outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(Path.Combine(outDir, SweepJournal.FileName));   // a directory where the journal goes
        (code, _, err) = CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots");
        Assert.Equal(1, code);
        Assert.Contains(SweepJournal.FileName, err);
        Assert.DoesNotContain("   at ", err);
        string ok = Path.Combine(dir, "ok");
        Directory.CreateDirectory(ok);
        File.WriteAllText(Path.Combine(ok, "plots"), "a file where the plots directory goes");
        (code, _, err) = CliRunner.Run("sweep", spec, "--out", ok, "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("plots", err);
        (code, _, err) = CliRunner.Run("sweep", spec, "--out", "", "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("--out needs a directory name", err);
    }
}

/// <summary>Two real processes on one sweep directory: the second is refused while the first finishes intact.</summary>
[Collection("cli")]
public class ConcurrentSweepTests
{
    [Fact]
    public void TwoProcessesOnOneDirectory_TheSecondIsRefused_TheFirstFinishesResumable()
    {
        string dir = CliRunner.TempDir(), spec = Path.Combine(dir, "spec.json"), outDir = Path.Combine(dir, "out");
        File.WriteAllText(spec, """
            {"base": {"algorithm": "dagger", "env": "CartPole-v1", "iterations": 4, "eval-episodes": 200},
             "grid": {"rollouts": [4, 8]}, "seeds": 150}
            """);
        string cli = Path.Combine(AppContext.BaseDirectory, "FastIL.Cli.dll");
        using var first = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", [cli, "sweep", spec, "--out", outDir, "--quiet", "--no-plots", "--threads", "1"])
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            // Wait until the first process has written its manifest (it holds the lock from before that).
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(outDir, SweepRunner.ManifestFile)) && !first.HasExited && sw.Elapsed.TotalSeconds < 30) Thread.Sleep(20);
            Assert.False(first.HasExited, "the first sweep ended before the second could try");
            var (code, _, err) = CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots");
            Assert.Equal(1, code);
            Assert.Contains("is in use by another fastil sweep", err);
            Assert.True(first.WaitForExit(120_000));
            Assert.Equal(0, first.ExitCode);
        }
        finally { if (!first.HasExited) first.Kill(); }
        var lines = File.ReadAllLines(Path.Combine(outDir, SweepJournal.FileName));
        Assert.Equal(300, lines.Length);
        Assert.Equal(300, lines.Select(l => l[..l.IndexOf(',')]).Distinct().Count());   // no interleaved or repeated runs
        Assert.Equal(0, CliRunner.Run("sweep", spec, "--out", outDir, "--quiet", "--no-plots").Code);   // resumable: nothing left to run
    }
}
