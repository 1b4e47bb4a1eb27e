using System.Runtime.Intrinsics;
using FastIL.Policies;

namespace FastIL.Learning;

// The objective's one block driver and the row kernels it runs, as operator structs (TensorPrimitives' pattern): the
// driver (RunBlock<TKernel, TLoss>) does what every kernel shares, a kernel struct adds the terms of its rows, and the
// loss struct (Trainer.Losses.cs) those of the rows the span kernel takes. The trainer picks both once per preparation
// (SelectDriver), so a block costs one virtual call, never one per row.
public sealed partial class Trainer
{
    /// <summary>
    /// A row kernel: adds the loss, hits, gradient (and, when evaluating with the Hessian, the Hessian accumulators'
    /// sums) of a prefix of the rows [r0, r0 + len) into the block's partials, and returns how many rows it took; the
    /// driver gives the rest to the span kernel (<see cref="SpanRows{TLoss}"/>), which takes any shape.
    /// </summary>
    private interface IRowKernel
    {
        /// <summary>Adds rows [<paramref name="r0"/>, <paramref name="r0"/> + <paramref name="len"/>)'s terms into <paramref name="part"/>; returns the rows taken.</summary>
        static abstract int AddRows(Trainer trainer, Span<double> part, int r0, int len);
    }

    /// <summary>Two classes (logistic, or a two-class softmax) without an entropy bonus: <see cref="BinaryRows"/>.</summary>
    private readonly struct TwoClassRows<TF> : IRowKernel where TF : struct, IDim
    {
        public static int AddRows(Trainer trainer, Span<double> part, int r0, int len) => trainer.BinaryRows<TF>(part, r0, len);
    }

    /// <summary>Three or more classes without an entropy bonus: <see cref="FusedRows"/>.</summary>
    private readonly struct MultiClassRows<TF> : IRowKernel where TF : struct, IDim
    {
        public static int AddRows(Trainer trainer, Span<double> part, int r0, int len) => trainer.FusedRows<TF>(part, r0, len);
    }

    /// <summary>Every other objective (linear policies, an entropy bonus, no SIMD): all rows go to the span kernel.</summary>
    private readonly struct SpanRowsOnly : IRowKernel
    {
        public static int AddRows(Trainer trainer, Span<double> part, int r0, int len) => 0;
    }

    /// <summary>Runs one block with the kernel and loss chosen for the prepared fit.</summary>
    private abstract class BlockDriver
    {
        public abstract void Run(Trainer trainer, int block);
    }

    private sealed class BlockDriver<TKernel, TLoss> : BlockDriver where TKernel : struct, IRowKernel where TLoss : struct, ILoss
    {
        public static readonly BlockDriver<TKernel, TLoss> Instance = new();
        public override void Run(Trainer trainer, int block) => trainer.RunBlock<TKernel, TLoss>(block);
    }

    /// <summary>The scalar reference (<see cref="ScalarRows{TLoss}"/>), row by row.</summary>
    private sealed class ScalarReferenceDriver<TLoss> : BlockDriver where TLoss : struct, ILoss
    {
        public static readonly ScalarReferenceDriver<TLoss> Instance = new();
        public override void Run(Trainer trainer, int block) => trainer.ScalarRows<TLoss>(block);
    }

    private BlockDriver _driver = BlockDriver<SpanRowsOnly, LogLikelihoodLoss>.Instance;

    /// <summary>
    /// The block's rows (the warm-up's slice of them during a warm-up), its partials cleared, the kernel's rows, the
    /// span kernel with the loss <typeparamref name="TLoss"/> for the rest, and the Hessian sums stored.
    /// </summary>
    private void RunBlock<TKernel, TLoss>(int block) where TKernel : struct, IRowKernel where TLoss : struct, ILoss
    {
        int r0 = block * BlockRows, len = Math.Min(_design.N, r0 + BlockRows) - r0;
        if (_warmup) (r0, len) = WarmupSlice(block, r0, len);
        Span<double> part = _partials.AsSpan(block * _partialStride, _partialStride);
        part.Clear();
        if (_withHessian) HessianAccumulators().Clear();
        int done = TKernel.AddRows(this, part, r0, len);
        if (done < len) SpanRows<TLoss>(part, r0 + done, len - done);
        if (_withHessian) StoreHessian(part);
    }

    /// <summary>
    /// The driver for the prepared fit: discrete policies without an entropy bonus take the fused kernels (the
    /// two-class one for two classes), with the feature count as a compile-time dimension up to six so the JIT folds
    /// their inner loops' bounds (generic struct specialization); the rest take the span kernel.
    /// </summary>
    private BlockDriver SelectDriver()
    {
        bool linear = _design.Kind == PolicyKind.Linear;
        if (Options.ScalarReference)
            return linear ? ScalarReferenceDriver<SquaredErrorLoss>.Instance : ScalarReferenceDriver<LogLikelihoodLoss>.Instance;
        if (linear) return BlockDriver<SpanRowsOnly, SquaredErrorLoss>.Instance;
        if (!UsesFusedKernels(_design.Kind)) return BlockDriver<SpanRowsOnly, LogLikelihoodLoss>.Instance;
        if (_design.Kind == PolicyKind.Logistic || TwoClassSoftmax)
            return _design.Features switch
            {
                1 => BlockDriver<TwoClassRows<Dim1>, LogLikelihoodLoss>.Instance, 2 => BlockDriver<TwoClassRows<Dim2>, LogLikelihoodLoss>.Instance,
                3 => BlockDriver<TwoClassRows<Dim3>, LogLikelihoodLoss>.Instance, 4 => BlockDriver<TwoClassRows<Dim4>, LogLikelihoodLoss>.Instance,
                5 => BlockDriver<TwoClassRows<Dim5>, LogLikelihoodLoss>.Instance, 6 => BlockDriver<TwoClassRows<Dim6>, LogLikelihoodLoss>.Instance,
                _ => BlockDriver<TwoClassRows<DimAny>, LogLikelihoodLoss>.Instance,
            };
        return _design.Features switch
        {
            1 => BlockDriver<MultiClassRows<Dim1>, LogLikelihoodLoss>.Instance, 2 => BlockDriver<MultiClassRows<Dim2>, LogLikelihoodLoss>.Instance,
            3 => BlockDriver<MultiClassRows<Dim3>, LogLikelihoodLoss>.Instance, 4 => BlockDriver<MultiClassRows<Dim4>, LogLikelihoodLoss>.Instance,
            5 => BlockDriver<MultiClassRows<Dim5>, LogLikelihoodLoss>.Instance, 6 => BlockDriver<MultiClassRows<Dim6>, LogLikelihoodLoss>.Instance,
            _ => BlockDriver<MultiClassRows<DimAny>, LogLikelihoodLoss>.Instance,
        };
    }

    /// <summary>
    /// Whether fits of a <paramref name="kind"/> policy take the fused kernels (discrete, no entropy bonus, SIMD, not a
    /// reference path); the same fits read the data set's float32 columns directly when their features are the inputs.
    /// <c>_entWeight</c> must be set for the fit.
    /// </summary>
    private bool UsesFusedKernels(PolicyKind kind)
        => Vector256.IsHardwareAccelerated && kind != PolicyKind.Linear && _entWeight == 0 && !Options.ScalarReference && !Options.ScalarHessian;

    /// <summary>One block of rows: partial loss, correct count and gradient (called by the worker pool).</summary>
    public void ExecuteChunk(int chunk) => _driver.Run(this, chunk + _firstBlock);
}
