using FastIL.Cli.Infrastructure;
using FastIL.Devices;

namespace FastIL.Cli.Commands;

/// <summary><c>fastil kernels ptx</c>: every ILGPU kernel as a PTX file (no GPU needed).</summary>
internal static class KernelsCommand
{
    public static CliCommand Definition => new("kernels ptx",
        "Writes every ILGPU kernel as a PTX file (no GPU needed; check them with ptxas).",
        [
            new("out", "DIR", "Directory for the .ptx files (required; created if missing)", "(none)"),
            CliOption.OneOf("arch", "CUDA architecture to compile for", "sm_90", "sm_80", "sm_90"),
        ], Run);

    private static int Run(OptionValues p)
    {
        string cmd = p.Command;
        string dir = p.Require("out");
        if (dir.Length == 0) throw new CliException($"{cmd}: --out needs a directory name; got an empty string");
        if (File.Exists(dir)) throw new CliException($"{cmd}: --out '{dir}' is a file; expected a directory", 1);
        string arch = p.Choice("arch");
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            throw new CliException($"{cmd}: this is a native (AOT) build of fastil; ILGPU needs the JIT build (dotnet run --project src/FastIL.Cli)", 1);
        var kernels = PtxExport.Compile(PtxExport.Architecture(arch));
        foreach (var (name, ptx) in kernels)
            if (ptx.Contains(".extern", StringComparison.Ordinal))
                throw new CliException($"{cmd}: kernel {name} calls an external function that ptxas cannot resolve: {ptx.Split('\n').First(l => l.Contains(".extern", StringComparison.Ordinal)).Trim()}", 1);
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"{cmd}: cannot create {dir}: {e.Message}", 1); }
        foreach (var (name, ptx) in kernels) AtomicFile.Write(Path.Combine(dir, name), w => w.Write(ptx));
        Console.Error.WriteLine($"wrote {kernels.Count} PTX kernels for {arch} to {dir}");
        return 0;
    }
}
