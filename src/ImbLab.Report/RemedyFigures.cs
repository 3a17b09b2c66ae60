using System.Globalization;
using ImbLab.Analysis.Findings;
using ImbLab.Analysis.Statistics;
using ImbLab.Core.Specs;

namespace ImbLab.Report;

/// <summary>One cell of the phase table: a remedy's change against none on one phase, its interval and verdict.</summary>
internal sealed record PhaseCell(Estimate Change, string Verdict, string Detail);

/// <summary>A remedy's row of a phase table.</summary>
internal sealed record PhaseRow(string Remedy, IReadOnlyList<PhaseCell> Cells);

/// <summary>
/// "Which phase does each remedy act on": remedy x {early underfitting, memorisation, threshold, ranking}, for one
/// dataset and protocol, or across datasets.
/// </summary>
internal sealed record PhaseTable(string Title, string Protocol, IReadOnlyList<PhaseRow> Rows);

/// <summary>The remedies section: shown when the study ran more than one remedy.</summary>
internal sealed record RemedySection(IReadOnlyList<string> Remedies, IReadOnlyList<PhaseTable> Across, IReadOnlyList<PhaseTable> PerDataset,
    IReadOnlyList<FigureModel> CdDiagrams, IReadOnlyList<string> CdNotes, IReadOnlyList<FigureGroup> Curves, IReadOnlyList<FigureGroup> Sweeps)
{
    /// <summary>The phases, the measure each is read from, and what the column says.</summary>
    public static readonly IReadOnlyList<(string Phase, RemedyMeasure Measure, string Reading)> Phases =
    [
        ("early underfitting", RemedyFindings.Underfitting, "change in minority minus majority train recall over the early epochs (> 0: less underfitting)"),
        ("memorisation", RemedyFindings.Memorisation, "change in the minority's train-test recall gap at the last epoch (< 0: less memorisation)"),
        ("threshold", RemedyFindings.BalancedAccuracy, "change in test balanced accuracy at the argmax threshold (> 0: better decisions)"),
        ("ranking", RemedyFindings.RocAuc, "change in test ROC AUC (> 0: better ranking of the minority)"),
    ];

    public IEnumerable<FigureModel> Figures => CdDiagrams.Concat(Curves.SelectMany(g => g.Grid.Figures)).Concat(Sweeps.SelectMany(g => g.Grid.Figures));
}

/// <summary>Builds the remedies section from the remedy analysis and the report's run groups.</summary>
internal static class RemedyFigures
{
    private const int MaxCurvePoints = 60;

