using System.Runtime.CompilerServices;
using ImbLab.Core.Specs;

namespace ImbLab.Engine;

/// <summary>
/// The backward pass shared by training and the per-class gradient probe: from the output deltas of a block of
/// rows to every layer's weight and bias gradient, summed over those rows.
/// </summary>
internal static unsafe class BackwardPass
{
    /// <param name="padded">Padded parameters ([out x in] weights, read for the input gradients).</param>
    /// <param name="input">The rows' inputs, row stride InPadded[0].</param>
    /// <param name="outputs">Every layer's output from <see cref="ForwardPass.Run"/> on the same rows.</param>
    /// <param name="deltas">One buffer per layer; the last holds the output deltas on entry, the others are overwritten.</param>
    /// <param name="gradient">Padded gradient: every layer's dW rows 0..Out-1 and bias are overwritten; padding rows are not touched.</param>
    /// <param name="lowest">The lowest layer whose gradient is wanted: the pass stops there (classifier re-training trains only the
    /// output layer); the layers below keep whatever <paramref name="gradient"/> held.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(KernelPath path, Layout layout, float* padded, float* input, AlignedBuffer[] outputs, AlignedBuffer[] deltas, int rows, float* gradient,
        int lowest = 0)
    {
        var relu = layout.Shape.Activation == Activation.Relu;
        for (var l = layout.LayerCount - 1; l >= 0; l--)
        {
            var delta = deltas[l].Pointer;
            var ldd = layout.OutPadded[l];
            var x = l == 0 ? input : outputs[l - 1].Pointer;
            var ldx = layout.InPadded[l];
            // dW = delta^T x: A is delta read transposed (row o of A is column o of delta).
            Kernels.Gemm(path, delta, 1, ldd, x, ldx, gradient + layout.WeightOffset[l], ldx, layout.Out[l], ldx, rows, null, Epilogue.None, null);
            Kernels.ColumnSums(path, delta, ldd, rows, ldd, gradient + layout.BiasOffset[l]);
            if (l <= lowest) break;
            // delta_prev = (delta W) * act'(x): W is the padded [out x in] copy, the derivative read from x itself.
            var prev = deltas[l - 1].Pointer;
            Kernels.Gemm(path, delta, ldd, 1, padded + layout.WeightOffset[l], ldx, prev, ldx, rows, ldx, layout.Out[l], null,
                relu ? Epilogue.ReluMask : Epilogue.None, relu ? x : null);
            if (!relu) Kernels.TanhBackward(prev, x, ldx, rows, ldx);
        }
    }
}
