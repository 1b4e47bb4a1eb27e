using Xunit;

namespace FastIL.Tests.Cli;

[Collection("cli")]
public class HelpTests
{
    [Theory]
    [InlineData("dagger"), InlineData("bc"), InlineData("eval"), InlineData("shift"), InlineData("theory"), InlineData("demos"), InlineData("sweep"),
     InlineData("sweep merge"), InlineData("fit"), InlineData("predict"), InlineData("env replay"), InlineData("env bench"), InlineData("kernels ptx")]
    public void EveryCommand_AnswersHelp_WithItsUsage(string command)
    {
        string[] words = command.Split(' ');
        foreach (string[] args in new string[][] { [.. words, "--help"], [.. words, "-h"], ["help", .. words] })
        {
            var (code, stdout, err) = CliRunner.Run(args);
            Assert.True(code == 0, err);
            Assert.StartsWith($"usage: fastil {command}", stdout);
        }
    }

    [Fact]
    public void Version_IsPrinted()
    {
        var (code, stdout, _) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^fastil \d+\.\d+\.\d+", stdout);
    }
}
