using System.Numerics;
using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// Per-class gradients of one model on one dataset (<see cref="ClassGradientProbe.Compute"/>). Owned by the probe
/// that made it and overwritten by its next Compute: read or copy what you need before calling again.
/// </summary>
public sealed class ClassGradients
{
    internal ClassGradients(int classes, int parameters, IReadOnlyList<(int Offset, int Length)> layers)
    {
        Classes = classes;
        Counts = new int[classes];
        MeanLoss = new double[classes];
        PerClass = new float[classes][];
        for (var c = 0; c < classes; c++) PerClass[c] = new float[parameters];
        Layers = layers;
    }

    public int Classes { get; }

    /// <summary>n_c: rows of each class.</summary>
    public int[] Counts { get; }

    /// <summary>(1/n_c) sum of the class's loss (<see cref="ILoss.Sum"/>); NaN for a class with no rows.</summary>
    public double[] MeanLoss { get; }

    /// <summary>
    /// PerClass[c] = gradient of (1/n_c) sum over class c's rows of the loss, in the flat order W0, b0, W1, b1, ...
    /// (as <see cref="MlpTrainer.LossAndGradient"/>); all zeros for a class with no rows.
    /// </summary>
    public float[][] PerClass { get; }

    /// <summary>(offset, length) of layer l's W and b together in the flat vector.</summary>
    public IReadOnlyList<(int Offset, int Length)> Layers { get; }
}

/// <summary>
/// Every class's mean-loss gradient over a whole dataset in one forward+backward sweep. Rows are grouped by class
/// (stable counting sort) and processed in chunks that never straddle a class, each row's output delta scaled by
/// 1/n_c by the probe's <see cref="ILoss"/> (softmax cross-entropy unless given), so each chunk's weight-gradient GEMM (dW = delta^T x, the sum over its rows) belongs to one class and is
/// added to that class's accumulator. The logits of every row come out on the way. One probe per thread; it owns
/// its scratch and allocates nothing after the first call with the largest row count.
/// </summary>
public sealed unsafe class ClassGradientProbe
{
    /// <summary>Rows per chunk: a chunk's activations and deltas (~2 x 128 x 64 floats per layer) stay in L2.</summary>
    public const int DefaultChunkRows = 128;

    private readonly MlpShape _shape;
    private readonly Layout _layout;
    private readonly int _chunk;
    private readonly ILoss _loss;
    private readonly AlignedBuffer _parameters;
    private readonly AlignedBuffer _transposed;
    private readonly AlignedBuffer _scratch;
    private readonly AlignedBuffer[] _accumulators;
    private readonly AlignedBuffer _input;
    private readonly AlignedBuffer[] _outputs;
    private readonly AlignedBuffer[] _deltas;
    private readonly int[] _chunkLabels;
    private readonly int[] _starts;
    private readonly double[] _lossSums;
    private readonly ClassGradients _result;
    private int[] _order = [];
    private Mlp? _packedModel;
    private long _packedVersion = -1;
    private KernelPath _packedPath;

    public ClassGradientProbe(MlpShape shape, ILoss? loss = null) : this(shape, DefaultChunkRows, loss)
    {
    }

