using System.Globalization;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Tests.Findings;

/// <summary>
/// Hand-made remedy studies: per remedy, made-up per-epoch curves chosen so each verdict comes out on purpose. Class 0
/// is the majority (400 training rows), class 1 the minority (400/IR); 20 epochs; 20 minority test rows.
/// </summary>
internal static class RemedyStudies
{
    public const int Epochs = 20;

    /// <summary>How a remedy shapes a run: the minority's train recall curve, its last-epoch test recall, the test AUC and the early update share.</summary>
    public sealed record Effect(Func<double, int, int, double> TrainMinority, Func<double, int, double, double> TestMinority, Func<double, int, double> Auc,
        Func<int, double>? UpdateShare);

    private static double Noise(int seed) => 0.02 * (seed % 3) - 0.02;

    /// <summary>Plain training: the minority starts near 0 and is learned late, the later the larger the IR; it generalises less with IR.</summary>
    public static readonly Effect None = new(
        (ir, s, e) => e == 0 ? 0 : Math.Clamp(0.1 + Noise(s) + (e - ir / 10) * 0.1, 0, 1),
        (ir, s, train) => train * (1 - 0.03 * ir) - 0.01 * s,
        (ir, s) => 0.85 - 0.004 * ir + 0.01 * s,
        s => 0.05 + 0.01 * s);

    /// <summary>A remedy that helps everywhere: early minority recall, a smaller gap, better scores, a larger update share.</summary>
    public static readonly Effect Helps = new(
        (ir, s, e) => e == 0 ? 0 : Math.Clamp(0.7 + Noise(s) + e * 0.05, 0, 1),
        (ir, s, train) => train * (1 - 0.01 * ir) - 0.01 * s + 0.003 * (s % 2),
        (ir, s) => 0.9 - 0.002 * ir + 0.01 * s + 0.002 * (s % 2),
        s => 0.4 + 0.012 * s);

    /// <summary>A remedy that changes nothing but by a hair (so its intervals are narrow around 0).</summary>
    public static readonly Effect Hair = new(
        (ir, s, e) => e == 0 ? 0 : Math.Clamp(None.TrainMinority(ir, s, e) + 0.001 * (s % 2), 0, 1),
        (ir, s, train) => None.TestMinority(ir, s, train) + 0.001 * (s % 2),
        (ir, s) => None.Auc(ir, s) + 0.001 * (s % 2),
        s => None.UpdateShare!(s) + 0.001 * (s % 2));

    public static RunRecords Records(Effect effect, double ir, int seed)
    {
        var r = new RunRecords();
        for (var e = 0; e <= Epochs; e++)
        {
            var trainMin = effect.TrainMinority(ir, seed, e);
            var trainMaj = e == 0 ? 1 : 0.95 + 0.01 * seed;
            var testMin = e == Epochs ? Math.Clamp(effect.TestMinority(ir, seed, trainMin), 0, 1) : trainMin * 0.8;
            var testMaj = 0.94 + 0.01 * seed;
            r.Metrics.Add(new MetricRecord(e * 10, e, "train", 1, "recall", trainMin));
            r.Metrics.Add(new MetricRecord(e * 10, e, "train", 0, "recall", trainMaj));
            r.Metrics.Add(new MetricRecord(e * 10, e, "test", 1, "recall", testMin));
            r.Metrics.Add(new MetricRecord(e * 10, e, "test", 0, "recall", testMaj));
            r.Metrics.Add(new MetricRecord(e * 10, e, "test", null, "balanced_accuracy", (testMin + testMaj) / 2));
            r.Metrics.Add(new MetricRecord(e * 10, e, "test", null, "g_mean", Math.Sqrt(testMin * testMaj)));
            r.Metrics.Add(new MetricRecord(e * 10, e, "test", null, "roc_auc", effect.Auc(ir, seed)));
        }
        if (effect.UpdateShare is { } share)
        {
            // Early checkpoints (inside epoch 1, and epoch 1 and 2 ends) and a late one that the early window must ignore.
            foreach (var (step, epoch) in new[] { (1, 0.1), (2, 0.2), (10, 1.0), (20, 2.0), (100, 10.0) })
            {
                r.Gradients.Add(new GradientRecord(step, epoch, null, 1, null, "update_share", epoch > 5 ? -0.9 : share(seed)));
                r.Gradients.Add(new GradientRecord(step, epoch, null, 0, null, "update_share", epoch > 5 ? 0.9 : 1 - share(seed)));
            }
            r.Gradients.Add(new GradientRecord(0, 0, null, 1, null, "update_share", double.NaN));
        }
        return r;
    }

    public static RunRow Row(string studyId, string datasetId, string protocol, string remedy, double ir, int seed, int minorityTest = 20)
    {
        var level = "ir=" + ir.ToString("R", CultureInfo.InvariantCulture);
        var id = $"{studyId}-{datasetId}-{protocol}-{remedy}-{level}-{seed}";
        var nMin = (int)Math.Max(2, 400 / ir);
        return new RunRow(id, studyId, datasetId, id, "{}", seed, seed, protocol, level, ir, 0, 0, 1, [400, nMin], [200, minorityTest],
            "running", "2026-01-01T00:00:00.000Z", null, null, "0.1.0") { Remedy = remedy };
    }

    /// <summary>A study of the given datasets x remedies x IRs x seeds, written to a store (study id "s1").</summary>
    public static string Write(string path, int datasets, (string Name, Effect Effect)[] remedies, double[] irs, int seeds, int minorityTest = 20,
        string studyId = "s1", string protocol = "subsample-minority", string datasetPrefix = "toy")
    {
        using var store = StudyStore.Open(path, create: true);
        store.UpsertStudy(studyId, "{\"name\":\"remedies\"}");
        for (var d = 0; d < datasets; d++)
        {
            var datasetId = $"{datasetPrefix}{d}";
            store.UpsertDataset(new DatasetRow(datasetId, datasetId, datasetId + ".dat", "fp" + d, 2000, 4, 4, 0, ["neg", "pos"], [1500, 500], "{}"));
            foreach (var (name, effect) in remedies)
                foreach (var ir in irs)
                    for (var s = 0; s < seeds; s++)
                    {
                        var row = Row(studyId, datasetId, protocol, name, ir, s, minorityTest);
                        store.BeginRun(row);
                        // Datasets differ a little, so ranks and changes are not all tied.
                        store.CompleteRun(row.RunId, Records(Shifted(effect, 0.01 * d), ir, s), 1);
                    }
        }
        return path;
    }

    /// <summary>Dataset d's version of a remedy: test minority recall scaled by (1 - by), AUC raised by by, so changes differ by dataset.</summary>
    private static Effect Shifted(Effect e, double by) => by == 0 ? e : e with
    {
        TestMinority = (ir, s, train) => e.TestMinority(ir, s, train) * (1 - by),
        Auc = (ir, s) => e.Auc(ir, s) + by,
    };
}
