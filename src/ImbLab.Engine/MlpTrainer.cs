using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// Trains one <see cref="Mlp"/>: owns the padded working parameters, the optimizer (and its state) and every scratch
/// buffer, so a training step allocates nothing. The working copy is the truth while training; it is written
/// back to the model by <see cref="Publish"/> (and by <see cref="Step"/>), and re-read whenever the model's
/// <see cref="Mlp.Version"/> shows someone else changed it.
/// </summary>
/// <remarks>
/// The backward pass starts from per-sample output deltas (the <see cref="ILoss"/>'s d loss / d logits), one row per sample, and
/// every delta stays per-sample until the weight-gradient GEMMs (dW = delta^T x, a sum over rows with k = rows).
/// A per-class gradient therefore fits in the same sweep: gather the rows in class order, and each class is a
/// contiguous row range whose dW is the same GEMM over that range; <see cref="ClassGradientProbe"/> does this.
/// Hot methods are compiled fully optimised at first call: tiered compilation would otherwise run a whole short
/// training job in unoptimised tier-0 code before the background tier-1 compile lands.
/// </remarks>
internal sealed unsafe class MlpTrainer
{
    private readonly Layout _layout;
    private readonly IOptimizer _optimizer;
    private readonly ILoss _loss;
    private readonly AlignedBuffer _parameters;
    private readonly AlignedBuffer _transposed;
    private readonly AlignedBuffer _gradient;
    private AlignedBuffer _input = null!;
    private AlignedBuffer[] _outputs = null!;
    private AlignedBuffer[] _deltas = null!;
    private int[] _labels = null!;
    private float[] _batchLogits = [];
    private AlignedBuffer? _previous;
    private int _capacity;
    private long _syncedVersion = -1;

    /// <summary>A trainer minimising <paramref name="loss"/> (softmax cross-entropy when null) with a fresh optimizer made from <paramref name="optimizer"/>.</summary>
    public MlpTrainer(Mlp model, OptimizerSettings optimizer, int batchCapacity = 64, ILoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var problems = optimizer.Validate();
        if (problems.Count > 0) throw new ArgumentException($"invalid optimizer settings: {string.Join("; ", problems)}", nameof(optimizer));
        Model = model;
        _layout = model.Layout;
        _optimizer = optimizer.Create(_layout.PaddedLength);
        _loss = loss ?? SoftmaxCrossEntropy.Instance;
        _parameters = new AlignedBuffer(_layout.PaddedLength);
        _transposed = new AlignedBuffer(_layout.TransposedLength);
        _gradient = new AlignedBuffer(_layout.PaddedLength);
        EnsureCapacity(Math.Max(1, batchCapacity));
        Pull();
    }

    public Mlp Model { get; }

    /// <summary>Optimizer updates applied so far.</summary>
    public int Steps => _optimizer.Steps;

    private KernelPath Path => Kernels.Resolve(Model.KernelPath);