    /// <summary>A probe with another chunk size (tests: results must not depend on it beyond float rounding).</summary>
    internal ClassGradientProbe(MlpShape shape, int chunkRows, ILoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var problems = shape.Validate();
        if (problems.Count > 0) throw new ArgumentException($"invalid MLP shape: {string.Join("; ", problems)}", nameof(shape));
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        _shape = shape;
        _layout = new Layout(shape);
        _chunk = chunkRows;
        _loss = loss ?? SoftmaxCrossEntropy.Instance;
        _parameters = new AlignedBuffer(_layout.PaddedLength);
        _transposed = new AlignedBuffer(_layout.TransposedLength);
        _scratch = new AlignedBuffer(_layout.PaddedLength);
        _accumulators = new AlignedBuffer[shape.Classes];
        for (var c = 0; c < shape.Classes; c++) _accumulators[c] = new AlignedBuffer(_layout.PaddedLength);
        _input = new AlignedBuffer(chunkRows * _layout.InPadded[0]);
        _outputs = new AlignedBuffer[_layout.LayerCount];
        _deltas = new AlignedBuffer[_layout.LayerCount];
        for (var l = 0; l < _layout.LayerCount; l++)
        {
            _outputs[l] = new AlignedBuffer(chunkRows * _layout.OutPadded[l]);
            _deltas[l] = new AlignedBuffer(chunkRows * _layout.OutPadded[l]);
        }
        _chunkLabels = new int[chunkRows];
        _starts = new int[shape.Classes + 1];
        _lossSums = new double[shape.Classes];
        var layers = new (int Offset, int Length)[_layout.LayerCount];
        for (var l = 0; l < layers.Length; l++) layers[l] = (_layout.CanonicalWeightOffset[l], _layout.Out[l] * (_layout.In[l] + 1));
        _result = new ClassGradients(shape.Classes, _layout.CanonicalLength, layers);
    }

    /// <summary>
    /// Per-class gradients of <paramref name="model"/> over <paramref name="rows"/> rows (features row-major, rows x Inputs;
    /// labels 0..Classes-1); <paramref name="logits"/> (rows x Classes) receives every row's logits, as Predict gives them.
    /// The loss is taken as at <paramref name="epoch"/>. Returns this probe's result object, overwritten by the next call.
    /// </summary>
    public ClassGradients Compute(Mlp model, ReadOnlySpan<float> features, ReadOnlySpan<int> labels, int rows, Span<float> logits, int epoch = 0) =>
        Compute(model, features, labels, rows, logits, null, epoch);

