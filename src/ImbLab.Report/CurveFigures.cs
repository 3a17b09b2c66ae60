namespace ImbLab.Report;

/// <summary>Learning curves per class: recall and loss per condition, the first epochs and the other metrics behind tabs.</summary>
internal static class CurveFigures
{
    private const int MaxCurvePoints = 40;
    private const int MaxEarlyPoints = 30;
    private static readonly string[] DefaultMetrics = ["recall", "loss"];

    public static IReadOnlyList<ProtocolCurves> Of(ReportInputs inputs, List<RunGroup> groups, string anchor, string slug)
    {
        var result = new List<ProtocolCurves>();
        foreach (var protocol in groups.GroupBy(g => g.Protocol))
        {
            var metrics = protocol.ToDictionary(g => g, g => new GroupMetrics(g));
            var grids = DefaultMetrics.Select(metric => new FigureGrid(Panels(protocol, metrics, metric, early: false, inputs.EarlyEpochs, slug))).ToList();
            var tabs = new List<TabPane>
            {
                new("first epochs: recall", Panels(protocol, metrics, "recall", early: true, inputs.EarlyEpochs, slug)),
                new("first epochs: loss", Panels(protocol, metrics, "loss", early: true, inputs.EarlyEpochs, slug)),
            };
            foreach (var other in metrics.Values.SelectMany(m => m.MetricNames(perClass: true)).Distinct().Where(m => !DefaultMetrics.Contains(m) && m != "support").Order())
                tabs.Add(new TabPane(other, Panels(protocol, metrics, other, early: false, inputs.EarlyEpochs, slug)));
            result.Add(new ProtocolCurves(protocol.Key, $"{anchor}-{ReportModel.Slug(protocol.Key)}", grids, tabs));
        }
        return result;
    }

    private static List<FigureModel> Panels(IEnumerable<RunGroup> groups, Dictionary<RunGroup, GroupMetrics> metrics, string metric, bool early, int earlyEpochs, string slug) =>
        groups.Select(g => Panel(g, metrics[g], metric, early, earlyEpochs, slug)).OfType<FigureModel>().ToList();

    private static FigureModel? Panel(RunGroup g, GroupMetrics m, string metric, bool early, int earlyEpochs, string slug)
    {
        if (!m.Has("train", g.Minority, metric) && !m.Has("test", g.Minority, metric)) return null;
        Func<double, bool> keep = early ? e => e > 0 && e <= Math.Max(1, earlyEpochs) : e => e == Math.Floor(e);
        var series = new List<LineSeries>();
        foreach (var c in g.Classes)
            foreach (var split in new[] { "train", "test" })
            {
                var curve = m.Summarise(split, c, metric, keep, early ? MaxEarlyPoints : MaxCurvePoints);
                if (curve is null) continue;
                series.Add(new LineSeries($"{g.ClassLabel(c)} {split}", Palette.ForRole(g.Role(c)), split == "test", curve.Epochs, curve.Mean, curve.Low, curve.High));
            }
        if (series.Count == 0) return null;
        var bounded = metric is "recall" or "precision" or "f1" or "pred_share";
        var yLabel = $"{metric}{(metric == "loss" ? " (cross-entropy, nats)" : "")}";
        var xs = series.SelectMany(s => s.X);
        var chart = new LineChart($"{g.LevelLabel}{(early ? ", first epochs" : "")}",
            early ? Scales.LogLevels("epoch (log scale)", xs) : Scales.Linear("epoch", xs),
            bounded ? Scales.Bounded(yLabel, 0, 1) : Scales.Linear(yLabel, Scales.Values(series)), series);
        var caption = $"{g.Protocol}, {g.LevelLabel}: per-class {metric}{(early ? " in the first epochs" : "")}, mean and min-max band over {g.Runs.Count} runs";
        return new FigureModel($"{slug}-{ReportModel.Slug(g.Protocol)}-{ReportModel.Slug(g.Level)}-{metric}{(early ? "-early" : "")}", caption, chart);
    }
}
