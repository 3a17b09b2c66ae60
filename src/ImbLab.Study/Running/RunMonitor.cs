using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Core.Specs;

namespace ImbLab.Study.Running;

/// <summary>
/// The probe of one run: at every checkpoint it evaluates the model on the run's training and test rows and
/// records per-class metrics and, when asked, per-sample signals, per-class gradients and representation
/// separability. Buffers are allocated once; the engine calls it on the run's worker thread, so it needs no locking.
/// </summary>
internal sealed class RunMonitor : ITrainingObserver, IDivergenceObserver
{
    private readonly EvaluationSet[] _sets;
    private readonly int _classes;
    private readonly int _positiveClass;
    private readonly bool _recordSamples;
    private readonly int _finalStep;
    private readonly Action<RunMonitor> _onFinished;
    private readonly Action? _onEpoch;
    private readonly GradientRecorder? _gradients;
    private readonly RepresentationRecorder? _representations;
    private readonly System.Diagnostics.Stopwatch _clock = new();

    public RunMonitor(string runId, EncodedSet train, EncodedSet test, int positiveClass, bool recordSamples, int epochs, int batchSize,
        Action<RunMonitor> onFinished, Action? onEpoch = null, DiagnosticsSpec? diagnostics = null, MlpShape? shape = null, ulong seed = 0)
    {
        RunId = runId;
        _classes = train.ClassCount;
        _positiveClass = positiveClass;
        _recordSamples = recordSamples;
        _sets = [new EvaluationSet(Splits.Train, train), new EvaluationSet(Splits.Test, test)];
        var stepsPerEpoch = (train.Rows + batchSize - 1) / batchSize;
        _finalStep = stepsPerEpoch * epochs;
        _onFinished = onFinished;
        _onEpoch = onEpoch;
        foreach (var set in _sets) Records.Samples.Add(new SplitSamples(set.Name, set.Data.RowIds, set.Data.Labels));

        if (diagnostics is not null && shape is not null)
        {
            var representationSteps = RepresentationRecorder.Schedule(epochs).Select(e => e * stepsPerEpoch).ToHashSet();
            if (diagnostics.Representations || diagnostics.RecordActivations)
                _representations = new RepresentationRecorder(Records, shape, train, test, diagnostics, representationSteps, seed);
            if (diagnostics.Gradients)
                _gradients = new GradientRecorder(Records, shape, diagnostics.GradientSchedule == GradientSchedule.Every ? null : representationSteps);
        }
    }

    public string RunId { get; }
    public RunRecords Records { get; } = new();
    public double Seconds => _clock.Elapsed.TotalSeconds;

    public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
    {
        if (checkpoint.Step == 0) _clock.Restart();
        var train = _sets[0];
        // The gradient sweep computes the training logits on its way, so the evaluation need not predict them again.
        var trainPredicted = _gradients is not null && _gradients.Record(checkpoint, model, train.Data, train.Logits);
        Evaluate(train, checkpoint, model, predict: !trainPredicted);
        Evaluate(_sets[1], checkpoint, model, predict: true);
        _representations?.Record(checkpoint, model);
        if (checkpoint.IsEpochEnd && checkpoint.Step > 0) _onEpoch?.Invoke();
        if (checkpoint.IsEpochEnd && checkpoint.Step == _finalStep)
        {
            _clock.Stop();
            _onFinished(this);
        }
    }

    /// <summary>The run ends here; what was recorded at earlier checkpoints is kept and stored with it.</summary>
    public void OnDiverged(int step, int epoch, double loss)
    {
        _clock.Stop();
        Records.Diverged = new Divergence(step, epoch);
        _onFinished(this);
    }

    private void Evaluate(EvaluationSet set, in Checkpoint checkpoint, Mlp model, bool predict)
    {
        var data = set.Data;
        var n = data.Rows;
        if (predict) model.Predict(data.Features, n, set.Logits);
        Softmax.FromLogits(set.Logits, _classes, data.Labels, set.Probabilities, set.Loss);
        var metrics = ClassificationMetrics.Compute(set.Probabilities, _classes, data.Labels, _positiveClass, set.Loss);
        foreach (var (cls, name, value) in metrics.ToLong())
            Records.Metrics.Add(new MetricRecord(checkpoint.Step, checkpoint.EpochPosition, set.Name, cls, name, value));

        if (!_recordSamples) return;
        var signals = SampleSignalsOf(set.Logits, set.Probabilities, data.Labels, _classes);
        Records.Signals.Add(signals with { Step = checkpoint.Step, Epoch = checkpoint.EpochPosition, Split = set.Name });
    }

    /// <summary>Probability of the true class, margin and correctness of every row, from its logits and probabilities.</summary>
    public static SampleSignals SampleSignalsOf(ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, int classes)
    {
        var n = labels.Length;
        var pTrue = new float[n];
        var margin = new float[n];
        var correct = new bool[n];
        for (var i = 0; i < n; i++)
            (pTrue[i], margin[i], correct[i]) = SignalOf(logits.Slice(i * classes, classes), probabilities.Slice(i * classes, classes), labels[i]);
        return new SampleSignals(0, 0, "", pTrue, margin, correct);
    }

    /// <summary>
    /// One sample's signals: the probability of its true class, its margin (true logit minus the largest other) and
    /// whether it is right, deciding correctness from the probabilities exactly as the metrics do (first maximum wins).
    /// </summary>
    public static (float PTrue, float Margin, bool Correct) SignalOf(ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities, int label)
    {
        var otherMax = float.NegativeInfinity;
        var argmax = 0;
        for (var c = 0; c < logits.Length; c++)
        {
            if (probabilities[c] > probabilities[argmax]) argmax = c;
            if (c != label && logits[c] > otherMax) otherMax = logits[c];
        }
        return (probabilities[label], logits[label] - otherMax, argmax == label);
    }

    private sealed class EvaluationSet(string name, EncodedSet data)
    {
        public string Name { get; } = name;
        public EncodedSet Data { get; } = data;
        public float[] Logits { get; } = new float[data.Rows * data.ClassCount];
        public float[] Probabilities { get; } = new float[data.Rows * data.ClassCount];
        public double[] Loss { get; } = new double[data.Rows];
    }
}
