using ImbLab.Core;

namespace ImbLab.Engine;

/// <summary>
/// A multilayer perceptron's parameters in PyTorch's layout (nn.Linear: weight [out x in] row-major, bias [out]),
/// plus a forward pass for prediction. Training happens in <see cref="MlpTrainer"/>, which works on its own
/// padded copy and writes back here; <see cref="Version"/> tells either side when the other has changed the values.
/// </summary>
internal sealed unsafe class Mlp
{
    private const int PredictChunk = 64;

    private readonly float[] _parameters;
    private readonly Layout _layout;
    private AlignedBuffer? _packed;
    private AlignedBuffer? _transposed;
    private AlignedBuffer[]? _activations;
    private long _packedVersion = -1;

    /// <summary>Glorot-uniform weights U(-a, a), a = sqrt(6 / (fan_in + fan_out)), zero biases; each layer from its own derived stream.</summary>
    public Mlp(MlpShape shape, ulong initSeed)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var problems = shape.Validate();
        if (problems.Count > 0) throw new ArgumentException($"invalid MLP shape: {string.Join("; ", problems)}", nameof(shape));
        Shape = shape;
        _layout = new Layout(shape);
        _parameters = new float[_layout.CanonicalLength];
        for (var l = 0; l < LayerCount; l++)
        {
            var rng = new Rng(Rng.Derive(initSeed, "glorot", l));
            var bound = Math.Sqrt(6.0 / (_layout.In[l] + _layout.Out[l]));
            var w = Weights(l);
            for (var i = 0; i < w.Length; i++) w[i] = (float)((2 * rng.NextDouble() - 1) * bound);
        }
    }

    public MlpShape Shape { get; }

    public int LayerCount => _layout.LayerCount;

    public int ParameterCount => _layout.CanonicalLength;

    /// <summary>The kernels to use (tests and benchmarks pick the portable ones); falls back when the machine lacks them.</summary>
    internal KernelPath KernelPath { get; set; } = KernelPath.Intrinsics;

    /// <summary>Changes whenever the parameters may have changed (every mutable view handed out counts as a change).</summary>
    internal long Version { get; private set; }

    internal Layout Layout => _layout;

    /// <summary>Read-only view of all parameters in the flat order W0, b0, W1, b1, ...</summary>
    internal ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>Layer weights, [out x in] row-major (torch nn.Linear.weight). Writable.</summary>
    public Span<float> Weights(int layer)
    {
        CheckLayer(layer);
        Version++;
        return _parameters.AsSpan(_layout.CanonicalWeightOffset[layer], _layout.Out[layer] * _layout.In[layer]);
    }

    /// <summary>Layer bias, [out]. Writable.</summary>
    public Span<float> Bias(int layer)
    {
        CheckLayer(layer);
        Version++;
        return _parameters.AsSpan(_layout.CanonicalBiasOffset[layer], _layout.Out[layer]);
    }

    public void CopyParameters(Span<float> destination)
    {
        if (destination.Length != _parameters.Length)
            throw new ArgumentException($"destination has {destination.Length} values; the model has {_parameters.Length} parameters", nameof(destination));
        _parameters.CopyTo(destination);
    }

    public void SetParameters(ReadOnlySpan<float> values)
    {
        if (values.Length != _parameters.Length)
            throw new ArgumentException($"values has {values.Length} values; the model has {_parameters.Length} parameters", nameof(values));
        values.CopyTo(_parameters);
        Version++;
    }

    /// <summary>Logits (rows x Classes) for row-major features (rows x Inputs). Not thread-safe: uses per-instance scratch.</summary>
    public void Predict(ReadOnlySpan<float> features, int rows, Span<float> logits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var inputs = Shape.Inputs;
        var classes = Shape.Classes;
        if (features.Length < rows * inputs)
            throw new ArgumentException($"features has {features.Length} values; {rows} rows x {inputs} inputs are needed", nameof(features));
        if (logits.Length < rows * classes)
            throw new ArgumentException($"logits has room for {logits.Length} values; {rows} rows x {classes} classes are needed", nameof(logits));
        if (rows == 0) return;
        EnsurePacked();
        var outputs = _activations!;
        var last = outputs[^1];
        var ld = _layout.OutPadded[^1];
        var path = Kernels.Resolve(KernelPath);
        fixed (float* x = features)
        {
            for (var start = 0; start < rows; start += PredictChunk)
            {
                var n = Math.Min(PredictChunk, rows - start);
                ForwardPass.Run(path, _layout, _packed!.Pointer, _transposed!.Pointer, x + (nint)start * inputs, inputs, n, outputs);
                for (var r = 0; r < n; r++)
                    new ReadOnlySpan<float>(last.Pointer + r * ld, classes).CopyTo(logits.Slice((start + r) * classes, classes));
            }
        }
    }

    /// <summary>Overwrites the parameters from a trainer's padded copy; the caller takes the returned version as in sync.</summary>
    internal long WriteFromPadded(ReadOnlySpan<float> padded)
    {
        _layout.Unpack(padded, _parameters);
        return ++Version;
    }

    private void EnsurePacked()
    {
        if (_packed is null)
        {
            _packed = new AlignedBuffer(_layout.PaddedLength);
            _transposed = new AlignedBuffer(_layout.TransposedLength);
            _activations = new AlignedBuffer[LayerCount];
            for (var l = 0; l < LayerCount; l++) _activations[l] = new AlignedBuffer(PredictChunk * _layout.OutPadded[l]);
        }
        if (_packedVersion == Version) return;
        _layout.Pack(_parameters, _packed.Span);
        _layout.Transpose(Kernels.Resolve(KernelPath), _packed.Pointer, _transposed!.Pointer);
        _packedVersion = Version;
    }

    private void CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)LayerCount)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{LayerCount - 1}");
    }
}
