using ImbLab.Analysis;
using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Core.Specs;

namespace ImbLab.Study.Running;

/// <summary>
/// Representation separability at log-spaced epochs (0, 1, 2, 4, ..., and the last): for every hidden layer
/// (after its activation), on train and test, the silhouette per class and its unweighted mean over classes (and
/// scikit-learn's sample mean, in which a 1% minority hardly counts), class-mean distances and cosines, NC1 and CDNV;
/// the encoded input space once, as the dataset's own separability; and the output layer's weight norm and bias
/// per class. Each split is measured on a fixed set of rows: all of them, or above the configured size a
/// stratified subsample that keeps every minority sample (the record says how many rows were used).
/// </summary>
internal sealed class RepresentationRecorder
{
    public const string ModelSplit = "model";

    private readonly RunRecords _records;
    private readonly MlpShape _shape;
    private readonly int _classes;
    private readonly DiagnosticsSpec _diagnostics;
    private readonly IReadOnlySet<int> _steps;
    private readonly Subset[] _subsets;

    public RepresentationRecorder(RunRecords records, MlpShape shape, EncodedSet train, EncodedSet test,
        DiagnosticsSpec diagnostics, IReadOnlySet<int> steps, ulong seed)
    {
        _records = records;
        _shape = shape;
        _classes = train.ClassCount;
        _diagnostics = diagnostics;
        _steps = steps;
        _subsets =
        [
            new Subset(Splits.Train, train, diagnostics.RepresentationRows, Rng.Derive(seed, "representation", 0), shape),
            new Subset(Splits.Test, test, diagnostics.RepresentationRows, Rng.Derive(seed, "representation", 1), shape),
        ];
    }

    /// <summary>Epochs 0, 1, 2, 4, 8, ... up to and including the last.</summary>
    public static IReadOnlyList<int> Schedule(int epochs)
    {
        var list = new List<int> { 0 };
        for (var e = 1; e < epochs; e *= 2) list.Add(e);
        if (epochs > 0) list.Add(epochs);
        return list.Distinct().ToList();
    }

    public void Record(in Checkpoint checkpoint, Mlp model)
    {
        if (!checkpoint.IsEpochEnd || !_steps.Contains(checkpoint.Step)) return;
        var step = checkpoint.Step;
        var epoch = checkpoint.EpochPosition;
        foreach (var s in _subsets)
        {
            if (step == 0) Measure(s, step, epoch, layer: 0, s.Features, _shape.Inputs);
            model.PredictWithHidden(s.Features, s.Rows, s.Logits, s.Hidden);
            for (var l = 0; l < s.Hidden.Length; l++) Measure(s, step, epoch, l + 1, s.Hidden[l], _shape.Hidden[l]);
        }

        var last = model.LayerCount - 1;
        var (norms, biases) = ClassGeometry.Classifier(model.Weights(last), model.Bias(last), _classes, last == 0 ? _shape.Inputs : _shape.Hidden[last - 1]);
        for (var c = 0; c < _classes; c++)
        {
            _records.Representations.Add(new RepresentationRecord(step, epoch, ModelSplit, last + 1, c, null, "weight_norm", norms[c], 0));
            _records.Representations.Add(new RepresentationRecord(step, epoch, ModelSplit, last + 1, c, null, "bias", biases[c], 0));
        }
    }

    private void Measure(Subset s, int step, double epoch, int layer, float[] x, int width)
    {
        var values = x.AsSpan(0, s.Rows * width);
        if (_diagnostics.RecordActivations)
            _records.Activations.Add(new ActivationSnapshot(step, epoch, s.Name, layer, s.RowIds, width, values.ToArray()));
        if (!_diagnostics.Representations) return;

        void Add(int? cls, int? other, string metric, double value) =>
            _records.Representations.Add(new RepresentationRecord(step, epoch, s.Name, layer, cls, other, metric, value, s.Rows));

        // One thread: runs already train in parallel, one per core.
        var silhouette = Silhouette.Summarize(Silhouette.Samples(values, s.Rows, width, s.Labels, _classes, threads: 1), s.Labels, _classes);
        for (var c = 0; c < _classes; c++) Add(c, null, "silhouette", silhouette.PerClassMean[c]);
        Add(null, null, "silhouette_mean", silhouette.UnweightedMean);
        Add(null, null, "silhouette_samples", silhouette.Mean);

        var geometry = ClassGeometry.Compute(values, s.Rows, width, s.Labels, _classes);
        Add(null, null, "nc1", geometry.Nc1);
        for (var c = 0; c < _classes; c++) Add(c, null, "within_variance", geometry.WithinVariance[c]);
        for (var i = 0; i < _classes; i++)
        {
            for (var j = i + 1; j < _classes; j++)
            {
                Add(i, j, "class_mean_distance", geometry.MeanDistance[i, j]);
                Add(i, j, "class_mean_cosine", geometry.MeanCosine[i, j]);
                Add(i, j, "cdnv", geometry.Cdnv[i, j]);
            }
        }
    }

    /// <summary>The fixed rows of one split that every checkpoint measures, gathered once, with activation buffers.</summary>
    private sealed class Subset
    {
        public Subset(string name, EncodedSet data, int maxRows, ulong seed, MlpShape shape)
        {
            Name = name;
            var rows = RepresentationSample.Stratified(data.Labels, data.ClassCount, maxRows, seed);
            Rows = rows.Length;
            Labels = rows.Select(r => data.Labels[r]).ToArray();
            RowIds = rows.Select(r => data.RowIds[r]).ToArray();
            Features = new float[Rows * data.FeatureCount];
            for (var i = 0; i < Rows; i++)
                data.Features.AsSpan(rows[i] * data.FeatureCount, data.FeatureCount).CopyTo(Features.AsSpan(i * data.FeatureCount));
            Logits = new float[Rows * data.ClassCount];
            Hidden = shape.Hidden.Select(w => new float[Rows * w]).ToArray();
        }

        public string Name { get; }
        public int Rows { get; }
        public int[] Labels { get; }
        public int[] RowIds { get; }
        public float[] Features { get; }
        public float[] Logits { get; }
        public float[][] Hidden { get; }
    }
}
