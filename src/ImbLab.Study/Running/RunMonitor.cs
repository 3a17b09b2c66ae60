using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Core.Specs;
using ImbLab.Study.Remedies;

namespace ImbLab.Study.Running;

/// <summary>
/// The probe of one run: at every checkpoint it evaluates the model on the run's training and test rows and
/// records per-class metrics and, when asked, per-sample signals, per-class gradients and representation
/// separability. Buffers are allocated once; the engine calls it on the run's worker thread, so it needs no locking.
/// With a post hoc or validation remedy (<see cref="RemedyEvaluation"/>) every recorded prediction is the adjusted one,
/// the validation split is recorded too, and early stopping ends the run and keeps its records up to the best epoch.
/// </summary>
internal sealed class RunMonitor : ITrainingObserver, IDivergenceObserver, IStoppingObserver
{
    private readonly EvaluationSet[] _sets;
    private readonly int _classes;
    private readonly int _positiveClass;
    private readonly bool _recordSamples;
    private readonly int _finalEpoch;
    private readonly RemedyEvaluation? _remedy;
    private readonly EvaluationSet? _validation;
    private bool _finished;
    private double _bestValidation = double.NegativeInfinity;
    private int _bestEpoch;
    private int _bestStep;
    private readonly Action<RunMonitor> _onFinished;
    private readonly Action? _onEpoch;
    private readonly GradientRecorder? _gradients;
    private readonly RepresentationRecorder? _representations;
    private readonly System.Diagnostics.Stopwatch _clock = new();

