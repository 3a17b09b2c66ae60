namespace ImbLab.Engine;

/// <summary>
/// Where each layer lives in the engine's padded working buffers. Every width is rounded up to a whole
/// 8-float vector and the padding is kept at zero, so kernels never need a scalar tail along a row and the
/// padding contributes exact zeros (relu(0) = tanh(0) = 0, zero weights, zero gradients, zero Adam updates).
/// Weights are kept twice: [outPadded x inPadded] (the torch orientation, used by the backward pass and the
/// optimizer) and transposed [inPadded x outPadded] (used by the forward pass, whose kernel vectorises along the
/// outputs); padding both ways lets the refresh after every step run as whole 8 x 8 register transposes.
/// </summary>
internal sealed class Layout
{
    public const int Lane = 8;

    public Layout(MlpShape shape)
    {
        Shape = shape;
        LayerCount = shape.LayerCount;
        In = new int[LayerCount];
        Out = new int[LayerCount];
        InPadded = new int[LayerCount];
        OutPadded = new int[LayerCount];
        WeightOffset = new int[LayerCount];
        BiasOffset = new int[LayerCount];
        TransposedOffset = new int[LayerCount];
        CanonicalWeightOffset = new int[LayerCount];
        CanonicalBiasOffset = new int[LayerCount];
        int padded = 0, transposed = 0, canonical = 0;
        for (var l = 0; l < LayerCount; l++)
        {
            In[l] = shape.LayerInputs(l);
            Out[l] = shape.LayerOutputs(l);
            InPadded[l] = RoundUp(In[l]);
            OutPadded[l] = RoundUp(Out[l]);
            WeightOffset[l] = padded;
            padded += OutPadded[l] * InPadded[l];
            BiasOffset[l] = padded;
            padded += OutPadded[l];
            TransposedOffset[l] = transposed;
            transposed += InPadded[l] * OutPadded[l];
            CanonicalWeightOffset[l] = canonical;
            canonical += Out[l] * In[l];
            CanonicalBiasOffset[l] = canonical;
            canonical += Out[l];
            MaxWidth = Math.Max(MaxWidth, OutPadded[l]);
        }
        PaddedLength = padded;
        TransposedLength = transposed;
        CanonicalLength = canonical;
    }

    public MlpShape Shape { get; }
    public int LayerCount { get; }
    public int[] In { get; }
    public int[] Out { get; }
    public int[] InPadded { get; }
    public int[] OutPadded { get; }
    public int[] WeightOffset { get; }
    public int[] BiasOffset { get; }
    public int[] TransposedOffset { get; }
    public int[] CanonicalWeightOffset { get; }
    public int[] CanonicalBiasOffset { get; }
    public int PaddedLength { get; }
    public int TransposedLength { get; }
    public int CanonicalLength { get; }
    public int MaxWidth { get; }

    public static int RoundUp(int n) => (n + Lane - 1) / Lane * Lane;

    /// <summary>Canonical (torch order, no padding) to padded; padding left untouched (callers keep it zero).</summary>
    public void Pack(ReadOnlySpan<float> canonical, Span<float> padded)
    {
        for (var l = 0; l < LayerCount; l++)
        {
            for (var o = 0; o < Out[l]; o++)
                canonical.Slice(CanonicalWeightOffset[l] + o * In[l], In[l]).CopyTo(padded.Slice(WeightOffset[l] + o * InPadded[l]));
            canonical.Slice(CanonicalBiasOffset[l], Out[l]).CopyTo(padded.Slice(BiasOffset[l]));
        }
    }

    public void Unpack(ReadOnlySpan<float> padded, Span<float> canonical)
    {
        for (var l = 0; l < LayerCount; l++)
        {
            for (var o = 0; o < Out[l]; o++)
                padded.Slice(WeightOffset[l] + o * InPadded[l], In[l]).CopyTo(canonical.Slice(CanonicalWeightOffset[l] + o * In[l]));
            padded.Slice(BiasOffset[l], Out[l]).CopyTo(canonical.Slice(CanonicalBiasOffset[l]));
        }
    }

    /// <summary>Refreshes the forward-pass copy of every layer's weights from the padded [out x in] copy.</summary>
    public unsafe void Transpose(KernelPath path, float* padded, float* transposed)
    {
        for (var l = 0; l < LayerCount; l++)
            Kernels.Transpose(path, padded + WeightOffset[l], transposed + TransposedOffset[l], OutPadded[l], InPadded[l]);
    }
}
