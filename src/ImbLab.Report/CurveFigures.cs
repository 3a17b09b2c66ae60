namespace ImbLab.Report;

/// <summary>
/// Learning curves per class over the whole run on a log epoch axis from 0 (the early checkpoints inside the first
/// epochs included): recall and loss per condition, the other per-class metrics behind tabs.
/// </summary>
internal static class CurveFigures
{
    private const int MaxCurvePoints = 60;
    private static readonly string[] DefaultMetrics = ["recall", "loss"];

    public static IReadOnlyList<ProtocolCurves> Of(List<RunGroup> groups, string anchor, string slug)
    {
        var result = new List<ProtocolCurves>();
        foreach (var protocol in groups.GroupBy(g => g.Protocol))
        {
            var metrics = protocol.ToDictionary(g => g, g => new GroupMetrics(g));
            var grids = DefaultMetrics.Select(metric => new FigureGrid(Panels(protocol, metrics, metric, slug))).Where(g => g.Figures.Count > 0).ToList();
            var tabs = metrics.Values.SelectMany(m => m.MetricNames(perClass: true)).Distinct().Where(m => !DefaultMetrics.Contains(m) && m != "support").Order()
                .Select(other => new TabPane(other, new FigureGrid(Panels(protocol, metrics, other, slug)))).Where(t => t.Grid.Figures.Count > 0).ToList();
            result.Add(new ProtocolCurves(protocol.Key, $"{anchor}-{ReportModel.Slug(protocol.Key)}", grids, tabs));
        }
        return result;
    }

    private static List<FigureModel> Panels(IEnumerable<RunGroup> groups, Dictionary<RunGroup, GroupMetrics> metrics, string metric, string slug) =>
        groups.Select(g => Panel(g, metrics[g], metric, slug)).OfType<FigureModel>().ToList();

    private static FigureModel? Panel(RunGroup g, GroupMetrics m, string metric, string slug)
    {
        var curves = new List<(int Class, string Split, Curve Curve)>();
        foreach (var c in g.Classes)
            foreach (var split in new[] { "train", "test" })
                if (m.Summarise(split, c, metric) is { } curve && curve.Mean.Any(double.IsFinite)) curves.Add((c, split, curve));
        if (curves.Count == 0) return null;
        var x = Scales.Epochs(curves.SelectMany(c => c.Curve.Epochs));
        var series = curves.Select(c => c.Curve.Line($"{g.ClassLabel(c.Class)} {c.Split}", Palette.ForRole(g.Role(c.Class)), c.Split == "test", x, MaxCurvePoints)).ToList();
        var bounded = metric is "recall" or "precision" or "f1" or "pred_share";
        var yLabel = $"{metric}{(metric == "loss" ? " (cross-entropy, nats)" : "")}";
        var chart = new LineChart(g.LevelLabel, x, bounded ? Scales.Bounded(yLabel, 0, 1, Scales.Values(series)) : Scales.Linear(yLabel, Scales.Values(series)), series);
        var caption = $"{g.Protocol}, {g.LevelLabel}: per-class {metric} over the whole run (log epoch axis from 0), mean and min-max band over {g.Runs.Count} runs";
        return FigureModel.Of($"{slug}-{ReportModel.Slug(g.Protocol)}-{ReportModel.Slug(g.Level)}-{metric}", caption, chart);
    }
}
