using System.Runtime.InteropServices;
using ImbLab.Core;

namespace ImbLab.Engine;

/// <summary>
/// A multilayer perceptron's parameters in PyTorch's layout (nn.Linear: weight [out x in] row-major, bias [out]),
/// plus a forward pass for prediction. Training happens in <see cref="MlpTrainer"/>, which works on its own
/// padded copy and writes back here; <see cref="Version"/> tells either side when the other has changed the values.
/// </summary>
public sealed unsafe class Mlp
{
    private const int PredictChunk = 64;

    private readonly float[] _parameters;
    private float[]? _lastUpdate;
    private bool _hasLastUpdate;
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
        for (var l = 0; l < LayerCount; l++) Initialise(l, initSeed);
    }

    public MlpShape Shape { get; }

    public int LayerCount => _layout.LayerCount;

    public int ParameterCount => _layout.CanonicalLength;

    /// <summary>The kernels to use (tests and benchmarks pick the portable ones); falls back when the machine lacks them.</summary>
    public KernelPath KernelPath { get; set; } = KernelPath.Intrinsics;

    /// <summary>Changes whenever the parameters may have changed (every mutable view handed out counts as a change).</summary>
    internal long Version { get; private set; }

    internal Layout Layout => _layout;

    /// <summary>Read-only view of all parameters in the flat order W0, b0, W1, b1, ...</summary>
    internal ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>
    /// theta_s - theta_(s-1) in the flat order W0, b0, W1, b1, ...: the update of the last training step before the
    /// checkpoint the model was last handed out at (the trainer sets it at every checkpoint with step &gt;= 1; empty at
    /// step 0 and before any training). Each class's share of the update is its gradient's projection on this.
    /// </summary>
    public ReadOnlySpan<float> LastUpdate => _hasLastUpdate ? _lastUpdate : ReadOnlySpan<float>.Empty;

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
    public void Predict(ReadOnlySpan<float> features, int rows, Span<float> logits) => Run(features, rows, logits, null);

    /// <summary>
    /// As <see cref="Predict"/>, and <paramref name="hidden"/>[l] (at least rows x Hidden[l] values, row-major) receives
    /// hidden layer l's output after its activation: the representations the separability measures read.
    /// </summary>
    public void PredictWithHidden(ReadOnlySpan<float> features, int rows, Span<float> logits, IReadOnlyList<float[]> hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var widths = Shape.Hidden;
        if (hidden.Count != widths.Count)
            throw new ArgumentException($"hidden has {hidden.Count} buffers; the model has {widths.Count} hidden layers", nameof(hidden));
        for (var l = 0; l < widths.Count; l++)
        {
            if (hidden[l] is null || hidden[l].Length < (long)rows * widths[l])
                throw new ArgumentException($"hidden[{l}] has room for {hidden[l]?.Length ?? 0} values; {rows} rows x {widths[l]} units are needed", nameof(hidden));
        }
        Run(features, rows, logits, hidden);
    }

    private void Run(ReadOnlySpan<float> features, int rows, Span<float> logits, IReadOnlyList<float[]>? hidden)
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
        var path = Kernels.Resolve(KernelPath);
        var last = LayerCount - 1;
        if (hidden is null)
        {
            fixed (float* x = features)
            {
                for (var start = 0; start < rows; start += PredictChunk)
                {
                    var n = Math.Min(PredictChunk, rows - start);
                    ForwardPass.Run(path, _layout, _packed!.Pointer, _transposed!.Pointer, x + (nint)start * inputs, inputs, n, outputs);
                    CopyRows(outputs[last], _layout.OutPadded[last], n, logits.Slice(start * classes), classes);
                }
            }
            return;
        }
        // A hidden layer whose width is whole vectors has no padding: the forward pass writes it straight into the
        // caller's array (pinned for the call), which saves copying every representation once more.
        Span<GCHandle> pins = stackalloc GCHandle[last];
        Span<nint> direct = stackalloc nint[last + 1];
        try
        {
            for (var l = 0; l < last; l++)
                if (_layout.Out[l] == _layout.OutPadded[l]) pins[l] = GCHandle.Alloc(hidden[l], GCHandleType.Pinned);
            fixed (float* x = features)
            {
                for (var start = 0; start < rows; start += PredictChunk)
                {
                    var n = Math.Min(PredictChunk, rows - start);
                    for (var l = 0; l < last; l++)
                        direct[l] = pins[l].IsAllocated ? pins[l].AddrOfPinnedObject() + (nint)start * _layout.Out[l] * sizeof(float) : 0;
                    ForwardPass.Run(path, _layout, _packed!.Pointer, _transposed!.Pointer, x + (nint)start * inputs, inputs, n, outputs, direct);
                    CopyRows(outputs[last], _layout.OutPadded[last], n, logits.Slice(start * classes), classes);
                    for (var l = 0; l < last; l++)
                    {
                        if (pins[l].IsAllocated) continue;
                        var width = _layout.Out[l];
                        CopyRows(outputs[l], _layout.OutPadded[l], n, hidden[l].AsSpan(start * width), width);
                    }
                }
            }
        }
        finally
        {
            foreach (var pin in pins)
                if (pin.IsAllocated) pin.Free();
        }
    }

    private static void CopyRows(AlignedBuffer source, int ld, int rows, Span<float> destination, int width)
    {
        for (var r = 0; r < rows; r++) new ReadOnlySpan<float>(source.Pointer + r * ld, width).CopyTo(destination.Slice(r * width, width));
    }

    /// <summary>
    /// Layer <paramref name="layer"/> as a new model from <paramref name="initSeed"/> would have it (Glorot-uniform weights from the
    /// seed's "glorot" stream of the layer, zero bias): classifier re-training (cRT) re-initialises the output layer with it.
    /// </summary>
    internal void Initialise(int layer, ulong initSeed)
    {
        var rng = new Rng(Rng.Derive(initSeed, "glorot", layer));
        var bound = Math.Sqrt(6.0 / (_layout.In[layer] + _layout.Out[layer]));
        var w = Weights(layer);
        for (var i = 0; i < w.Length; i++) w[i] = (float)((2 * rng.NextDouble() - 1) * bound);
        Bias(layer).Clear();
    }

    /// <summary>Sets <see cref="LastUpdate"/> from a padded update (trainer layout); leaves the parameters and Version alone.</summary>
    internal void SetLastUpdate(Layout layout, ReadOnlySpan<float> paddedUpdate)
    {
        _lastUpdate ??= new float[_layout.CanonicalLength];
        layout.Unpack(paddedUpdate, _lastUpdate);
        _hasLastUpdate = true;
    }

    internal void ClearLastUpdate() => _hasLastUpdate = false;

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
