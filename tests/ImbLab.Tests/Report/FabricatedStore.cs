using System.Globalization;
using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Tests.Report;

/// <summary>
/// Writes a store of a given shape directly through StudyStore (no training): smooth made-up learning curves, and on
/// request per-sample signals, gradient and representation probes and findings, so the report can be tested on
/// shapes and tables that the engine does not produce (yet) or would take long to train.
/// </summary>
internal static class FabricatedStore
{
    public sealed record Shape(int Datasets, double[] Irs, int Seeds, int Epochs, string[] Protocols, bool Probes = false, bool Signals = false,
        bool Findings = false, string? DatasetName = null, string[]? ClassNames = null);

    public static string Create(string path, Shape shape)
    {
        using var store = StudyStore.Open(path, create: true);
        var studyId = "fab" + shape.Datasets.ToString(CultureInfo.InvariantCulture);
        store.UpsertStudy(studyId, "{\"name\":\"fabricated <study>\",\"seeds\":" + shape.Seeds.ToString(CultureInfo.InvariantCulture) + ",\"model\":{\"early_epochs\":2}}");
        var rng = new Rng(42);
        for (var d = 0; d < shape.Datasets; d++)
        {
            var name = shape.DatasetName ?? $"dataset{d:D2}";
            var classNames = shape.ClassNames ?? ["negative", "positive"];
            var dataset = new DatasetRow($"{name}-{d:D4}", name, $"/data/{name}.dat", "00", 1000, 8, 8, 0, classNames, [900, 100], "{}");
            store.UpsertDataset(dataset);
            foreach (var protocol in shape.Protocols)
                foreach (var ir in shape.Irs)
                    for (var s = 0; s < shape.Seeds; s++)
                    {
                        var runId = $"{studyId}-{d}-{protocol}-{ir}-{s}";
                        var nMin = (int)Math.Max(2, 400 / ir);
                        store.BeginRun(new RunRow(runId, studyId, dataset.DatasetId, runId, "{}", s, s, protocol, "ir=" + ir.ToString("R", CultureInfo.InvariantCulture), ir,
                            0, 0, 1, [400, nMin], [180, 20], "running", "2026-01-01T00:00:00.000Z", null, null, "0.1.0"));
                        store.CompleteRun(runId, Records(shape, ir, d, s, nMin, rng), 1.5);
                    }
        }
        if (shape.Findings)
        {
            store.ReplaceFindings(studyId,
            [
                new FindingRow(studyId, shape.DatasetName ?? "dataset00", "subsample-minority", "memorisation", "Minority <b>train</b> recall exceeds test recall", "supported", 0.4, 0.3, 0.5, 0.001, 5, "{}"),
                new FindingRow(studyId, shape.DatasetName ?? "dataset00", "fixed-n", "majority-first", "The majority is learned first", "contradicted", -0.1, -0.2, 0.0, 0.2, 5, "{}"),
                new FindingRow(studyId, shape.DatasetName ?? "dataset00", "fixed-n", "balanced-alike", "Balanced classes are learned alike", "inconclusive", double.NaN, double.NaN, double.NaN, double.NaN, 5, "{}"),
                new FindingRow(studyId, shape.DatasetName ?? "dataset00", "subsample-minority", "controls:memorisation", "memorisation under subsample-minority: supported; fixed-n: supported", "supported", 0.4, double.NaN, double.NaN, double.NaN, 5, "{}"),
            ]);
        }
        return studyId;
    }

