using System.Globalization;
using System.Text;
using ImbLab.Analysis.Dynamics;
using ImbLab.Core;
using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Report;

internal sealed partial class ReportComposer
{
    private void DatasetSection(DatasetRow d, string anchor, int index)
    {
        var groups = study.Groups.Where(g => g.Dataset.DatasetId == d.DatasetId).ToList();
        var slug = $"d{index.ToString(Inv)}-{Slug(d.Name)}";
        _html.Append($"<section class=\"dataset\" id=\"{anchor}\"><h2>{Html.E(d.Name)}</h2>")
            .Append($"<p class=\"sub\">{Html.E(d.Source)} · {d.Rows.ToString(Inv)} rows · {d.Attributes.ToString(Inv)} attributes · IR {Html.Num(d.ClassCounts.ImbalanceRatio(), "0.##")} · {groups.Sum(g => g.Runs.Count).ToString(Inv)} runs</p>");

        var metrics = groups.ToDictionary(g => g, g => new GroupMetrics(study, g));
        _html.Append("<h3>Learning curves</h3><p class=\"caption\">Per class, mean over the runs of each condition, band = min-max over runs; ")
            .Append("solid = training part, dashed = test set. The first-epochs panels show the log-spaced checkpoints inside the first epochs on a log epoch axis.</p>");
        foreach (var protocol in groups.GroupBy(g => g.Protocol))
        {
            _html.Append($"<h4>{Html.E(protocol.Key)}</h4>");
            foreach (var metric in DefaultMetrics)
            {
                _html.Append("<div class=\"grid\">");
                foreach (var g in protocol) _html.Append(CurvePanel(g, metrics[g], metric, early: false, slug));
                _html.Append("</div>");
            }
            var panes = new List<(string, string)>
            {
                ("first epochs: recall", string.Concat(protocol.Select(g => CurvePanel(g, metrics[g], "recall", early: true, slug)))),
                ("first epochs: loss", string.Concat(protocol.Select(g => CurvePanel(g, metrics[g], "loss", early: true, slug)))),
            };
            foreach (var other in protocol.SelectMany(g => metrics[g].MetricNames(perClass: true)).Distinct().Where(m => !DefaultMetrics.Contains(m) && m != "support").Order())
                panes.Add((other, string.Concat(protocol.Select(g => CurvePanel(g, metrics[g], other, early: false, slug)))));
            ReportPage.Tabs(_html, $"{anchor}-{Slug(protocol.Key)}", panes);
        }

        Sweeps(groups, metrics, slug);
        Dynamics(groups, slug);
        Probes(groups, slug);
        _html.Append("</section>");
    }

    private string CurvePanel(RunGroup g, GroupMetrics m, string metric, bool early, string slug)
    {
        var classes = m.Runs("train", g.Minority, metric).Count > 0 || m.Runs("test", g.Minority, metric).Count > 0
            ? Enumerable.Range(0, g.Dataset.ClassNames.Count).OrderBy(c => g.Role(c) == ClassRole.Minority ? 0 : 1).ToList()
            : [];
        var series = new List<LineSeries>();
        foreach (var c in classes)
            foreach (var split in new[] { "train", "test" })
            {
                Func<double, bool> keep = early ? e => e > 0 && e <= Math.Max(1, study.EarlyEpochs) : e => e == Math.Floor(e);
                var curve = m.Summarise(split, c, metric, keep, early ? 30 : MaxCurvePoints);
                if (curve is null) continue;
                var role = g.Role(c) == ClassRole.Minority ? "min" : "maj";
                series.Add(new LineSeries($"{role} {g.ClassName(c)} {split}", Palette.ForRole(g.Role(c)), split == "test", curve.Epochs, curve.Mean, curve.Low, curve.High));
            }
        if (series.Count == 0) return "";
        var bounded = metric is "recall" or "precision" or "f1" or "pred_share";
        var chart = new LineChart($"{g.LevelLabel}{(early ? ", first epochs" : "")}", early ? "epoch (log scale)" : "epoch", $"{metric}{(metric == "loss" ? " (cross-entropy, nats)" : "")}",
            series, LogX: early, YMin: bounded ? -0.02 : null, YMax: bounded ? 1.02 : null);
        var caption = $"{g.Protocol}, {g.LevelLabel}: per-class {metric}{(early ? " in the first epochs" : "")}, mean and min-max band over {g.Runs.Count} runs";
        return Figure($"{slug}-{Slug(g.Protocol)}-{Slug(g.Level)}-{metric}{(early ? "-early" : "")}", svg => Charts.Lines(chart, svg), caption);
    }

    private static readonly (string Key, string Title, string YLabel)[] SweepMeasures =
    [
        ("onset", "Onset of minority learning", "onset epoch (epochs)"),
        ("train_recall", "Final minority recall, training part", "recall"),
        ("test_recall", "Final minority recall, test set", "recall"),
        ("gap", "Minority train-test recall gap", "train - test recall"),
        ("balanced_accuracy", "Final balanced accuracy, test set", "balanced accuracy"),
        ("g_mean", "Final G-mean, test set", "G-mean"),
        ("roc_auc", "Final ROC AUC, test set", "ROC AUC"),
    ];

    /// <summary>Per run: the sweep measures at the end of training, and the onset epoch (NaN when never reached).</summary>
    private static Dictionary<string, double> RunMeasures(RunGroup g, SortedList<double, double>? trainMin, SortedList<double, double>? testMin, Func<string, double> final)
    {
        static double Last(SortedList<double, double>? s) => s is { Count: > 0 } ? s.Values[^1] : double.NaN;
        var onset = double.NaN;
        if (trainMin is not null)
        {
            var ends = trainMin.Where(kv => kv.Key == Math.Floor(kv.Key)).ToList();
            for (var i = ends.Count - 1; i >= 0 && ends[i].Value >= 0.5; i--) onset = ends[i].Key;
        }
        var train = Last(trainMin);
        var test = Last(testMin);
        return new Dictionary<string, double>
        {
            ["onset"] = onset,
            ["train_recall"] = train,
            ["test_recall"] = test,
            ["gap"] = train - test,
            ["balanced_accuracy"] = final("balanced_accuracy"),
            ["g_mean"] = final("g_mean"),
            ["roc_auc"] = final("roc_auc"),
        };
    }

    private void Sweeps(List<RunGroup> groups, Dictionary<RunGroup, GroupMetrics> metrics, string slug)
    {
        var perGroup = new Dictionary<RunGroup, Dictionary<string, Summary>>();
        foreach (var g in groups)
        {
            var m = metrics[g];
            var trainRuns = m.Runs("train", g.Minority, "recall");
            var testRuns = m.Runs("test", g.Minority, "recall");
            var runs = Enumerable.Range(0, g.Runs.Count).Select(i => RunMeasures(g,
                i < trainRuns.Count ? trainRuns[i] : null, i < testRuns.Count ? testRuns[i] : null,
                name => m.Runs("test", null, name) is { } l && i < l.Count && l[i].Count > 0 ? l[i].Values[^1] : double.NaN)).ToList();
            perGroup[g] = SweepMeasures.ToDictionary(s => s.Key, s => ReportStats.MeanRange(runs.Select(r => r[s.Key])));
            var key = (g.Protocol, g.Level);
            if (!_acrossDatasets.TryGetValue(key, out var byDataset)) _acrossDatasets[key] = byDataset = new Dictionary<string, double>(StringComparer.Ordinal);
            byDataset[g.Dataset.DatasetId] = perGroup[g]["test_recall"].Mean;
        }
        var logX = groups.All(g => g.Ir > 0) && groups.Select(g => g.Ir).Distinct().Count() > 1;
        _html.Append("<h3>Imbalance sweeps</h3><p class=\"caption\">At the end of training, mean and min-max band over runs, against the requested IR")
            .Append(logX ? " (log axis)" : "").Append(", one line per protocol. Onset = the first epoch from which the minority's training recall stays ≥ 0.5 (runs that never get there are left out of the mean).</p><div class=\"grid\">");
        foreach (var (key, title, yLabel) in SweepMeasures)
        {
            var series = groups.GroupBy(g => g.Protocol).Select((p, k) => new LineSeries(p.Key, Palette.ForSeries(k), false,
                p.Select(g => g.Ir).ToArray(), p.Select(g => perGroup[g][key].Mean).ToArray(),
                p.Select(g => perGroup[g][key].Low).ToArray(), p.Select(g => perGroup[g][key].High).ToArray(), Markers: true)).ToList();
            if (series.All(s => s.Y.All(double.IsNaN))) continue;
            var bounded = key is not ("onset" or "gap");
            var chart = new LineChart(title, logX ? "imbalance ratio (majority/minority, log scale)" : "imbalance ratio (majority/minority)", yLabel, series, logX,
                bounded ? -0.02 : null, bounded ? 1.02 : null);
            _html.Append(Figure($"{slug}-sweep-{key}", svg => Charts.Lines(chart, svg), $"{title} against IR, per protocol"));
        }
        _html.Append("</div>");
    }

    /// <summary>The conditions shown in detail for per-sample and probe sections: each protocol's lowest and highest IR.</summary>
    private static IEnumerable<RunGroup> Extremes(IEnumerable<RunGroup> groups) =>
        groups.GroupBy(g => g.Protocol).SelectMany(p => new[] { p.MinBy(g => g.Ir)!, p.MaxBy(g => g.Ir)! }.Distinct());

    private void Dynamics(List<RunGroup> groups, string slug)
    {
        var section = new StringBuilder();
        foreach (var g in Extremes(groups))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = g.Runs[0];
            // The training presentations when the run recorded them for its dynamics (--dynamics-from training), as the findings do.
            var all = study.Samples.Samples(run.RunId);
            var split = RunView.UsesTrainingDynamics(run) && all.Any(s => s.Split == "train_presented") ? "train_presented" : "train";
            var samples = all.FirstOrDefault(s => s.Split == split);
            if (samples is null) continue;
            // One checkpoint per epoch end, epoch 0 included (the latest step at an epoch wins), as the findings read
            // them: the learned epoch and forgetting count from before training; the data map still averages 1..E.
            var ends = study.Samples.Signals(run.RunId).Where(s => s.Split == split && RunView.IsEpochEnd(s.Epoch))
                .GroupBy(s => (int)Math.Round(s.Epoch)).Select(e => (Epoch: e.Key, Signals: e.MaxBy(s => s.Step)!)).OrderBy(e => e.Epoch).ToList();
            if (!ends.Any(e => e.Epoch >= 1) || ends.Any(e => e.Signals.Correct.Length != samples.Labels.Length)) continue;
            var dynamics = SampleDynamicsCalculator.Compute(ends.Select(e => e.Signals.Correct).ToList(), ends.Select(e => e.Signals.TrueClassProbability).ToList(),
                ends.Select(e => e.Signals.Margin).ToList(), ends.Select(e => e.Epoch).ToList());
            var rows = dynamics.Select((d, i) => (Label: samples.Labels[i], d.Confidence, d.Variability, d.LearnedEpoch, d.ForgettingEvents)).ToArray();
            var classes = rows.Select(r => r.Label).Distinct().OrderBy(c => g.Role(c) == ClassRole.Minority ? 0 : 1).ToList();
            var who = $"{g.Protocol}, {g.LevelLabel}, seed {run.Seed.ToString(Inv)}";
            section.Append($"<h4>{Html.E(who)}</h4><div class=\"grid\">");

            const int maxPoints = 150;
            var points = classes.Select(c =>
            {
                var of = rows.Where(r => r.Label == c).ToArray();
                var stride = Math.Max(1, (of.Length + maxPoints - 1) / maxPoints);
                var kept = of.Where((_, i) => i % stride == 0).ToArray();
                return new PointSeries($"{(g.Role(c) == ClassRole.Minority ? "min" : "maj")} {g.ClassName(c)} (n={of.Length.ToString(Inv)})",
                    Palette.ForRole(g.Role(c)), kept.Select(r => r.Variability).ToArray(), kept.Select(r => r.Confidence).ToArray());
            }).ToList();
            var xMax = Math.Max(0.1, Math.Ceiling(rows.Max(r => r.Variability) * 10) / 10);
            var map = new ScatterChart("Data map", "variability (sd of p_true over epochs)", "confidence (mean p_true)", points, xMax);
            section.Append(Figure($"{slug}-{Slug(g.Protocol)}-{Slug(g.Level)}-datamap", svg => Charts.Scatter(map, svg),
                $"{who}: data map of the training samples, epochs 1..{ends[^1].Epoch.ToString(Inv)} (at most {maxPoints} points per class, evenly picked)"));

            var epochs = ends[^1].Epoch;
            var binWidth = Math.Max(1, (int)Math.Ceiling(epochs / 10.0));
            var bins = Enumerable.Range(0, (epochs + binWidth - 1) / binWidth).Select(b => (Lo: b * binWidth + 1, Hi: Math.Min(epochs, (b + 1) * binWidth))).ToList();
            // Learned epoch 0 = right before training and ever after: its own bar, only when epoch 0 was recorded.
            if (ends[0].Epoch == 0) bins.Insert(0, (0, 0));
            var learnedCategories = bins.Select(b => b.Lo == b.Hi ? b.Lo.ToString(Inv) : $"{b.Lo.ToString(Inv)}-{b.Hi.ToString(Inv)}").Append("never").ToList();
            var learned = new BarChart("Learned epoch", "epoch from which the sample stays correct", "share of the class (%)", learnedCategories,
                classes.Select(c =>
                {
                    var of = rows.Where(r => r.Label == c).ToArray();
                    var values = bins.Select(b => 100.0 * of.Count(r => r.LearnedEpoch >= b.Lo && r.LearnedEpoch <= b.Hi) / of.Length)
                        .Append(100.0 * of.Count(r => r.LearnedEpoch is null) / of.Length).ToArray();
                    return new BarSeries($"{(g.Role(c) == ClassRole.Minority ? "min" : "maj")} {g.ClassName(c)}", Palette.ForRole(g.Role(c)), values);
                }).ToList());
            section.Append(Figure($"{slug}-{Slug(g.Protocol)}-{Slug(g.Level)}-learned", svg => Charts.Bars(learned, svg), $"{who}: learned epoch per class (never = wrong at the last epoch)"));

            string[] forgettingCategories = ["0", "1", "2", "3", "4", "5+"];
            var forgetting = new BarChart("Forgetting events", "forgetting events (correct, then wrong at the next epoch)", "share of the class (%)", forgettingCategories,
                classes.Select(c =>
                {
                    var of = rows.Where(r => r.Label == c).ToArray();
                    var values = Enumerable.Range(0, 6).Select(k => 100.0 * of.Count(r => k < 5 ? r.ForgettingEvents == k : r.ForgettingEvents >= 5) / of.Length).ToArray();
                    return new BarSeries($"{(g.Role(c) == ClassRole.Minority ? "min" : "maj")} {g.ClassName(c)}", Palette.ForRole(g.Role(c)), values);
                }).ToList());
            section.Append(Figure($"{slug}-{Slug(g.Protocol)}-{Slug(g.Level)}-forgetting", svg => Charts.Bars(forgetting, svg), $"{who}: forgetting events per class"));
            section.Append("</div>");
        }
        if (section.Length == 0) return;
        _html.Append("<h3>Per-sample dynamics</h3><p class=\"caption\">From the per-sample signals at the epoch ends of one run (the first seed) at each protocol's lowest and highest IR: ")
            .Append("data maps (Swayamdipta et al. 2020: confidence and variability of p_true over epochs 1..E), the learned epoch and forgetting events (Toneva et al. 2019) per class, ")
            .Append("counted from epoch 0 when it was recorded (learned at 0 = right before training and at every epoch end after).</p>").Append(section);
    }
}
