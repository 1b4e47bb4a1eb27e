using FastIL.Cli;

namespace FastIL.Tests.Cli;

/// <summary>Runs the CLI in-process, capturing stdout and stderr (tests using it are serialized).</summary>
internal static class CliRunner
{
    private static readonly object Gate = new();

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        lock (Gate)
        {
            var oldOut = Console.Out; var oldErr = Console.Error;
            var o = new StringWriter(); var e = new StringWriter();
            Console.SetOut(o); Console.SetError(e);
            try { return (Program.Main(args), o.ToString(), e.ToString()); }
            finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
        }
    }

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "fastil-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
