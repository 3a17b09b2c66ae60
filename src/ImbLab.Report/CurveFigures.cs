namespace ImbLab.Report;

/// <summary>
/// Learning curves per class over the whole run on a log epoch axis from 0 (the early checkpoints inside the first
/// epochs included): recall and loss per condition, the other per-class metrics behind tabs.
/// </summary>
internal static class CurveFigures
{
    private const int MaxCurvePoints = 60;
    private static readonly string[] DefaultMetrics = ["recall", "loss"];

    public static IReadOnlyList<ProtocolCurves> Of(List<RunGroup> groups, Func<RunGroup, GroupMetrics> metricsOf, string anchor, string slug)
    {
        var result = new List<ProtocolCurves>();
        foreach (var protocol in groups.GroupBy(g => g.Protocol))
        {
            var metrics = protocol.ToDictionary(g => g, metricsOf);
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

    /// <summary>
    /// At most this many protocols share a panel: each brings a training and a test line to the legend, and a fourth
    /// protocol's two entries would take the legend to a fourth row.
    /// </summary>
    public const int MaxProtocolsOverlaid = 3;

    /// <summary>The protocol every comparison is led by when the study ran it: the study's own design.</summary>
    public const string ReferenceProtocol = "subsample-minority";

    /// <summary>
    /// Protocols compared at the same imbalance level: for each level that two or more protocols ran, recall and loss
    /// per class, one panel per (metric, class) with every protocol's training (solid) and test (dashed) curve in the
    /// protocol's colour, the colour it has in the sweeps. Bands are left out so the lines stay readable.
    /// </summary>
    public static IReadOnlyList<FigureGroup> Compared(List<RunGroup> groups, Func<RunGroup, GroupMetrics> metricsOf, string slug)
    {
        var colours = Palette.ForProtocols(groups.Select(g => g.Protocol));
        var result = new List<FigureGroup>();
        foreach (var level in groups.GroupBy(g => g.Level).OrderBy(l => l.Min(g => g.Ir)))
        {
            var protocols = level.Select(g => g.Protocol).Distinct().ToList();
            if (protocols.Count < 2) continue;
            var sets = RemedyFigures.Overlaid(protocols, ReferenceProtocol, MaxProtocolsOverlaid);
            var panels = new List<FigureModel>();
            foreach (var (set, k) in sets.Select((set, k) => (set, k)))
            {
                var members = set.Select(p => level.First(g => g.Protocol == p)).ToList();
                var part = sets.Count == 1 ? "" : $"-p{k.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                foreach (var metric in DefaultMetrics)
                    foreach (var c in members[0].Classes)
                        if (ComparedPanel(members, metricsOf, colours, c, metric, $"{slug}-protocols-{ReportModel.Slug(members[0].Level)}{part}-{metric}-{ReportModel.Slug(members[0].ClassLabel(c))}") is { } panel)
                            panels.Add(panel);
            }
            if (panels.Count > 0) result.Add(new FigureGroup($"{level.First().LevelLabel}: {string.Join(", ", protocols)}", new FigureGrid(panels)));
        }
        return result;
    }

    private static FigureModel? ComparedPanel(List<RunGroup> members, Func<RunGroup, GroupMetrics> metricsOf, IReadOnlyDictionary<string, ScottPlot.Color> colours,
        int cls, string metric, string slug)
    {
        var curves = new List<(RunGroup Group, string Split, Curve Curve)>();
        foreach (var g in members)
            foreach (var split in new[] { "train", "test" })
                if (metricsOf(g).Summarise(split, cls, metric) is { } curve && curve.Mean.Any(double.IsFinite)) curves.Add((g, split, curve));
        if (curves.Select(c => c.Group).Distinct().Count() < 2) return null;
        var x = Scales.Epochs(curves.SelectMany(c => c.Curve.Epochs));
        var series = curves.Select(c => c.Curve.Line($"{c.Group.Protocol} {c.Split}", colours[c.Group.Protocol], c.Split == "test", x, MaxCurvePoints) with { Low = null, High = null }).ToList();
        var first = members[0];
        var yLabel = $"{metric}{(metric == "loss" ? " (cross-entropy, nats)" : "")}";
        var chart = new LineChart($"{first.LevelLabel}, {first.ClassLabel(cls)}", x,
            metric == "loss" ? Scales.Linear(yLabel, Scales.Values(series)) : Scales.Bounded(yLabel, 0, 1, Scales.Values(series)), series);
        var caption = $"{first.LevelLabel}: the {first.ClassLabel(cls)} class's {metric} over the whole run under {string.Join(", ", members.Select(g => g.Protocol))} " +
                      "(colour = protocol, solid = training part, dashed = test set), mean over runs" + Coinciding(members);
        return FigureModel.Of(slug, caption, chart);
    }

    /// <summary>
    /// Protocols that trained on the same counts at this level (fixed-n and subsample-minority do at the highest IR):
    /// their subsets are drawn alike, so their lines lie on each other and one seems missing unless the caption says so.
    /// </summary>
    private static string Coinciding(List<RunGroup> members)
    {
        var alike = members.GroupBy(g => string.Join(',', g.Runs.Select(r => string.Join('/', r.Run.TrainCounts))))
            .Where(same => same.Count() > 1).Select(same => string.Join(" and ", same.Select(g => g.Protocol))).ToList();
        return alike.Count == 0 ? "" : $"; {string.Join("; ", alike)} trained on the same class counts here, so their lines may lie on each other";
    }
}
