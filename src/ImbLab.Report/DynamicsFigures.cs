using System.Globalization;
using ImbLab.Analysis.Dynamics;
using ImbLab.Analysis.Findings;

namespace ImbLab.Report;

/// <summary>Per-sample dynamics of one run per extreme condition: data map, learned epoch and forgetting events per class.</summary>
internal static class DynamicsFigures
{
    private const int MaxPoints = 150;

    /// <summary>The conditions shown in detail for per-sample and probe sections: each protocol's lowest and highest IR.</summary>
    public static IEnumerable<RunGroup> Extremes(IEnumerable<RunGroup> groups) =>
        groups.GroupBy(g => g.Protocol).SelectMany(p => new[] { p.MinBy(g => g.Ir)!, p.MaxBy(g => g.Ir)! }.Distinct());

    public static IReadOnlyList<FigureGroup> Of(List<RunGroup> groups, string slug)
    {
        var result = new List<FigureGroup>();
        foreach (var g in Extremes(groups))
        {
            var run = g.Runs[0];
            // Epoch-end signals as the findings read them: the training presentations when the run recorded its
            // dynamics from them (--dynamics-from training); epoch 0 counts for the learned epoch and forgetting.
            if (!SplitSignals.Load(run, dynamics: true).TryGetValue(RunMeasures.Train, out var train) || !train.Epochs.Any(e => e >= 1)) continue;
            var dynamics = SampleDynamicsCalculator.Compute(train.Correct, train.PTrue, train.Margin, train.Epochs);
            var rows = dynamics.Select((d, i) => (Label: train.Labels[i], d.Confidence, d.Variability, d.LearnedEpoch, d.ForgettingEvents)).ToArray();
            var classes = rows.Select(r => r.Label).Distinct().OrderBy(c => g.Role(c) == ClassRole.Minority ? 0 : 1).ToList();
            var who = $"{g.Protocol}, {g.LevelLabel}, seed {run.Run.Seed.ToString(CultureInfo.InvariantCulture)}";
            var file = $"{slug}-{ReportModel.Slug(g.Protocol)}-{ReportModel.Slug(g.Level)}";

            var points = classes.Select(c =>
            {
                var of = rows.Where(r => r.Label == c).ToArray();
                var stride = Math.Max(1, (of.Length + MaxPoints - 1) / MaxPoints);
                var kept = of.Where((_, i) => i % stride == 0).ToArray();
                return new PointSeries($"{g.ClassLabel(c)} (n={of.Length.ToString(CultureInfo.InvariantCulture)})", Palette.ForRole(g.Role(c)),
                    kept.Select(r => r.Variability).ToArray(), kept.Select(r => r.Confidence).ToArray());
            }).ToList();
            var xMax = Math.Max(0.1, Math.Ceiling(rows.Max(r => r.Variability) * 10) / 10);
            var map = new ScatterChart("Data map", Scales.Ticked("variability (sd of p_true over epochs)", 0, xMax),
                Scales.Ticked("confidence (mean p_true)", 0, 1), points);
            var last = train.Epochs[^1];
            var figures = new List<FigureModel>
            {
                FigureModel.Of($"{file}-datamap", $"{who}: data map of the training samples, epochs 1..{last.ToString(CultureInfo.InvariantCulture)} (at most {MaxPoints} points per class, evenly picked)", map),
            };

            var binWidth = Math.Max(1, (int)Math.Ceiling(last / 10.0));
            var bins = Enumerable.Range(0, (last + binWidth - 1) / binWidth).Select(b => (Lo: b * binWidth + 1, Hi: Math.Min(last, (b + 1) * binWidth))).ToList();
            // Learned epoch 0 = right before training and ever after: its own bar, only when epoch 0 was recorded.
            if (train.Epochs[0] == 0) bins.Insert(0, (0, 0));
            // A bin is labelled by its first epoch ("1-10" labels ran into each other); the axis label says how wide bins are.
            var learnedCategories = bins.Select(b => b.Lo.ToString(CultureInfo.InvariantCulture)).Append("never").ToList();
            var learnedAxis = binWidth == 1 ? "epoch from which the sample stays correct"
                : $"epoch it stays correct from (bins of {binWidth.ToString(CultureInfo.InvariantCulture)})";
            var learned = classes.Select(c =>
            {
                var of = rows.Where(r => r.Label == c).ToArray();
                var values = bins.Select(b => 100.0 * of.Count(r => r.LearnedEpoch >= b.Lo && r.LearnedEpoch <= b.Hi) / of.Length)
                    .Append(100.0 * of.Count(r => r.LearnedEpoch is null) / of.Length).ToArray();
                return new BarSeries(g.ClassLabel(c), Palette.ForRole(g.Role(c)), values);
            }).ToList();
            figures.Add(FigureModel.Of($"{file}-learned", $"{who}: learned epoch per class (never = wrong at the last epoch)",
                Bars("Learned epoch", learnedAxis, learnedCategories, learned)));

            string[] forgettingCategories = ["0", "1", "2", "3", "4", "5+"];
            var forgetting = classes.Select(c =>
            {
                var of = rows.Where(r => r.Label == c).ToArray();
                var values = Enumerable.Range(0, 6).Select(k => 100.0 * of.Count(r => k < 5 ? r.ForgettingEvents == k : r.ForgettingEvents >= 5) / of.Length).ToArray();
                return new BarSeries(g.ClassLabel(c), Palette.ForRole(g.Role(c)), values);
            }).ToList();
            figures.Add(FigureModel.Of($"{file}-forgetting", $"{who}: forgetting events per class (correct at one epoch end, wrong at the next)",
                Bars("Forgetting events", "forgetting events (correct, then wrong)", forgettingCategories, forgetting)));
            result.Add(new FigureGroup(who, new FigureGrid(figures)));
        }
        return result;
    }

    /// <summary>Shares of a class in % per category: the y axis starts at 0 and covers the tallest bar.</summary>
    private static BarChart Bars(string title, string xLabel, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series)
    {
        var top = Scales.Extent(series.SelectMany(s => s.Values)).Max;
        var x = new Axis(xLabel, -0.5, categories.Count - 0.5, categories.Select((c, i) => new Tick(i, c)).ToList());
        return new BarChart(title, x, Scales.Ticked("share of the class (%)", 0, double.IsNaN(top) || top <= 0 ? 100 : top * 1.05), categories, series);
    }
}
