using System.Diagnostics;
using FastIL.Algorithms;
using FastIL.Cli;
using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Cli;

[Collection("cli")]
public class HelpTests
{
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        foreach (var c in Program.Commands(EnvRegistry.Get("CartPole-v1"))) data.Add(c.Path);
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void EveryCommand_AnswersHelp_WithEveryOptionAndItsDefault(string command)
    {
        var def = Program.Commands(EnvRegistry.Get("CartPole-v1")).Single(c => c.Path == command);
        string[] words = command.Split(' ');
        foreach (string[] args in new string[][] { [.. words, "--help"], [.. words, "-h"], ["help", .. words] })
        {
            var (code, stdout, err) = CliRunner.Run(args);
            Assert.True(code == 0, err);
            Assert.Contains("Usage:", stdout);
            // The usage line starts with the executable's name (fastil when installed; the test host here).
            Assert.Contains($" {command}", stdout.Split("Usage:")[1].Split('\n')[1].Replace(" <SPEC.json>", ""));
            Assert.Contains(def.Description, stdout.Replace(Environment.NewLine + "  ", " "));
            var lines = stdout.Split('\n');
            foreach (var o in def.Options)
            {
                // One line per option: its name, description and default (flags: off).
                string? line = lines.FirstOrDefault(l => l.TrimStart().StartsWith($"--{o.Name} ", StringComparison.Ordinal) || l.TrimStart() == $"--{o.Name}");
                Assert.True(line is not null, $"{command} --help does not list --{o.Name}:\n{stdout}");
                Assert.Contains(o.Description[..Math.Min(30, o.Description.Length)], line);
                Assert.Contains(o.IsFlag ? "[default: off]" : $"[default: {o.Default}]", line);
            }
        }
    }

    [Theory]
    [InlineData("CartPole-v1"), InlineData("Pendulum-v1"), InlineData("MountainCar-v0")]
    public void DaggerHelp_ShowsTheNamedEnvsDefaults(string env)
    {
        var d = ImitationConfig.For(env);
        var (code, stdout, _) = CliRunner.Run("dagger", "--env", env, "--help");
        Assert.Equal(0, code);
        string Line(string option) => stdout.Split('\n').First(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.Contains($"[default: {d.Iterations}]", Line("--iterations"));
        Assert.Contains($"[default: {d.Policy!.Value.ToString().ToLowerInvariant()}]", Line("--policy"));
        Assert.Contains($"[default: {d.Features}]", Line("--features"));
        Assert.Contains($"[default: {d.L2.ToString(System.Globalization.CultureInfo.InvariantCulture)}]", Line("--l2"));
    }

    [Fact]
    public void DeclaredDefaults_AreWhatTheCommandsUse()
    {
        // dagger without options uses exactly the defaults its help shows.
        var (code, stdout, err) = CliRunner.Run("dagger", "--json", "--eval-episodes", "20");
        Assert.True(code == 0, err);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var config = doc.RootElement.GetProperty("config");
        var d = ImitationConfig.For("CartPole-v1");
        Assert.Equal(d.Iterations, config.GetProperty("iterations").GetInt32());
        Assert.Equal(d.Rollouts, config.GetProperty("rollouts").GetInt32());
        Assert.Equal(d.L2, config.GetProperty("l2").GetDouble());
        Assert.Equal(d.Beta.ToString(), config.GetProperty("beta").GetString());
    }

    [Theory]
    [InlineData(new[] { "dagger", "--iteratons", "3" }, "dagger: unknown option --iteratons (did you mean --iterations?)")]
    [InlineData(new[] { "dagger", "--l3", "3" }, "dagger: unknown option --l3 (did you mean --l2?)")]
    [InlineData(new[] { "eval", "--episdes", "3" }, "eval: unknown option --episdes (did you mean --episodes?)")]
    [InlineData(new[] { "dagr" }, "unknown command 'dagr' (did you mean dagger?)")]
    [InlineData(new[] { "env", "bnch" }, "unknown command 'env bnch' (did you mean bench?)")]
    [InlineData(new[] { "env" }, "env: expected a command: 'env replay', 'env bench'")]
    [InlineData(new[] { "dagger", "stray" }, "dagger: unexpected argument 'stray'")]
    [InlineData(new[] { "dagger", "--iterations", "2", "--iterations", "3" }, "'--iterations' expects a single argument")]
    [InlineData(new[] { "help", "nosuch" }, "unknown command 'nosuch'")]
    public void Mistakes_AreOneLine_WithASuggestion(string[] args, string expected)
    {
        var (code, stdout, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void BareFastil_ListsTheCommands_AndExitsTwo()
    {
        var (code, stdout, _) = CliRunner.Run();
        Assert.Equal(2, code);
        foreach (var c in Program.Commands(EnvRegistry.Get("CartPole-v1"))) Assert.Contains(c.Path.Split(' ')[0], stdout);
    }

    [Theory]
    [InlineData("dagger --ite", "--iterations")]
    [InlineData("dagger --policy ", "softmax")]
    [InlineData("eval --env ", "Acrobot-v1")]
    [InlineData("env b", "bench")]
    public void SuggestDirective_CompletesCommandsOptionsAndChoices(string line, string expected)
    {
        var (code, stdout, _) = CliRunner.Run($"[suggest:{line.Length}]", line);
        Assert.Equal(0, code);
        Assert.Contains(expected, stdout.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public void BashCompletionScript_CompletesThroughTheSuggestDirective()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/bash")) return;
        string dir = CliRunner.TempDir();
        string fastil = Path.Combine(dir, "fastil");
        File.WriteAllText(fastil, $"#!/bin/sh\nexec dotnet '{typeof(Program).Assembly.Location}' \"$@\"\n");
        File.SetUnixFileMode(fastil, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string script = Path.Combine(TestData.RepoRoot(), "scripts", "completion", "fastil.bash");
        string probe = $"source '{script}'; COMP_LINE='fastil dagger --pol'; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=(fastil dagger --pol); COMP_CWORD=2; _fastil_complete; echo \"${{COMPREPLY[*]}}\"";
        var psi = new ProcessStartInfo("/bin/bash", ["-c", probe]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PATH"] = dir + ":" + Environment.GetEnvironmentVariable("PATH");
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal("--policy", output.Trim());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Version_IsPrinted()
    {
        var (code, stdout, _) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^fastil \d+\.\d+\.\d+", stdout);
    }
}
