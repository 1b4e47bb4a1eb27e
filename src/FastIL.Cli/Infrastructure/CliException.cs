namespace FastIL.Cli.Infrastructure;

/// <summary>A user mistake (bad option, bad file): printed as one line, no stack trace, non-zero exit.</summary>
public sealed class CliException(string message, int exitCode = 2) : Exception(message)
{
    /// <summary>Process exit code: 2 for usage errors, 1 for bad input data.</summary>
    public int ExitCode { get; } = exitCode;
}
