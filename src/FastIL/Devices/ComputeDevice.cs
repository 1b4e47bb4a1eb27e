namespace FastIL.Devices;

/// <summary>Where rollouts and evaluations run.</summary>
public enum ComputeDevice
{
    /// <summary>The CPU's SIMD paths (the default and the reference).</summary>
    Simd,
    /// <summary>ILGPU's CPU accelerator running the GPU kernels: an emulator, for correctness checks only.</summary>
    IlgpuCpu,
    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,
    /// <summary>CUDA when a device is present, else SIMD.</summary>
    Auto,
}

/// <summary>Names and resolution of <see cref="ComputeDevice"/>.</summary>
public static class ComputeDevices
{
    /// <summary>The command-line names, in order.</summary>
    public static readonly string[] Names = ["simd", "ilgpu-cpu", "cuda", "auto"];

    /// <summary>Parses a command-line name; null for an unknown one.</summary>
    public static ComputeDevice? Parse(string text) => text.ToLowerInvariant() switch
    {
        "simd" => ComputeDevice.Simd,
        "ilgpu-cpu" => ComputeDevice.IlgpuCpu,
        "cuda" => ComputeDevice.Cuda,
        "auto" => ComputeDevice.Auto,
        _ => null,
    };

    /// <summary>The command-line name.</summary>
    public static string Name(ComputeDevice d) => Names[(int)d];

    /// <summary>Auto → CUDA when ILGPU finds a CUDA device, else SIMD; the others unchanged.</summary>
    public static ComputeDevice Resolve(ComputeDevice d) => d == ComputeDevice.Auto ? (IlgpuSession.CudaAvailable() ? ComputeDevice.Cuda : ComputeDevice.Simd) : d;
}

/// <summary>A device asked for by name is not available here (never a silent fallback).</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);
