using FastIL.Kernels.Gpu;
using FastIL.Policies;
using ILGPU;
using ILGPU.Runtime;

namespace FastIL.Devices;

/// <summary>
/// A <see cref="LinearPolicy"/>'s parameters in device memory, converted to float32 exactly as
/// <see cref="PolicyInference.Refresh"/> converts them, so device and CPU inference see the same numbers.
/// </summary>
internal sealed class DevicePolicy : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _weights, _bias, _scale, _shift, _omega, _phase;
    private readonly LinearPolicy _policy;

    public DevicePolicy(Accelerator accelerator, LinearPolicy policy)
    {
        if (policy.Rows > LanePolicy.MaxRows) throw new ArgumentException($"device policies have at most {LanePolicy.MaxRows} actions; this one has {policy.Rows}");
        if (policy.InputDim > Kernels.Policies.LinearLanes.MaxInputs) throw new ArgumentException($"device policies read at most {Kernels.Policies.LinearLanes.MaxInputs} inputs; this one reads {policy.InputDim}");
        _policy = policy;
        _weights = accelerator.Allocate1D<float>(Math.Max(1, policy.Weights.Length));
        _bias = accelerator.Allocate1D<float>(policy.Rows);
        _scale = accelerator.Allocate1D<float>(policy.InputDim);
        _shift = accelerator.Allocate1D<float>(policy.InputDim);
        bool rff = policy.Features.Kind == FeatureKind.Rff;
        _omega = accelerator.Allocate1D<float>(rff ? policy.Features.Omega.Length : 1);
        _phase = accelerator.Allocate1D<float>(rff ? policy.Features.Phase.Length : 1);
        if (rff)
        {
            _omega.CopyFromCPU(policy.Features.Omega.Select(x => (float)x).ToArray());
            _phase.CopyFromCPU(policy.Features.Phase.Select(x => (float)x).ToArray());
        }
        Refresh();
    }

    /// <summary>Re-uploads the parameters after a fit (the same float conversions as the CPU inference).</summary>
    public void Refresh()
    {
        var p = _policy;
        var w = new float[Math.Max(1, p.Weights.Length)];
        for (int i = 0; i < p.Weights.Length; i++) w[i] = (float)p.Weights[i];
        var b = new float[p.Rows];
        for (int r = 0; r < b.Length; r++) b[r] = (float)p.Bias[r];
        var scale = new float[p.InputDim];
        var shift = new float[p.InputDim];
        for (int j = 0; j < scale.Length; j++)
        {
            double s = p.Standardize ? 1.0 / p.Std[j] : 1.0;
            scale[j] = (float)s;
            shift[j] = p.Standardize ? (float)(-p.Mean[j] * s) : 0f;
        }
        _weights.CopyFromCPU(w); _bias.CopyFromCPU(b); _scale.CopyFromCPU(scale); _shift.CopyFromCPU(shift);
    }

    /// <summary>The kernel parameter.</summary>
    public LanePolicy Lane => new()
    {
        Kind = PolicyInference.LaneKind(_policy.Kind),
        Rows = _policy.Rows, InputDim = _policy.InputDim, FeatureDim = _policy.FeatureDim,
        Features = PolicyInference.LaneFeatures(_policy.Features.Kind),
        Cells = _policy.Features.Cells,
        RffScale = PolicyInference.RffScale(_policy.Features),
        Weights = _weights.View, Bias = _bias.View, Scale = _scale.View, Shift = _shift.View, Omega = _omega.View, Phase = _phase.View,
    };

    public void Dispose()
    {
        _weights.Dispose(); _bias.Dispose(); _scale.Dispose(); _shift.Dispose(); _omega.Dispose(); _phase.Dispose();
    }
}
