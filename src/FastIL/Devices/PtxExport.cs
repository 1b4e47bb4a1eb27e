using System.Reflection;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Kernels.Gpu;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace FastIL.Devices;

/// <summary>
/// Compiles every ILGPU kernel to PTX without a GPU (ILGPU's PTX backend alone), for inspection and so CI can prove
/// with NVIDIA's ptxas that the kernels assemble.
/// </summary>
public static class PtxExport
{
    /// <summary>The envs with kernels, with their dynamics and expert rule types.</summary>
    private static readonly (string Env, Type Dynamics, Type Rule)[] Envs =
    [
        ("CartPole-v1", typeof(CartPoleDynamics), typeof(CartPoleRule)),
        ("MountainCar-v0", typeof(MountainCarDynamics), typeof(MountainCarRule)),
        ("Acrobot-v1", typeof(AcrobotDynamics), typeof(AcrobotRule)),
        ("Pendulum-v1", typeof(PendulumDynamics), typeof(PendulumRule)),
        ("MountainCarContinuous-v0", typeof(MountainCarContinuousDynamics), typeof(MountainCarContinuousRule)),
    ];

    /// <summary>The supported architectures by name.</summary>
    public static CudaArchitecture Architecture(string name) => name switch
    {
        "sm_80" => CudaArchitecture.SM_80,
        "sm_90" => CudaArchitecture.SM_90,
        _ => throw new ArgumentException($"architecture '{name}': expected sm_80 or sm_90"),
    };

    /// <summary>Every kernel's PTX: (file name, PTX text), one per kernel and env.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode("ILGPU compiles kernels from IL at run time (JIT builds only).")]
    public static IReadOnlyList<(string Name, string Ptx)> Compile(CudaArchitecture architecture)
    {
        var methods = new List<(string, MethodInfo)>();
        Type k = typeof(ImitationKernels);
        foreach (var (env, dyn, rule) in Envs)
        {
            methods.Add(($"rollout-{env}", k.GetMethod(nameof(ImitationKernels.Rollout))!.MakeGenericMethod(dyn, rule)));
            methods.Add(($"evaluate-{env}", k.GetMethod(nameof(ImitationKernels.Evaluate))!.MakeGenericMethod(dyn, rule)));
            methods.Add(($"step-{env}", k.GetMethod(nameof(ImitationKernels.Step))!.MakeGenericMethod(dyn)));
        }
        methods.Add(("act", k.GetMethod(nameof(ImitationKernels.Act))!));
        var result = new List<(string, string)>(methods.Count);
        using var context = Context.Create(b => IlgpuSession.Configure(b.Cuda()));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, CudaInstructionSet.ISA_78, null);
        foreach (var (name, method) in methods)
        {
            var entry = EntryPointDescription.FromImplicitlyGroupedKernel(method);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            result.Add((name + ".ptx", compiled.PTXAssembly));
        }
        return result;
    }
}