    private static RunRecords Records(Shape shape, double ir, int dataset, int seed, int nMin, Rng rng)
    {
        var r = new RunRecords();
        var difficulty = Math.Log10(ir) + 0.1 * dataset % 3;
        var checkpoints = new List<double> { 0, 1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2 };
        checkpoints.AddRange(Enumerable.Range(1, shape.Epochs).Select(e => (double)e));
        foreach (var epoch in checkpoints)
        {
            var step = (int)Math.Round(epoch * 32);
            foreach (var split in new[] { "train", "test" })
            {
                var noise = 0.02 * (rng.NextDouble() - 0.5);
                var maj = Math.Min(1, 0.5 + 0.5 * (1 - Math.Exp(-epoch * 3)) + noise);
                var minTrain = Math.Clamp(1 - Math.Exp(-epoch / (1 + 3 * difficulty)) + noise, 0, 1);
                var min = split == "train" ? minTrain : minTrain / (1 + difficulty) + seed * 0.01;
                foreach (var (cls, recall) in new[] { (0, maj), (1, min) })
                {
                    r.Metrics.Add(new MetricRecord(step, epoch, split, cls, "recall", recall));
                    r.Metrics.Add(new MetricRecord(step, epoch, split, cls, "loss", 0.05 + 0.7 * (1 - recall)));
                    r.Metrics.Add(new MetricRecord(step, epoch, split, cls, "precision", Math.Min(1, recall + 0.05)));
                    r.Metrics.Add(new MetricRecord(step, epoch, split, cls, "f1", recall));
                    r.Metrics.Add(new MetricRecord(step, epoch, split, cls, "pred_share", cls == 1 ? 0.1 : 0.9));
                    r.Metrics.Add(new MetricRecord(step, epoch, split, cls, "support", cls == 1 ? nMin : 400));
                }
                r.Metrics.Add(new MetricRecord(step, epoch, split, null, "balanced_accuracy", (maj + min) / 2));
                r.Metrics.Add(new MetricRecord(step, epoch, split, null, "g_mean", Math.Sqrt(maj * min)));
                r.Metrics.Add(new MetricRecord(step, epoch, split, null, "roc_auc", 0.5 + 0.45 * maj));
                r.Metrics.Add(new MetricRecord(step, epoch, split, null, "loss", 0.4));
                r.Metrics.Add(new MetricRecord(step, epoch, split, null, "accuracy", maj));
            }
            if (shape.Probes)
            {
                r.Gradients.Add(new GradientRecord(step, epoch, null, 0, null, "grad_norm", 1 / (1 + epoch)));
                r.Gradients.Add(new GradientRecord(step, epoch, null, 1, null, "grad_norm", 2 / (1 + epoch)));
                r.Gradients.Add(new GradientRecord(step, epoch, 0, 1, null, "grad_norm", 1.5 / (1 + epoch)));
                r.Gradients.Add(new GradientRecord(step, epoch, null, null, null, "grad_norm", 2.5 / (1 + epoch)));
                r.Gradients.Add(new GradientRecord(step, epoch, null, 0, 1, "grad_cosine", -0.5 + 0.05 * epoch));
                r.Gradients.Add(new GradientRecord(step, epoch, null, 0, null, "update_share", 0.8));
                r.Gradients.Add(new GradientRecord(step, epoch, null, 1, null, "update_share", -0.6 + 0.1 * Math.Sin(epoch)));
                foreach (var split in new[] { "train", "test" })
                {
                    r.Representations.Add(new RepresentationRecord(step, epoch, split, 1, 0, null, "silhouette", 0.3, 500));
                    r.Representations.Add(new RepresentationRecord(step, epoch, split, 1, 1, null, "silhouette", split == "train" ? 0.2 : -0.1, 500));
                    r.Representations.Add(new RepresentationRecord(step, epoch, split, 1, null, null, "silhouette_mean", 0.1, 500));
                    r.Representations.Add(new RepresentationRecord(step, epoch, split, 1, null, null, "nc1", 2 / (1 + epoch), 500));
                    r.Representations.Add(new RepresentationRecord(step, epoch, split, 1, 0, 1, "cdnv", 1 / (1 + epoch), 500));
                }
                r.Representations.Add(new RepresentationRecord(step, epoch, "train", 2, 0, null, "weight_norm", 1 + 0.1 * epoch, 500));
                r.Representations.Add(new RepresentationRecord(step, epoch, "train", 2, 1, null, "weight_norm", 1 + 0.02 * epoch, 500));
            }
        }
        if (shape.Signals)
        {
            var n = 400 + nMin;
            var labels = Enumerable.Range(0, n).Select(i => i < 400 ? 0 : 1).ToArray();
            r.Samples.Add(new SplitSamples("train", Enumerable.Range(0, n).ToArray(), labels));
            for (var e = 1; e <= shape.Epochs; e++)
            {
                var p = labels.Select((l, i) => (float)Math.Clamp(l == 0 ? 0.6 + 0.4 * rng.NextDouble() : (e / (double)shape.Epochs) * rng.NextDouble() * 1.5, 0, 1)).ToArray();
                r.Signals.Add(new SampleSignals(e * 32, e, "train", p, p, p.Select(x => x > 0.5f).ToArray()));
            }
        }
        return r;
    }
}