    /// <summary>
    /// As <see cref="Compute(Mlp, ReadOnlySpan{float}, ReadOnlySpan{int}, int, Span{float}, int)"/>, and <paramref name="hidden"/>[l]
    /// (when given; rows x Hidden[l]) receives hidden layer l's output as <see cref="Mlp.PredictWithHidden"/> gives it, from the
    /// same forward pass: an epoch end that wants both pays for one forward pass over the training rows, not two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ClassGradients Compute(Mlp model, ReadOnlySpan<float> features, ReadOnlySpan<int> labels, int rows, Span<float> logits,
        IReadOnlyList<float[]>? hidden, int epoch = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Shape.Equals(_shape)) throw new ArgumentException($"the model is {model.Shape}; this probe was made for {_shape}", nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var inputs = _layout.In[0];
        var classes = _layout.Out[^1];
        if (features.Length < (long)rows * inputs)
            throw new ArgumentException($"features has {features.Length} values; {rows} rows x {inputs} inputs are needed", nameof(features));
        if (labels.Length < rows) throw new ArgumentException($"labels has {labels.Length} values; {rows} are needed", nameof(labels));
        if (logits.Length < (long)rows * classes)
            throw new ArgumentException($"logits has room for {logits.Length} values; {rows} rows x {classes} classes are needed", nameof(logits));

        var last = _layout.LayerCount - 1;
        if (hidden is not null)
        {
            if (hidden.Count != last) throw new ArgumentException($"hidden has {hidden.Count} buffers; the model has {last} hidden layers", nameof(hidden));
            for (var l = 0; l < last; l++)
            {
                if (hidden[l] is null || hidden[l].Length < (long)rows * _layout.Out[l])
                    throw new ArgumentException($"hidden[{l}] has room for {hidden[l]?.Length ?? 0} values; {rows} rows x {_layout.Out[l]} units are needed", nameof(hidden));
            }
        }

        var counts = _result.Counts;
        Array.Clear(counts);
        for (var r = 0; r < rows; r++)
        {
            var y = labels[r];
            if ((uint)y >= (uint)classes) throw new ArgumentException($"labels[{r}] is {y}; accepted: 0..{classes - 1}", nameof(labels));
            counts[y]++;
        }
        GroupByClass(labels, rows);
        var path = Kernels.Resolve(model.KernelPath);
        Pack(model, path);

        var ldx = _layout.InPadded[0];
        var ldz = _layout.OutPadded[last];
        var input = _input.Span;
        for (var c = 0; c < classes; c++)
        {
            var n = counts[c];
            _lossSums[c] = 0;
            var scale = n == 0 ? 0 : 1.0 / n;
            for (var done = 0; done < n; done += _chunk)
            {
                var size = Math.Min(_chunk, n - done);
                var members = _order.AsSpan(_starts[c] + done, size);
                for (var r = 0; r < size; r++)
                {
                    features.Slice(members[r] * inputs, inputs).CopyTo(input.Slice(r * ldx, inputs));
                    _chunkLabels[r] = c;
                }
                ForwardPass.Run(path, _layout, _parameters.Pointer, _transposed.Pointer, _input.Pointer, ldx, size, _outputs);
                var z = _outputs[last].Span;
                for (var r = 0; r < size; r++) z.Slice(r * ldz, classes).CopyTo(logits.Slice(members[r] * classes, classes));
                if (hidden is not null) ScatterHidden(hidden, members, size);
                _lossSums[c] += _loss.Sum(new LossBatch(_outputs[last].Pointer, _deltas[last].Pointer, ldz, classes, size, _chunkLabels, epoch), scale);
                // The first chunk writes the class's accumulator directly; later ones go through scratch and are added.
                var target = done == 0 ? _accumulators[c] : _scratch;
                BackwardPass.Run(path, _layout, _parameters.Pointer, _input.Pointer, _outputs, _deltas, size, target.Pointer);
                if (done > 0) Accumulate(_accumulators[c].Span, _scratch.Span);
            }
            _result.MeanLoss[c] = n == 0 ? double.NaN : _lossSums[c] / n;
            if (n == 0) Array.Clear(_result.PerClass[c]);
            else _layout.Unpack(_accumulators[c].Span, _result.PerClass[c]);
        }
        return _result;
    }

    private void ScatterHidden(IReadOnlyList<float[]> hidden, ReadOnlySpan<int> members, int size)
    {
        for (var l = 0; l < hidden.Count; l++)
        {
            var width = _layout.Out[l];
            var ld = _layout.OutPadded[l];
            var source = _outputs[l].Span;
            var destination = hidden[l];
            for (var r = 0; r < size; r++) source.Slice(r * ld, width).CopyTo(destination.AsSpan(members[r] * width, width));
        }
    }

    /// <summary>Stable counting sort of the row indices by label: class c's rows are _order[_starts[c].._starts[c+1]).</summary>
    private void GroupByClass(ReadOnlySpan<int> labels, int rows)
    {
        if (_order.Length < rows) _order = new int[rows];
        var counts = _result.Counts;
        _starts[0] = 0;
        for (var c = 0; c < counts.Length; c++) _starts[c + 1] = _starts[c] + counts[c];
        Span<int> next = stackalloc int[counts.Length];
        _starts.AsSpan(0, counts.Length).CopyTo(next);
        for (var r = 0; r < rows; r++) _order[next[labels[r]]++] = r;
    }

    private void Pack(Mlp model, KernelPath path)
    {
        if (ReferenceEquals(model, _packedModel) && model.Version == _packedVersion && path == _packedPath) return;
        _layout.Pack(model.Parameters, _parameters.Span);
        _layout.Transpose(path, _parameters.Pointer, _transposed.Pointer);
        _packedModel = model;
        _packedVersion = model.Version;
        _packedPath = path;
    }

    private static void Accumulate(Span<float> sum, ReadOnlySpan<float> add)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<float>.Count;
            ref var s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(sum);
            ref var a = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(add);
            for (; i + w <= sum.Length; i += w)
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref s, (nuint)i) + Vector.LoadUnsafe(ref a, (nuint)i), ref s, (nuint)i);
        }
        for (; i < sum.Length; i++) sum[i] += add[i];
    }
}