    /// <summary>
    /// The loss (<see cref="ILoss.Mean"/>, at <paramref name="epoch"/>) of the batch at the model's current parameters, and its
    /// gradient with respect to every parameter in the flat order W0, b0, W1, b1, ... (weight decay not included).
    /// </summary>
    public double LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows, Span<float> gradient, int epoch = 0)
    {
        if (gradient.Length != _layout.CanonicalLength)
            throw new ArgumentException($"gradient has {gradient.Length} values; the model has {_layout.CanonicalLength} parameters", nameof(gradient));
        LoadBatch(x, y, rows);
        Pull();
        var loss = ForwardBackward(rows, epoch);
        _layout.Unpack(_gradient.Span, gradient);
        return loss;
    }

    /// <summary>One optimizer update on the given batch (as in <paramref name="epoch"/>); returns the batch loss before the update. The model is updated.</summary>
    public double Step(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows, int epoch = 0)
    {
        LoadBatch(x, y, rows);
        Pull();
        var loss = ForwardBackward(rows, epoch);
        RememberParameters();
        Update();
        PublishWithUpdate();
        return loss;
    }

    /// <summary>The training loop's step: gathers the rows by index straight into the padded batch buffer, updates, and does not publish.</summary>
    internal double StepOnRows(float[] features, int[] labels, ReadOnlySpan<int> rowIndices) => StepOnRows(features, labels, rowIndices, null, 0);

    /// <summary>
    /// As <see cref="StepOnRows(float[], int[], ReadOnlySpan{int})"/>, and when <paramref name="observer"/> is set it is shown the
    /// batch's logits from this step's forward pass, before the update (<paramref name="epoch"/> is passed through).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double StepOnRows(float[] features, int[] labels, ReadOnlySpan<int> rowIndices, IBatchObserver? observer, int epoch)
    {
        var rows = rowIndices.Length;
        EnsureCapacity(rows);
        var inputs = _layout.In[0];
        var ld = _layout.InPadded[0];
        var dst = _input.Span;
        for (var r = 0; r < rows; r++)
        {
            var row = rowIndices[r];
            features.AsSpan(row * inputs, inputs).CopyTo(dst.Slice(r * ld, inputs));
            _labels[r] = labels[row];
        }
        Pull();
        var loss = ForwardBackward(rows, epoch);
        if (observer is not null) ShowBatch(observer, rowIndices, epoch);
        Update();
        return loss;
    }

    /// <summary>
    /// Keeps a copy of the working parameters, so that the next <see cref="PublishWithUpdate"/> can hand the model
    /// the update in between. The training loop calls it only before steps that end on a checkpoint.
    /// </summary>
    internal void RememberParameters()
    {
        Pull();
        _previous ??= new AlignedBuffer(_layout.PaddedLength);
        _parameters.Span.CopyTo(_previous.Span);
    }

    /// <summary>Publishes, and sets the model's <see cref="Mlp.LastUpdate"/> to the change since <see cref="RememberParameters"/>.</summary>
    internal void PublishWithUpdate()
    {
        if (_previous is null) throw new InvalidOperationException("RememberParameters must be called before the step whose update is published");
        Publish();
        var current = _parameters.Span;
        var diff = _previous.Span;
        // Float subtraction of the two stored states: exactly what a caller would get by diffing the published parameters.
        for (var i = 0; i < diff.Length; i++) diff[i] = current[i] - diff[i];
        Model.SetLastUpdate(_layout, diff);
    }

    private void ShowBatch(IBatchObserver observer, ReadOnlySpan<int> rowIndices, int epoch)
    {
        var rows = rowIndices.Length;
        var classes = _layout.Out[^1];
        var ld = _layout.OutPadded[^1];
        if (_batchLogits.Length < _capacity * classes) _batchLogits = new float[_capacity * classes];
        var z = _outputs[^1].Span;
        for (var r = 0; r < rows; r++) z.Slice(r * ld, classes).CopyTo(_batchLogits.AsSpan(r * classes, classes));
        observer.OnBatch(new BatchView(Steps, epoch, rowIndices, _batchLogits.AsSpan(0, rows * classes)));
    }

    /// <summary>Writes the working parameters into the model.</summary>
    public void Publish()
    {
        Pull();
        _syncedVersion = Model.WriteFromPadded(_parameters.Span);
    }

    private void Pull()
    {
        if (_syncedVersion == Model.Version) return;
        _layout.Pack(Model.Parameters, _parameters.Span);
        _layout.Transpose(Path, _parameters.Pointer, _transposed.Pointer);
        _syncedVersion = Model.Version;
    }

    private void LoadBatch(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows)
    {
        var inputs = _layout.In[0];
        var classes = _layout.Out[^1];
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "a batch needs at least one row");
        if (x.Length < rows * inputs) throw new ArgumentException($"x has {x.Length} values; {rows} rows x {inputs} inputs are needed", nameof(x));
        if (y.Length < rows) throw new ArgumentException($"y has {y.Length} labels; {rows} are needed", nameof(y));
        EnsureCapacity(rows);
        var ld = _layout.InPadded[0];
        for (var r = 0; r < rows; r++)
        {
            if ((uint)y[r] >= (uint)classes) throw new ArgumentException($"y[{r}] is {y[r]}; accepted: 0..{classes - 1}", nameof(y));
            x.Slice(r * inputs, inputs).CopyTo(_input.Span.Slice(r * ld, inputs));
            _labels[r] = y[r];
        }
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity) return;
        _capacity = Math.Max(rows, _capacity * 2);
        _input = new AlignedBuffer(_capacity * _layout.InPadded[0]);
        _outputs = new AlignedBuffer[_layout.LayerCount];
        _deltas = new AlignedBuffer[_layout.LayerCount];
        for (var l = 0; l < _layout.LayerCount; l++)
        {
            _outputs[l] = new AlignedBuffer(_capacity * _layout.OutPadded[l]);
            _deltas[l] = new AlignedBuffer(_capacity * _layout.OutPadded[l]);
        }
        _labels = new int[_capacity];
    }

    /// <summary>Forward, loss, and the full gradient into the padded gradient buffer. Returns the batch loss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ForwardBackward(int rows, int epoch)
    {
        var path = Path;
        var layout = _layout;
        var p = _parameters.Pointer;
        ForwardPass.Run(path, layout, p, _transposed.Pointer, _input.Pointer, layout.InPadded[0], rows, _outputs);
        var last = layout.LayerCount - 1;
        var loss = _loss.Mean(new LossBatch(_outputs[last].Pointer, _deltas[last].Pointer, layout.OutPadded[last], layout.Out[last], rows, _labels, epoch));
        BackwardPass.Run(path, layout, p, _input.Pointer, _outputs, _deltas, rows, _gradient.Pointer);
        return loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update()
    {
        _optimizer.Step(Path, _parameters.Pointer, _gradient.Pointer);
        _layout.Transpose(Path, _parameters.Pointer, _transposed.Pointer);
    }
}
