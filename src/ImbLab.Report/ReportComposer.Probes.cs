using System.Globalization;
using System.Text;

namespace ImbLab.Report;

internal sealed partial class ReportComposer
{
    /// <summary>One probe value of one run, in the shape shared by gradient and representation records.</summary>
    private readonly record struct ProbeValue(int Run, double Epoch, string Split, int? Layer, int? Class, int? Other, string Metric, double Value);

    private void Probes(List<RunGroup> groups, string slug)
    {
        var gradients = new StringBuilder();
        var representations = new StringBuilder();
        foreach (var g in Extremes(groups))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grad = g.Runs.SelectMany((r, i) => study.Data(r.RunId).Gradients.Select(x => new ProbeValue(i, x.Epoch, "train", x.Layer, x.Class, x.OtherClass, x.Metric, x.Value))).ToList();
            var rep = g.Runs.SelectMany((r, i) => study.Data(r.RunId).Representations.Select(x => new ProbeValue(i, x.Epoch, x.Split, x.Layer, x.Class, x.OtherClass, x.Metric, x.Value))).ToList();
            var who = $"{g.Protocol}, {g.LevelLabel}";
            var file = $"{slug}-{Slug(g.Protocol)}-{Slug(g.Level)}";
            if (grad.Count > 0)
            {
                var whole = grad.Where(v => v.Layer is null).ToList();
                gradients.Append($"<h4>{Html.E(who)}</h4><div class=\"grid\">")
                    .Append(ProbeFigure(g, whole, "grad_norm", "Per-class gradient norm", "||g_c|| (whole network)", null, null, $"{file}-grad-norm", who))
                    .Append(ProbeFigure(g, whole, "grad_cosine", "Gradient alignment", "cos(g_c, g_other)", -1.02, 1.02, $"{file}-grad-cosine", who))
                    .Append(ProbeFigure(g, whole, "update_share", "Share of the update", "share of the update", -0.02, 1.02, $"{file}-update-share", who))
                    .Append("</div>");
            }
            if (rep.Count > 0)
            {
                // Class separability is shown in the deepest hidden layer that has it; the weight norm lives on the output layer.
                var silLayer = rep.Where(v => v.Metric is "silhouette" or "silhouette_mean" or "nc1" or "cdnv").Select(v => v.Layer).Max();
                var inLayer = rep.Where(v => v.Layer == silLayer || v.Metric == "weight_norm").ToList();
                var layerText = silLayer is { } l ? $"layer {l.ToString(Inv)}" : "";
                representations.Append($"<h4>{Html.E(who)}</h4><div class=\"grid\">")
                    .Append(ProbeFigure(g, inLayer, ["silhouette", "silhouette_mean"], "Silhouette", $"silhouette ({layerText})", -1.02, 1.02, $"{file}-silhouette", who))
                    .Append(ProbeFigure(g, inLayer, "nc1", "Within/between scatter (NC1)", $"NC1 ({layerText})", null, null, $"{file}-nc1", who))
                    .Append(ProbeFigure(g, inLayer, "cdnv", "Class-distance normalised variance", $"CDNV ({layerText})", null, null, $"{file}-cdnv", who))
                    .Append(ProbeFigure(g, inLayer, "weight_norm", "Classifier weight norm", "||w_c|| (output layer)", null, null, $"{file}-weight-norm", who))
                    .Append("</div>");
            }
        }
        if (gradients.Length > 0)
            _html.Append("<h3>Gradient competition</h3><p class=\"caption\">Per-class gradients g_c of the whole network over training, mean over runs with the min-max band, at each protocol's lowest and highest IR.</p>").Append(gradients);
        if (representations.Length > 0)
            _html.Append("<h3>Representation separability</h3><p class=\"caption\">Per-class silhouette (solid = training part, dashed = test set; black = unweighted mean over classes), NC1, CDNV and classifier weight norms over training, mean over runs.</p>").Append(representations);
    }

    private string ProbeFigure(RunGroup g, List<ProbeValue> values, string metric, string title, string yLabel, double? yMin, double? yMax, string file, string who) =>
        ProbeFigure(g, values, [metric], title, yLabel, yMin, yMax, file, who);

    private string ProbeFigure(RunGroup g, List<ProbeValue> values, string[] metrics, string title, string yLabel, double? yMin, double? yMax, string file, string who)
    {
        var selected = values.Where(v => metrics.Contains(v.Metric)).ToList();
        if (selected.Count == 0) return "";
        var series = new List<LineSeries>();
        var neutral = 0;
        foreach (var key in selected.Select(v => (v.Metric, v.Split, v.Class, v.Other)).Distinct()
                     .OrderBy(k => k.Class is null ? 2 : g.Role(k.Class.Value) == ClassRole.Minority ? 0 : 1).ThenBy(k => k.Split == "train" ? 0 : 1))
        {
            var of = selected.Where(v => (v.Metric, v.Split, v.Class, v.Other) == key).ToList();
            var epochs = GroupMetrics.Decimate(of.Select(v => v.Epoch).Distinct().Order().ToArray(), MaxCurvePoints);
            var stats = epochs.Select(e => ReportStats.MeanRange(of.Where(v => v.Epoch == e).Select(v => v.Value))).ToArray();
            var pair = key.Class is { } c && key.Other is { } o;
            var color = key.Class is { } k && !pair ? Palette.ForRole(g.Role(k)) : neutral++ == 0 ? Palette.Neutral : Palette.ForSeries(neutral);
            var label = pair ? $"{g.ClassName(key.Class!.Value)} vs {g.ClassName(key.Other!.Value)}"
                : key.Class is { } cls ? $"{(g.Role(cls) == ClassRole.Minority ? "min" : "maj")} {g.ClassName(cls)}"
                : key.Metric == "grad_norm" ? "all classes (full gradient)"
                : key.Metric;
            var splits = selected.Select(v => v.Split).Distinct().Count();
            if (splits > 1) label += " " + key.Split;
            series.Add(new LineSeries(label, color, key.Split == "test", epochs, stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.Low).ToArray(), stats.Select(s => s.High).ToArray()));
        }
        var chart = new LineChart($"{title}, {g.LevelLabel}", "epoch", yLabel, series, false, yMin, yMax);
        return Figure(file, svg => Charts.Lines(chart, svg), $"{who}: {title.ToLowerInvariant()}, mean and min-max band over {g.Runs.Count.ToString(CultureInfo.InvariantCulture)} runs");
    }
}