    public static RemedySection? Of(ReportInputs inputs, RemedyAnalysis analysis)
    {
        if (analysis.Remedies.Count < 2) return null;
        var remedies = analysis.Remedies;
        var treated = remedies.Where(r => r != RemedyFindings.None).ToList();

        var across = analysis.Across.Select(a => a.Protocol).Distinct().Select(protocol => new PhaseTable($"across datasets, {protocol}", protocol,
            treated.Select(r => new PhaseRow(r, RemedySection.Phases.Select(p =>
            {
                var a = analysis.Across.FirstOrDefault(x => x.Protocol == protocol && x.Remedy == r && x.Measure == p.Measure);
                return a is null ? new PhaseCell(Estimate.None(), "inconclusive", "not computed")
                    : new PhaseCell(a.Mean, a.Verdict, a.Statement);
            }).ToList())).ToList())).ToList();
        var perDataset = analysis.Effects.GroupBy(e => (e.Dataset, e.Protocol)).Select(g => new PhaseTable($"{g.Key.Dataset}, {g.Key.Protocol}", g.Key.Protocol,
            treated.Select(r => new PhaseRow(r, RemedySection.Phases.Select(p =>
            {
                var e = g.FirstOrDefault(x => x.Remedy == r && x.Measure == p.Measure);
                return e is null ? new PhaseCell(Estimate.None(), "inconclusive", "not computed") : new PhaseCell(e.Change, e.Verdict, e.Statement);
            }).ToList())).ToList())).ToList();

        var cds = new List<FigureModel>();
        var notes = new List<string>();
        foreach (var (r, i) in analysis.Rankings.Select((r, i) => (r, i)))
        {
            var res = r.Result;
            var what = r.Metric == RemedyFindings.BalancedAccuracy.Name ? "test balanced accuracy (higher is better)" : "minority train-test recall gap (lower is better)";
            if (res.Blocks < 2 || res.AverageRanks.Count != r.Remedies.Count || double.IsNaN(res.CriticalDifference))
            {
                notes.Add($"{r.Protocol}, {what}: no diagram ({r.Reason ?? "fewer than 2 datasets with every remedy"}).");
                continue;
            }
            var caption = $"Critical-difference diagram (Demšar 2006), {r.Protocol}: remedies by their average rank over {res.Blocks} datasets on {what}, " +
                          $"each dataset at its most imbalanced level; rank 1 = best. Bars join remedies whose average ranks differ by less than the Nemenyi " +
                          $"CD = {res.CriticalDifference.ToString("0.00", CultureInfo.InvariantCulture)} (α = 0.05, q = {res.QAlpha.ToString("0.000", CultureInfo.InvariantCulture)}). " +
                          $"Friedman χ² = {Html.Num(res.Friedman.Statistic, "0.00")} (p {PValueText.Format(res.Friedman.PValue)}), Iman-Davenport F = {Html.Num(res.ImanDavenport.Statistic, "0.00")} " +
                          $"(p {PValueText.Format(res.ImanDavenport.PValue)}){(r.Reason is null ? "" : $"; {r.Reason}")}.";
            cds.Add(CdDiagram.Of($"remedy-cd-{i.ToString(CultureInfo.InvariantCulture)}-{ReportModel.Slug(r.Protocol)}-{r.Metric}",
                $"{r.Protocol}: {(r.Metric == RemedyFindings.BalancedAccuracy.Name ? "test balanced accuracy" : "minority train-test gap")}", caption,
                [.. r.Remedies.Select(Remedy.ShortOf)], res.AverageRanks, res.CriticalDifference, res.Cliques));
        }

        var curves = new List<FigureGroup>();
        var sweeps = new List<FigureGroup>();
        var datasetIndex = inputs.Data.Datasets.Select((d, i) => (d.DatasetId, i)).ToDictionary(t => t.DatasetId, t => t.i);
        foreach (var dp in inputs.Groups.GroupBy(g => (g.Dataset.DatasetId, g.PlainProtocol)))
        {
            var groups = dp.ToList();
            var first = groups[0];
            var slug = $"remedy-d{datasetIndex[dp.Key.DatasetId].ToString(CultureInfo.InvariantCulture)}-{ReportModel.Slug(first.Dataset.Name)}-{ReportModel.Slug(dp.Key.PlainProtocol)}";
            var present = remedies.Where(r => groups.Any(g => g.Remedy == r)).ToList();
            if (present.Count < 2) continue;
            var heading = $"{first.Dataset.Name}, {dp.Key.PlainProtocol}";
            // The most imbalanced level that none ran (the level the findings are stated at).
            var top = groups.Where(g => g.Remedy == RemedyFindings.None).OrderBy(g => g.Ir).LastOrDefault() ?? groups.OrderBy(g => g.Ir).Last();
            var panels = new List<FigureModel>();
            var sweep = new List<FigureModel>();
            var sets = Overlaid(present);
            foreach (var (set, c) in sets.Select((set, c) => (set, c)))
            {
                var part = sets.Count == 1 ? slug : $"{slug}-r{c.ToString(CultureInfo.InvariantCulture)}";
                var atTop = set.Select(r => groups.FirstOrDefault(g => g.Remedy == r && g.Level == top.Level)).OfType<RunGroup>().ToList();
                panels.AddRange(new[] { "train", "test" }.Select(split => Overlay(atTop, set, split, $"{part}-{split}", inputs.Metrics)).OfType<FigureModel>());
                sweep.AddRange(Sweeps(groups, set, part));
            }
            if (panels.Count > 0) curves.Add(new FigureGroup($"{heading}, {top.LevelLabel}", new FigureGrid(panels)));
            if (sweep.Count > 0) sweeps.Add(new FigureGroup(heading, new FigureGrid(sweep)));
        }
        return new RemedySection(remedies, across, perDataset, cds, notes, curves, sweeps);
    }

    /// <summary>At most this many remedies share one figure: with more (a study of every remedy has 27), neither lines nor legend can be read.</summary>
    public const int MaxOverlaid = 5;

    /// <summary>
    /// The remedies each figure overlays: all of them when they fit, otherwise sets of <see cref="MaxOverlaid"/> in the study's
    /// order, each led by none (the reference every remedy is compared with) when the study has it.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Overlaid(IReadOnlyList<string> remedies) => Overlaid(remedies, RemedyFindings.None, MaxOverlaid);

    /// <summary>The items in sets of at most <paramref name="max"/>, in order, each led by <paramref name="reference"/> when it is among them.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Overlaid(IReadOnlyList<string> items, string reference, int max)
    {
        if (items.Count <= max) return [items];
        var hasReference = items.Contains(reference);
        var others = items.Where(r => r != reference).ToList();
        var size = hasReference ? max - 1 : max;
        return [.. others.Chunk(size).Select(chunk => (IReadOnlyList<string>)(hasReference ? [reference, .. chunk] : [.. chunk]))];
    }

