using System.Runtime.CompilerServices;
using ImbLab.Core.Specs;

namespace ImbLab.Engine;

/// <summary>The forward pass shared by training and prediction: one fused GEMM + bias + activation per layer.</summary>
internal static unsafe class ForwardPass
{
    /// <param name="padded">Padded parameters (biases are read from here).</param>
    /// <param name="transposed">Forward-orientation weights from <see cref="Layout.Transpose"/>.</param>
    /// <param name="input">rows x Inputs values, row stride <paramref name="inputStride"/>.</param>
    /// <param name="outputs">One buffer per layer, each at least rows x OutPadded[l]; the last holds the logits.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(KernelPath path, Layout layout, float* padded, float* transposed, float* input, nint inputStride, int rows, AlignedBuffer[] outputs)
    {
        var last = layout.LayerCount - 1;
        var relu = layout.Shape.Activation == Activation.Relu;
        var x = input;
        var ldx = inputStride;
        for (var l = 0; l <= last; l++)
        {
            var y = outputs[l].Pointer;
            var ldy = layout.OutPadded[l];
            Layer(path, layout, padded, transposed, l, x, ldx, rows, y, ldy, l < last, relu);
            x = y;
            ldx = ldy;
        }
    }

    /// <summary>
    /// As <see cref="Run(KernelPath, Layout, float*, float*, float*, nint, int, AlignedBuffer[])"/>, except that a layer with a
    /// non-null <paramref name="direct"/>[l] writes its output there (row stride OutPadded[l]) instead of into outputs[l]:
    /// hidden representations go straight into the caller's arrays, with no copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(KernelPath path, Layout layout, float* padded, float* transposed, float* input, nint inputStride, int rows,
        AlignedBuffer[] outputs, ReadOnlySpan<nint> direct)
    {
        var last = layout.LayerCount - 1;
        var relu = layout.Shape.Activation == Activation.Relu;
        var x = input;
        var ldx = inputStride;
        for (var l = 0; l <= last; l++)
        {
            var y = direct[l] != 0 ? (float*)direct[l] : outputs[l].Pointer;
            var ldy = layout.OutPadded[l];
            Layer(path, layout, padded, transposed, l, x, ldx, rows, y, ldy, l < last, relu);
            x = y;
            ldx = ldy;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Layer(KernelPath path, Layout layout, float* padded, float* transposed, int l, float* x, nint ldx, int rows, float* y, int ldy,
        bool hidden, bool relu)
    {
        var epilogue = hidden && relu ? Epilogue.Relu : Epilogue.None;
        Kernels.Gemm(path, x, ldx, 1, transposed + layout.TransposedOffset[l], ldy, y, ldy, rows, ldy, layout.In[l],
            padded + layout.BiasOffset[l], epilogue, null);
        if (hidden && !relu) Kernels.Tanh(y, ldy, rows, ldy);
    }
}
