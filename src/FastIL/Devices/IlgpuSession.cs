using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace FastIL.Devices;

/// <summary>An ILGPU context and one accelerator (the CPU emulator or the first CUDA device).</summary>
public sealed class IlgpuSession : IDisposable
{
    private IlgpuSession(Context context, Accelerator accelerator, ComputeDevice device)
    {
        Context = context; Accelerator = accelerator; Device = device;
    }

    /// <summary>The ILGPU context.</summary>
    public Context Context { get; }
    /// <summary>The accelerator kernels run on.</summary>
    public Accelerator Accelerator { get; }
    /// <summary>Which device this is.</summary>
    public ComputeDevice Device { get; }
    /// <summary>The accelerator's name, for reports.</summary>
    public string Name => Accelerator.Name;

    /// <summary>The context options every FastIL kernel needs: full optimization (constant branches folded early).</summary>
    public static Context.Builder Configure(Context.Builder builder) => builder.Optimize(OptimizationLevel.O2);

    /// <summary>Opens <paramref name="device"/> (<see cref="ComputeDevice.IlgpuCpu"/> or <see cref="ComputeDevice.Cuda"/>).</summary>
    public static IlgpuSession Open(ComputeDevice device)
    {
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            throw new DeviceUnavailableException($"{ComputeDevices.Name(device)}: this is a native (AOT) build; ILGPU compiles kernels at run time and needs the JIT build (dotnet run, the .NET tool)");
        switch (device)
        {
            case ComputeDevice.IlgpuCpu:
            {
                var context = Context.Create(b => Configure(b.DefaultCPU()));
                return new IlgpuSession(context, context.CreateCPUAccelerator(0), device);
            }
            case ComputeDevice.Cuda:
            {
                Context context;
                try { context = Context.Create(b => Configure(b.Cuda())); }
                catch (Exception e) { throw new DeviceUnavailableException($"cuda: ILGPU could not load CUDA ({e.Message})"); }
                if (context.GetCudaDevices().Count == 0)
                {
                    context.Dispose();
                    throw new DeviceUnavailableException("cuda: no CUDA device found (no NVIDIA GPU or driver on this machine); use --device simd or ilgpu-cpu");
                }
                return new IlgpuSession(context, context.CreateCudaAccelerator(0), device);
            }
            default:
                throw new ArgumentException($"device {ComputeDevices.Name(device)} does not run ILGPU kernels");
        }
    }

    /// <summary>Whether ILGPU finds a CUDA device (false on any failure to load the driver).</summary>
    public static bool CudaAvailable()
    {
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported) return false;
        try
        {
            using var context = Context.Create(b => b.Cuda());
            return context.GetCudaDevices().Count > 0;
        }
        catch (Exception) { return false; }
    }

    /// <summary>Releases the accelerator and the context.</summary>
    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