    /// <summary>A remedy's line style: its index in the study's remedies (none solid), cycling through the patterns; markers after the first cycle.</summary>
    public static (int Pattern, bool Markers) Style(int remedyIndex) =>
        (remedyIndex % Charts.Patterns.Length, remedyIndex >= Charts.Patterns.Length);

    /// <summary>Per-class recall on one split over the whole run, every remedy overlaid: the class's colour, the remedy's line style.</summary>
    private static FigureModel? Overlay(IReadOnlyList<RunGroup> groups, IReadOnlyList<string> remedies, string split, string slug, Func<RunGroup, GroupMetrics> metricsOf)
    {
        var series = new List<LineSeries>();
        foreach (var g in groups)
        {
            var metrics = metricsOf(g);
            var (pattern, markers) = Style(remedies.ToList().IndexOf(g.Remedy));
            foreach (var c in g.Classes)
            {
                if (metrics.Summarise(split, c, "recall") is not { } curve || !curve.Mean.Any(double.IsFinite)) continue;
                series.Add(new LineSeries($"{g.ClassLabel(c)} {Remedy.ShortOf(g.Remedy)}", Palette.ForRole(g.Role(c)), false, curve.Epochs, curve.Mean, Markers: markers) { Pattern = pattern });
            }
        }
        if (series.Count == 0) return null;
        var x = Scales.Epochs(series.SelectMany(s => s.X));
        series = series.Select(s =>
        {
            var keep = Scales.Spread(s.X, x, MaxCurvePoints);
            return s with { X = [.. keep.Select(i => s.X[i])], Y = [.. keep.Select(i => s.Y[i])] };
        }).ToList();
        var chart = new LineChart($"{groups[0].LevelLabel}, {split}", x, Scales.Bounded("recall", 0, 1, Scales.Values(series)), series);
        var caption = $"{groups[0].PlainProtocol}, {groups[0].LevelLabel}: per-class {(split == "train" ? "training" : "test")} recall over the whole run, mean over runs, " +
                      "every remedy overlaid (colour = class, line style = remedy; bands left out so the lines stay readable)";
        return FigureModel.Of(slug, caption, chart);
    }

    private static readonly (string Key, string Title, string YLabel, bool Bounded)[] SweepMeasuresShown =
    [
        ("balanced_accuracy", "Test balanced accuracy", "balanced accuracy", true),
        ("test_recall", "Minority test recall", "recall", true),
        ("gap", "Minority train-test gap", "train - test recall", false),
        ("roc_auc", "Test ROC AUC", "ROC AUC", true),
    ];

    /// <summary>Remedy x IR: each end-of-training measure against the IR, one line per remedy (its series colour and line style).</summary>
    private static List<FigureModel> Sweeps(IReadOnlyList<RunGroup> groups, IReadOnlyList<string> remedies, string slug)
    {
        var measures = SweepMeasures.Of(groups);
        var logX = groups.All(g => g.Ir > 0) && groups.Select(g => g.Ir).Distinct().Count() > 1;
        var xLabel = logX ? "imbalance ratio (majority/minority, log scale)" : "imbalance ratio (majority/minority)";
        var figures = new List<FigureModel>();
        foreach (var (key, title, yLabel, bounded) in SweepMeasuresShown)
        {
            var series = remedies.Select((r, k) =>
            {
                var levels = groups.Where(g => g.Remedy == r).OrderBy(g => g.Ir).ToList();
                var (pattern, _) = Style(k);
                return new LineSeries(Remedy.ShortOf(r), Palette.ForSeries(k), false, levels.Select(g => g.Ir).ToArray(), levels.Select(g => measures[g].Measures[key].Mean).ToArray(),
                    levels.Select(g => measures[g].Measures[key].Low).ToArray(), levels.Select(g => measures[g].Measures[key].High).ToArray(), Markers: true) { Pattern = pattern };
            }).Where(s => s.Y.Any(double.IsFinite)).ToList();
            if (series.Count == 0) continue;
            var xs = series.SelectMany(s => s.X);
            var chart = new LineChart(title, logX ? Scales.LogLevels(xLabel, xs) : Scales.Linear(xLabel, xs),
                bounded ? Scales.Bounded(yLabel, 0, 1, Scales.Values(series)) : Scales.Linear(yLabel, Scales.Values(series)), series);
            figures.Add(FigureModel.Of($"{slug}-sweep-{key}", $"{title} at the end of training against IR, one line per remedy (mean, band = min-max over runs)", chart));
        }
        return figures;
    }
}