    /// <param name="epochs">Epochs the engine trains, a second stage's included (the run finishes at the last one's end).</param>
    /// <param name="stepsPerEpoch">Updates per epoch of the job (its rows may differ from <paramref name="train"/>'s: re-sampled data); from the training rows when null.</param>
    public RunMonitor(string runId, EncodedSet train, EncodedSet test, int positiveClass, bool recordSamples, int epochs, int batchSize,
        Action<RunMonitor> onFinished, Action? onEpoch = null, DiagnosticsSpec? diagnostics = null, MlpShape? shape = null, ulong seed = 0,
        RemedyEvaluation? remedy = null, int? stepsPerEpoch = null, Func<int, int>? stepOfEpoch = null)
    {
        RunId = runId;
        _classes = train.ClassCount;
        _positiveClass = positiveClass;
        _recordSamples = recordSamples;
        _sets = [new EvaluationSet(Splits.Train, train), new EvaluationSet(Splits.Test, test)];
        var perEpoch = stepsPerEpoch ?? (train.Rows + batchSize - 1) / batchSize;
        _finalEpoch = epochs;
        _onFinished = onFinished;
        _onEpoch = onEpoch;
        _remedy = remedy;
        if (remedy?.Validation is { } validation)
        {
            _validation = new EvaluationSet(Splits.Validation, validation);
            _sets = [.. _sets, _validation];
        }
        foreach (var set in _sets) Records.Samples.Add(new SplitSamples(set.Name, set.Data.RowIds, set.Data.Labels));

        if (diagnostics is not null && shape is not null)
        {
            // A second stage (cRT) has its own updates per epoch: the caller says at which step each epoch ends.
            var representationSteps = RepresentationRecorder.Schedule(epochs).Select(e => stepOfEpoch?.Invoke(e) ?? e * perEpoch).ToHashSet();
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
        if (_finished) return;
        if (checkpoint.Step == 0) _clock.Restart();
        var train = _sets[0];
        _remedy?.Prepare(model);
        // The gradient sweep computes the training logits on its way, so the evaluation need not predict them again.
        var trainPredicted = _gradients is not null && _gradients.Record(checkpoint, model, train.Data, train.Logits);
        Evaluate(train, checkpoint, model, predict: !trainPredicted);
        Evaluate(_sets[1], checkpoint, model, predict: true);
        if (_validation is not null) _remedy!.ValidationLogits.CopyTo(_validation.Logits);
        // The training loss can stay finite while the last update sent the weights past what a float holds: the outputs
        // are then not numbers, and every metric of this checkpoint with them. The run diverged with that update.
        if (_sets.Any(set => !AllFinite(set.Logits) || !AllFinite(set.Loss)))
        {
            DivergedAt(checkpoint);
            return;
        }
        if (_validation is not null) RecordValidation(checkpoint);
        _representations?.Record(checkpoint, model);
        if (checkpoint.IsEpochEnd && checkpoint.Step > 0) _onEpoch?.Invoke();
        if (checkpoint.IsEpochEnd && checkpoint.Epoch == _finalEpoch) Finish();
    }

    /// <summary>early-stop: asked after each epoch; stops when the validation balanced accuracy has not improved for the patience.</summary>
    public bool ShouldStop(int epochsDone)
    {
        if (_finished) return true;
        if (_remedy?.Patience is not { } patience || epochsDone - _bestEpoch < patience) return false;
        Finish();
        return true;
    }

    private void Finish()
    {
        _finished = true;
        _clock.Stop();
        // early-stop restores the best epoch: the run's records end there, so its last recorded state is the best weights'.
        if (_remedy?.Patience is not null && _bestEpoch > 0) KeepUpTo(_bestStep);
        _onFinished(this);
    }

    private void KeepUpTo(int step)
    {
        Records.Metrics.RemoveAll(m => m.Step > step);
        Records.Signals.RemoveAll(s => s.Step > step);
        Records.Gradients.RemoveAll(g => g.Step > step);
        Records.Representations.RemoveAll(r => r.Step > step);
        Records.Activations.RemoveAll(a => a.Step > step);
    }

    /// <summary>The validation split's metrics and signals (adjusted as every prediction), threshold's offset, and early-stop's best epoch.</summary>
    private void RecordValidation(in Checkpoint checkpoint)
    {
        var set = _validation!;
        var metrics = Record(set, checkpoint);
        if (_remedy!.Thresholds)
            Records.Metrics.Add(new MetricRecord(checkpoint.Step, checkpoint.EpochPosition, set.Name, null, MetricNames.ThresholdOffset, _remedy.ThresholdOffset));
        // Strictly better only: on a tie the earlier epoch stays the best.
        if (_remedy.Patience is not null && checkpoint.IsEpochEnd && checkpoint.Step > 0 && metrics.BalancedAccuracy > _bestValidation)
        {
            _bestValidation = metrics.BalancedAccuracy;
            _bestEpoch = checkpoint.Epoch;
            _bestStep = checkpoint.Step;
        }
    }

    /// <summary>The run ends here; what was recorded at earlier checkpoints is kept and stored with it.</summary>
    public void OnDiverged(int step, int epoch, double loss)
    {
        if (_finished) return;
        _finished = true;
        _clock.Stop();
        Records.Diverged = new Divergence(step, epoch);
        _onFinished(this);
    }

    /// <summary>
    /// Outputs that are not finite at this checkpoint: the run diverged with the update before it (step S means the
    /// weights after S updates, as the engine counts a diverging step), in the epoch that update belonged to. What this
    /// checkpoint recorded is dropped; earlier checkpoints are kept.
    /// </summary>
    private void DivergedAt(in Checkpoint checkpoint)
    {
        KeepUpTo(checkpoint.Step - 1);
        OnDiverged(checkpoint.Step, checkpoint.IsEpochEnd ? checkpoint.Epoch : checkpoint.Epoch + 1, double.NaN);
    }

    private static bool AllFinite<T>(T[] values) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        foreach (var v in values)
            if (!T.IsFinite(v)) return false;
        return true;
    }

    private void Evaluate(EvaluationSet set, in Checkpoint checkpoint, Mlp model, bool predict)
    {
        var data = set.Data;
        var n = data.Rows;
        if (predict) model.Predict(data.Features, n, set.Logits);
        _remedy?.Adjust(set.Logits, n);
        Record(set, checkpoint);
    }

    private MetricSet Record(EvaluationSet set, in Checkpoint checkpoint)
    {
        var data = set.Data;
        Softmax.FromLogits(set.Logits, _classes, data.Labels, set.Probabilities, set.Loss);
        var metrics = ClassificationMetrics.Compute(set.Probabilities, _classes, data.Labels, _positiveClass, set.Loss);
        foreach (var (cls, name, value) in metrics.ToLong())
            Records.Metrics.Add(new MetricRecord(checkpoint.Step, checkpoint.EpochPosition, set.Name, cls, name, value));

        if (_recordSamples)
        {
            var signals = SampleSignalsOf(set.Logits, set.Probabilities, data.Labels, _classes);
            Records.Signals.Add(signals with { Step = checkpoint.Step, Epoch = checkpoint.EpochPosition, Split = set.Name });
        }
        return metrics;
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
