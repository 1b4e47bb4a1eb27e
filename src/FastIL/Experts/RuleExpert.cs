using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FastIL.Kernels.Envs;
using FastIL.Kernels.Experts;
using FastIL.Kernels.Lanes;
using FastIL.Policies;

namespace FastIL.Experts;

/// <summary>A built-in expert whose rule the ILGPU kernels also have (so device runs may use it).</summary>
public interface IBuiltinRuleExpert : IExpert;

/// <summary>
/// A built-in expert whose rule <typeparamref name="TRule"/> is lane code (<see cref="IExpertRule"/>): applied to the
/// observation columns sixteen or eight lanes at a time, the tail one lane at a time. Every lane type rounds alike,
/// so a row's action does not depend on where it sits in the batch, and the ILGPU kernels compute the same actions.
/// </summary>
public sealed class RuleExpert<TRule> : IBuiltinRuleExpert where TRule : struct, IExpertRule
{
    private readonly int _obsDim;
    private float[] _out;

    /// <summary>An expert reading <paramref name="observationSize"/> columns.</summary>
    public RuleExpert(string name, bool discrete, int observationSize, int capacity)
    {
        Name = name; IsDiscrete = discrete; _obsDim = observationSize; _out = new float[Math.Max(capacity, 1)];
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public bool IsDiscrete { get; }

    /// <inheritdoc/>
    public void Act(IColumnSource observations, Span<int> actions)
    {
        if (!IsDiscrete) throw new InvalidOperationException($"{Name} is a continuous expert");
        int n = observations.RowCount;
        Envs.StagingStores.Labels(Compute(observations)[..n], actions[..n]);
    }

    /// <inheritdoc/>
    public void Act(IColumnSource observations, Span<float> actions)
    {
        if (IsDiscrete) throw new InvalidOperationException($"{Name} is a discrete expert");
        Compute(observations).CopyTo(actions);
    }

    private Span<float> Compute(IColumnSource o)
    {
        int n = o.RowCount;
        if (_out.Length < n) _out = new float[n];
        Span<float> dst = _out.AsSpan(0, n);
        int i = 0;
        if (Vector512.IsHardwareAccelerated) i = Run<V512F32>(o, dst, 0);
        else if (Vector256.IsHardwareAccelerated) i = Run<V256F32>(o, dst, 0);
        Run<F32>(o, dst, i);
        return dst;
    }

    /// <summary>Lanes [start, …) in whole blocks of <typeparamref name="TL"/>; returns where it stopped.</summary>
    private int Run<TL>(IColumnSource o, Span<float> dst, int start) where TL : struct, ILane<TL, float>
    {
        int n = dst.Length, d = _obsDim;
        ReadOnlySpan<float> c0 = o.Column(0), c1 = d > 1 ? o.Column(1) : c0, c2 = d > 2 ? o.Column(2) : c0,
            c3 = d > 3 ? o.Column(3) : c0, c4 = d > 4 ? o.Column(4) : c0, c5 = d > 5 ? o.Column(5) : c0;
        int i = start;
        for (; i <= n - TL.Count; i += TL.Count)
        {
            EnvObs<TL> ob = default;
            ob.O0 = Load<TL>(c0, i);
            if (d > 1) ob.O1 = Load<TL>(c1, i);
            if (d > 2) ob.O2 = Load<TL>(c2, i);
            if (d > 3) ob.O3 = Load<TL>(c3, i);
            if (d > 4) ob.O4 = Load<TL>(c4, i);
            if (d > 5) ob.O5 = Load<TL>(c5, i);
            TL.Store(TRule.Act(in ob), ref dst[i]);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Load<TL>(ReadOnlySpan<float> column, int i) where TL : struct, ILane<TL, float>
        => TL.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(column), i));
}
