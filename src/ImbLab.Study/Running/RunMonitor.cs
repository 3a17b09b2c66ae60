using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Study.Store;

namespace ImbLab.Study.Running;

/// <summary>
/// The probe of one run: at every checkpoint it evaluates the model on the run's training and test rows and
/// records per-class metrics and, when asked, per-sample signals. Buffers are allocated once; the engine calls
/// it on the run's worker thread, so it needs no locking.
/// </summary>
internal sealed class RunMonitor : ITrainingObserver
{
    public const string Train = "train";
    public const string Test = "test";

    private readonly EvaluationSet[] _sets;
    private readonly int _classes;
    private readonly int _positiveClass;
    private readonly bool _recordSamples;
    private readonly int _finalStep;
    private readonly Action<RunMonitor> _onFinished;
    private readonly Action? _onEpoch;
    private readonly System.Diagnostics.Stopwatch _clock = new();

    public RunMonitor(string runId, EncodedSet train, EncodedSet test, int positiveClass, bool recordSamples, int epochs, int batchSize,
        Action<RunMonitor> onFinished, Action? onEpoch = null)
    {
        RunId = runId;
        _classes = train.ClassCount;
        _positiveClass = positiveClass;
        _recordSamples = recordSamples;
        _sets = [new EvaluationSet(Train, train), new EvaluationSet(Test, test)];
        var stepsPerEpoch = (train.Rows + batchSize - 1) / batchSize;
        _finalStep = stepsPerEpoch * epochs;
        _onFinished = onFinished;
        _onEpoch = onEpoch;
        foreach (var set in _sets) Records.Samples.Add(new SplitSamples(set.Name, set.Data.RowIds, set.Data.Labels));
    }

    public string RunId { get; }
    public RunRecords Records { get; } = new();
    public double Seconds => _clock.Elapsed.TotalSeconds;

    public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
    {
        if (checkpoint.Step == 0) _clock.Restart();
        foreach (var set in _sets) Evaluate(set, checkpoint, model);
        if (checkpoint.IsEpochEnd && checkpoint.Step > 0) _onEpoch?.Invoke();
        if (checkpoint.IsEpochEnd && checkpoint.Step == _finalStep)
        {
            _clock.Stop();
            _onFinished(this);
        }
    }

    private void Evaluate(EvaluationSet set, in Checkpoint checkpoint, Mlp model)
    {
        var data = set.Data;
        var n = data.Rows;
        model.Predict(data.Features, n, set.Logits);
        Softmax.FromLogits(set.Logits, _classes, data.Labels, set.Probabilities, set.Loss);
        var metrics = ClassificationMetrics.Compute(set.Probabilities, _classes, data.Labels, _positiveClass, set.Loss);
        foreach (var (cls, name, value) in metrics.ToLong())
            Records.Metrics.Add(new MetricRecord(checkpoint.Step, checkpoint.EpochPosition, set.Name, cls, name, value));

        if (!_recordSamples) return;
        var pTrue = new float[n];
        var margin = new float[n];
        var correct = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var y = data.Labels[i];
            var row = set.Logits.AsSpan(i * _classes, _classes);
            var probabilities = set.Probabilities.AsSpan(i * _classes, _classes);
            var otherMax = float.NegativeInfinity;
            var argmax = 0;
            for (var c = 0; c < _classes; c++)
            {
                // Correctness from the probabilities, exactly as the metrics decide it (first maximum wins).
                if (probabilities[c] > probabilities[argmax]) argmax = c;
                if (c != y && row[c] > otherMax) otherMax = row[c];
            }
            pTrue[i] = set.Probabilities[i * _classes + y];
            margin[i] = row[y] - otherMax;
            correct[i] = argmax == y;
        }
        Records.Signals.Add(new SampleSignals(checkpoint.Step, checkpoint.EpochPosition, set.Name, pTrue, margin, correct));
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
