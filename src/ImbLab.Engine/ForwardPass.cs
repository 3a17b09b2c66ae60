using System.Runtime.CompilerServices;

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
            var epilogue = l < last && relu ? Epilogue.Relu : Epilogue.None;
            Kernels.Gemm(path, x, ldx, 1, transposed + layout.TransposedOffset[l], ldy, y, ldy, rows, ldy, layout.In[l],
                padded + layout.BiasOffset[l], epilogue, null);
            if (l < last && !relu) Kernels.Tanh(y, ldy, rows, ldy);
            x = y;
            ldx = ldy;
        }
    }
}
