using System.Numerics;
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
    private IOptimizer _optimizer;
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
    private int[] _mixLabels = null!;
    private float[] _mixShares = null!;
    private AlignedBuffer? _classGradient;
    private int[] _classOrder = [];
    private int[] _classRows = [];
    private int _capacity;
    private long _syncedVersion = -1;

    // Classifier re-training: the optimizer covers the padded parameters from _optimizerOffset on (the output layer) and the
    // backward pass stops at layer _lowestTrained. Both are 0 in ordinary training.
    private int _optimizerOffset;
    private int _lowestTrained;
    private int _stepsBefore;

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
    public int Steps => _stepsBefore + _optimizer.Steps;

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
        var loss = ForwardBackward(rows, epoch, false, 0);
        _layout.Unpack(_gradient.Span, gradient);
        return loss;
    }

    /// <summary>One optimizer update on the given batch (as in <paramref name="epoch"/>); returns the batch loss before the update. The model is updated.</summary>
    public double Step(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows, int epoch = 0)
    {
        LoadBatch(x, y, rows);
        Pull();
        var loss = ForwardBackward(rows, epoch, false, _lowestTrained);
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
        var loss = ForwardBackward(rows, epoch, false, _lowestTrained);
        if (observer is not null) ShowBatch(observer, rowIndices, epoch);
        Update();
        return loss;
    }

    /// <summary>
    /// A mixed training step (mixup, remix): batch position r trains on lambda x_row + (1 - lambda) x_partner with the loss mixed
    /// between the two rows' labels, <paramref name="shares"/>[r] of it on the row's own (<see cref="LossBatch.MixShares"/>).
    /// No batch observer: a mixed row is not a sample of the data, and its logits say nothing about either row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double StepOnMixedRows(float[] features, int[] labels, ReadOnlySpan<int> rowIndices, ReadOnlySpan<int> partners, double lambda,
        ReadOnlySpan<float> shares, int epoch)
    {
        var rows = rowIndices.Length;
        if (partners.Length != rows || shares.Length != rows)
            throw new ArgumentException($"{rows} rows need as many partners and shares; got {partners.Length} and {shares.Length}", nameof(partners));
        EnsureCapacity(rows);
        var inputs = _layout.In[0];
        var ld = _layout.InPadded[0];
        var dst = _input.Span;
        var other = 1 - lambda;
        for (var r = 0; r < rows; r++)
        {
            var xi = features.AsSpan(rowIndices[r] * inputs, inputs);
            var xj = features.AsSpan(partners[r] * inputs, inputs);
            var mixed = dst.Slice(r * ld, inputs);
            for (var k = 0; k < inputs; k++) mixed[k] = (float)(lambda * xi[k] + other * xj[k]);
            _labels[r] = labels[rowIndices[r]];
            _mixLabels[r] = labels[partners[r]];
            _mixShares[r] = shares[r];
        }
        Pull();
        var loss = ForwardBackward(rows, epoch, true, _lowestTrained);
        Update();
        return loss;
    }

    /// <summary>
    /// A per-class normalised step (PCNGD, Francazi et al. 2023): the optimizer is handed sum_c g_c / ||g_c|| over the classes present
    /// in the batch instead of the gradient (<see cref="PerClassNormalisedInto"/>).
    /// The observer sees every row's logits in batch order, as in <see cref="StepOnRows(float[], int[], ReadOnlySpan{int}, IBatchObserver?, int)"/>.
    /// </summary>
    internal double StepOnRowsPerClassNormalised(float[] features, int[] labels, ReadOnlySpan<int> rowIndices, IBatchObserver? observer, int epoch)
    {
        var loss = PerClassNormalisedInto(features, labels, rowIndices, epoch, observer is not null);
        if (observer is not null)
            observer.OnBatch(new BatchView(Steps, epoch, rowIndices, _batchLogits.AsSpan(0, rowIndices.Length * _layout.Out[^1])));
        Update();
        return loss;
    }

    /// <summary>
    /// The PCNGD direction of the batch (rows x Inputs features, labels) at the model's current parameters, in the flat order
    /// W0, b0, W1, b1, ...; returns the batch's mean loss (the plain mean of the rows' losses).
    /// </summary>
    internal double PerClassNormalisedDirection(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int rows, Span<float> direction, int epoch = 0)
    {
        if (direction.Length != _layout.CanonicalLength)
            throw new ArgumentException($"direction has {direction.Length} values; the model has {_layout.CanonicalLength} parameters", nameof(direction));
        var classes = _layout.Out[^1];
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "a batch needs at least one row");
        if (x.Length < rows * _layout.In[0]) throw new ArgumentException($"x has {x.Length} values; {rows} rows x {_layout.In[0]} inputs are needed", nameof(x));
        if (y.Length < rows) throw new ArgumentException($"y has {y.Length} labels; {rows} are needed", nameof(y));
        var indices = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            if ((uint)y[r] >= (uint)classes) throw new ArgumentException($"y[{r}] is {y[r]}; accepted: 0..{classes - 1}", nameof(y));
            indices[r] = r;
        }
        var loss = PerClassNormalisedInto(x, y, indices, epoch, false);
        _layout.Unpack(_gradient.Span, direction);
        return loss;
    }

    /// <summary>
    /// sum_c g_c / ||g_c|| into the gradient buffer, g_c the gradient of the mean loss over the batch rows of class c (the loss's
    /// <see cref="ILoss.Sum"/> with 1/n_c), ||g_c|| its L2 norm over every parameter. A class absent from the batch contributes
    /// nothing, and so does one whose gradient is exactly zero (it has no direction). Each class's rows go through their own
    /// forward and backward pass, so the cost is one ordinary step's passes (split by class) plus one pass over the parameters per class.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double PerClassNormalisedInto(ReadOnlySpan<float> features, ReadOnlySpan<int> labels, ReadOnlySpan<int> rowIndices, int epoch, bool keepLogits)
    {
        var rows = rowIndices.Length;
        var classes = _layout.Out[^1];
        var inputs = _layout.In[0];
        var ldx = _layout.InPadded[0];
        var last = _layout.LayerCount - 1;
        var ldz = _layout.OutPadded[last];
        EnsureCapacity(rows);
        _classGradient ??= new AlignedBuffer(_layout.PaddedLength);
        if (_classRows.Length < classes + 1) _classRows = new int[classes + 1];
        if (_classOrder.Length < _capacity) _classOrder = new int[_capacity];
        if (keepLogits && _batchLogits.Length < _capacity * classes) _batchLogits = new float[_capacity * classes];
        // Stable counting sort of the batch positions by label: class c is _classOrder[_classRows[c] .. _classRows[c + 1]).
        Array.Clear(_classRows);
        for (var r = 0; r < rows; r++) _classRows[labels[rowIndices[r]] + 1]++;
        for (var c = 0; c < classes; c++) _classRows[c + 1] += _classRows[c];
        Span<int> next = stackalloc int[classes];
        _classRows.AsSpan(0, classes).CopyTo(next);
        for (var r = 0; r < rows; r++) _classOrder[next[labels[rowIndices[r]]]++] = r;

        Pull();
        var path = Path;
        var p = _parameters.Pointer;
        var direction = _gradient.Span;
        direction.Clear();
        var input = _input.Span;
        double total = 0;
        for (var c = 0; c < classes; c++)
        {
            var start = _classRows[c];
            var n = _classRows[c + 1] - start;
            if (n == 0) continue;
            for (var k = 0; k < n; k++)
            {
                features.Slice(rowIndices[_classOrder[start + k]] * inputs, inputs).CopyTo(input.Slice(k * ldx, inputs));
                _labels[k] = c;
            }
            ForwardPass.Run(path, _layout, p, _transposed.Pointer, _input.Pointer, ldx, n, _outputs);
            total += _loss.Sum(new LossBatch(_outputs[last].Pointer, _deltas[last].Pointer, ldz, classes, n, _labels, epoch), 1.0 / n);
            if (keepLogits)
            {
                var z = _outputs[last].Span;
                for (var k = 0; k < n; k++) z.Slice(k * ldz, classes).CopyTo(_batchLogits.AsSpan(_classOrder[start + k] * classes, classes));
            }
            BackwardPass.Run(path, _layout, p, _input.Pointer, _outputs, _deltas, n, _classGradient.Pointer);
            AddUnit(direction, _classGradient.Span);
        }
        return total / rows;
    }

    /// <summary>sum += g / ||g|| (the norm in double; nothing when g is all zeros). Padding entries of g are zero, so the norm is over the real parameters.</summary>
    internal static void AddUnit(Span<float> sum, ReadOnlySpan<float> g)
    {
        double squares = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<float>.Count;
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            for (; i + w <= g.Length; i += w)
            {
                Vector.Widen(new Vector<float>(g.Slice(i, w)), out var lo, out var hi);
                acc0 += lo * lo;
                acc1 += hi * hi;
            }
            squares = Vector.Sum(acc0 + acc1);
        }
        for (; i < g.Length; i++) squares += (double)g[i] * g[i];
        if (squares == 0) return;
        var exact = 1 / Math.Sqrt(squares);
        var scale = (float)exact;
        if (!float.IsFinite(scale))
        {
            // A gradient of subnormal floats (a class whose loss has underflowed to ~0, which PCNGD keeps pushing at unit length):
            // its 1/norm exceeds float's range, so scale in double.
            for (i = 0; i < sum.Length; i++) sum[i] += (float)(g[i] * exact);
            return;
        }
        i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<float>.Count;
            var s = new Vector<float>(scale);
            for (; i + w <= g.Length; i += w) (new Vector<float>(sum.Slice(i, w)) + new Vector<float>(g.Slice(i, w)) * s).CopyTo(sum.Slice(i, w));
        }
        for (; i < sum.Length; i++) sum[i] += g[i] * scale;
    }

    /// <summary>
    /// Starts classifier re-training (cRT, Kang et al. 2020): the output layer is re-initialised as a new model from
    /// <paramref name="initSeed"/> would have it, the optimizer starts afresh from <paramref name="optimizer"/> over the output
    /// layer's parameters only, and from now on steps compute and apply only the output layer's gradient, so the hidden layers
    /// stay bit for bit as they are. <see cref="Steps"/> keeps counting. The model is published.
    /// </summary>
    internal void BeginClassifierRetraining(OptimizerSettings optimizer, ulong initSeed)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var last = _layout.LayerCount - 1;
        Publish();
        Model.Initialise(last, initSeed);
        Pull();
        _stepsBefore += _optimizer.Steps;
        _optimizerOffset = _layout.WeightOffset[last];
        _lowestTrained = last;
        _optimizer = optimizer.Create(_layout.PaddedLength - _optimizerOffset);
        Publish();
    }

    /// <summary>The gradient (or direction) the last step handed to the optimizer, in the flat order W0, b0, W1, b1, ... (tests).</summary>
    internal void CopyLastGradient(Span<float> gradient) => _layout.Unpack(_gradient.Span, gradient);

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
        _mixLabels = new int[_capacity];
        _mixShares = new float[_capacity];
    }

    /// <summary>Forward, loss, and the full gradient into the padded gradient buffer. Returns the batch loss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ForwardBackward(int rows, int epoch, bool mixed, int lowest)
    {
        var path = Path;
        var layout = _layout;
        var p = _parameters.Pointer;
        ForwardPass.Run(path, layout, p, _transposed.Pointer, _input.Pointer, layout.InPadded[0], rows, _outputs);
        var last = layout.LayerCount - 1;
        var loss = mixed
            ? _loss.Mean(new LossBatch(_outputs[last].Pointer, _deltas[last].Pointer, layout.OutPadded[last], layout.Out[last], rows, _labels, epoch,
                _mixLabels.AsSpan(0, rows), _mixShares.AsSpan(0, rows)))
            : _loss.Mean(new LossBatch(_outputs[last].Pointer, _deltas[last].Pointer, layout.OutPadded[last], layout.Out[last], rows, _labels, epoch));
        BackwardPass.Run(path, layout, p, _input.Pointer, _outputs, _deltas, rows, _gradient.Pointer, lowest);
        return loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update()
    {
        _optimizer.Step(Path, _parameters.Pointer + _optimizerOffset, _gradient.Pointer + _optimizerOffset);
        _layout.Transpose(Path, _parameters.Pointer, _transposed.Pointer);
    }
}
