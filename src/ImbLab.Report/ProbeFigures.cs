using System.Globalization;

namespace ImbLab.Report;

/// <summary>Gradient competition and representation separability over training, at each protocol's extreme IRs.</summary>
internal static class ProbeFigures
{
    private const int MaxCurvePoints = 60;

    /// <summary>One probe value of one run, in the shape shared by gradient and representation records.</summary>
    private readonly record struct ProbeValue(double Epoch, string Split, int? Layer, int? Class, int? Other, string Metric, double Value);

    public static IReadOnlyList<FigureGroup> Gradients(List<RunGroup> groups, string slug)
    {
        var result = new List<FigureGroup>();
        foreach (var g in DynamicsFigures.Extremes(groups))
        {
            var whole = g.Runs.SelectMany(r => r.Data.Gradients.Where(x => x.Layer is null)
                .Select(x => new ProbeValue(x.Epoch, "train", x.Layer, x.Class, x.OtherClass, x.Metric, x.Value))).ToList();
            if (whole.Count == 0) continue;
            var file = File(g, slug);
            result.Add(new FigureGroup(Who(g), new FigureGrid(new[]
            {
                Figure(g, whole, ["grad_norm"], "Per-class gradient norm", "||g_c|| (whole network)", null, $"{file}-grad-norm"),
                Figure(g, whole, ["grad_cosine"], "Gradient alignment", "cos(g_c, g_other)", (-1, 1), $"{file}-grad-cosine"),
                // A class's share is negative when its part of the step raises its own loss: the quantity spans [-1, 1].
                Figure(g, whole, ["update_share"], "Share of the update", "share of the update", (-1, 1), $"{file}-update-share"),
            }.OfType<FigureModel>().ToList())));
        }
        return result;
    }

    public static IReadOnlyList<FigureGroup> Representations(List<RunGroup> groups, string slug)
    {
        var result = new List<FigureGroup>();
        foreach (var g in DynamicsFigures.Extremes(groups))
        {
            var rep = g.Runs.SelectMany(r => r.Data.Representations.Select(x => new ProbeValue(x.Epoch, x.Split, x.Layer, x.Class, x.OtherClass, x.Metric, x.Value))).ToList();
            if (rep.Count == 0) continue;
            // Class separability is shown in the deepest hidden layer that has it; the weight norm lives on the output layer.
            var silLayer = rep.Where(v => v.Metric is "silhouette" or "silhouette_mean" or "nc1" or "cdnv").Select(v => v.Layer).Max();
            var inLayer = rep.Where(v => v.Layer == silLayer || v.Metric == "weight_norm").ToList();
            var layerText = silLayer is { } l ? $"layer {l.ToString(CultureInfo.InvariantCulture)}" : "";
            var file = File(g, slug);
            result.Add(new FigureGroup(Who(g), new FigureGrid(new[]
            {
                Figure(g, inLayer, ["silhouette", "silhouette_mean"], "Silhouette", $"silhouette ({layerText})", (-1, 1), $"{file}-silhouette"),
                Figure(g, inLayer, ["nc1"], "Within/between scatter (NC1)", $"NC1 ({layerText})", null, $"{file}-nc1"),
                Figure(g, inLayer, ["cdnv"], "Class-distance normalised variance", $"CDNV ({layerText})", null, $"{file}-cdnv"),
                Figure(g, inLayer, ["weight_norm"], "Classifier weight norm", "||w_c|| (output layer)", null, $"{file}-weight-norm"),
            }.OfType<FigureModel>().ToList())));
        }
        return result;
    }

    private static string Who(RunGroup g) => $"{g.Protocol}, {g.LevelLabel}";

    private static string File(RunGroup g, string slug) => $"{slug}-{ReportModel.Slug(g.Protocol)}-{ReportModel.Slug(g.Level)}";

    private static FigureModel? Figure(RunGroup g, List<ProbeValue> values, string[] metrics, string title, string yLabel, (double Min, double Max)? range, string file)
    {
        var selected = values.Where(v => metrics.Contains(v.Metric)).ToList();
        if (selected.Count == 0) return null;
        var series = new List<LineSeries>();
        var neutral = 0;
        var splits = selected.Select(v => v.Split).Distinct().Count();
        var x = Scales.Epochs(selected.Select(v => v.Epoch));
        foreach (var key in selected.Select(v => (v.Metric, v.Split, v.Class, v.Other)).Distinct()
                     .OrderBy(k => k.Class is null ? 2 : g.Role(k.Class.Value) == ClassRole.Minority ? 0 : 1).ThenBy(k => k.Split == "train" ? 0 : 1))
        {
            var byEpoch = selected.Where(v => (v.Metric, v.Split, v.Class, v.Other) == key).GroupBy(v => v.Epoch).OrderBy(e => e.Key).ToList();
            var stats = byEpoch.Select(e => ReportStats.MeanRange(e.Select(v => v.Value))).ToArray();
            var curve = new Curve([.. byEpoch.Select(e => e.Key)], [.. stats.Select(s => s.Mean)], [.. stats.Select(s => s.Low)], [.. stats.Select(s => s.High)]);
            var pair = key.Class is not null && key.Other is not null;
            var color = key.Class is { } k && !pair ? Palette.ForRole(g.Role(k)) : neutral++ == 0 ? Palette.Neutral : Palette.ForSeries(neutral);
            var label = pair ? $"{g.ClassLabel(key.Class!.Value)} vs {g.ClassLabel(key.Other!.Value)}"
                : key.Class is { } cls ? g.ClassLabel(cls)
                : key.Metric == "grad_norm" ? "all classes (full gradient)"
                : key.Metric == "silhouette_mean" ? "mean over classes"
                : key.Metric;
            if (splits > 1) label += " " + key.Split;
            series.Add(curve.Line(label, color, key.Split == "test", x, MaxCurvePoints));
        }
        var y = range is { } r ? Scales.Bounded(yLabel, r.Min, r.Max, Scales.Values(series)) : Scales.Linear(yLabel, Scales.Values(series));
        var chart = new LineChart($"{title}, {g.LevelLabel}", x, y, series);
        return FigureModel.Of(file, $"{Who(g)}: {title.ToLowerInvariant()} over the whole run (log epoch axis from 0), mean and min-max band over {g.Runs.Count.ToString(CultureInfo.InvariantCulture)} runs", chart);
    }
}
