using FastIL.Cli;
using FastIL.Envs;
using Xunit;

namespace FastIL.Tests.Cli;

/// <summary>A command line builds only the commands under its first word (start-up time), and nothing is lost by it.</summary>
[Collection("cli")]
public class CommandsForTests
{
    private static readonly EnvSpec CartPole = EnvRegistry.Get("CartPole-v1");

    [Fact]
    public void EveryFactorysWord_IsItsCommandsFirstWord()
    {
        foreach (var (word, make) in Program.Factories) Assert.Equal(word, make(CartPole).Path.Split(' ')[0]);
        Assert.Equal(Program.Factories.Length, Program.Commands(CartPole).Select(c => c.Path).Distinct().Count());
    }

    [Theory]
    [InlineData("dagger --env Acrobot-v1", "dagger")]
    [InlineData("sweep merge a b --out c", "sweep,sweep merge")]
    [InlineData("env bench --env CartPole-v1", "env bench,env list,env replay")]
    public void ACommandsWord_BuildsThatCommandOnly(string commandLine, string expected)
    {
        var paths = Program.CommandsFor(commandLine.Split(' '), CartPole).Select(c => c.Path).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Split(','), paths);
    }

    [Theory]
    [InlineData("")]
    [InlineData("help dagger")]
    [InlineData("dager")]
    [InlineData("--help")]
    [InlineData("[suggest:3] dag")]
    public void AnythingElse_BuildsEveryCommand(string commandLine)
    {
        string[] args = commandLine.Length == 0 ? [] : commandLine.Split(' ');
        Assert.Equal(Program.Factories.Length, Program.CommandsFor(args, CartPole).Count);
    }

    [Fact]
    public void AnUnknownCommand_StillListsTheCommands()
    {
        var (code, _, err) = CliRunner.Run("dager", "--env", "CartPole-v1");
        Assert.NotEqual(0, code);
        Assert.Contains("dagger", err);
    }
}
