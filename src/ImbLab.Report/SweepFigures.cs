using System.Globalization;
using ImbLab.Analysis.Findings;

namespace ImbLab.Report;

/// <summary>A condition's end-of-training measures, each as mean and range over its runs.</summary>
internal sealed record GroupSweep(IReadOnlyDictionary<string, Summary> Measures, int Runs, int NeverOnset);

/// <summary>
/// The per-run measures the sweeps draw and the tests across datasets compare, from the runs' epoch series through
/// the findings' own definitions (<see cref="RunMeasures"/>): one onset, one notion of the final epoch.
/// </summary>
internal static class SweepMeasures
{
    public static readonly string[] All = ["onset", "train_recall", "test_recall", "gap", "balanced_accuracy", "g_mean", "roc_auc"];

    public static IReadOnlyDictionary<RunGroup, GroupSweep> Of(IEnumerable<RunGroup> groups) => groups.ToDictionary(g => g, g =>
    {
        var runs = g.Runs.Select(Run).ToList();
        return new GroupSweep(All.ToDictionary(key => key, key => ReportStats.MeanRange(runs.Select(r => r[key]))), runs.Count,
            g.Runs.Count(v => RunMeasures.Onset(v, v.Minority) is null));
    });

    /// <summary>One run's measures at its last epoch; the onset is NaN when it is never reached, so means leave such runs out.</summary>
    private static Dictionary<string, double> Run(RunView v)
    {
        var train = v.Final(RunMeasures.Train, v.Minority, "recall");
        var test = v.Final(RunMeasures.Test, v.Minority, "recall");
        return new Dictionary<string, double>
        {
            ["onset"] = RunMeasures.Onset(v, v.Minority) is { } onset ? onset : double.NaN,
            ["train_recall"] = train,
            ["test_recall"] = test,
            ["gap"] = RunMeasures.Gap(v, v.Minority),
            ["balanced_accuracy"] = v.Final(RunMeasures.Test, null, "balanced_accuracy"),
            ["g_mean"] = v.Final(RunMeasures.Test, null, "g_mean"),
            ["roc_auc"] = v.Final(RunMeasures.Test, null, "roc_auc"),
        };
    }
}

/// <summary>Imbalance sweeps: each end-of-training measure against the requested IR, one line per protocol.</summary>
internal static class SweepFigures
{
    /// <summary>The figures: a measure each, except the minority's final recall, train (solid) and test (dashed) in one.</summary>
    private static readonly (string Slug, string Title, string YLabel, string[] Keys)[] Figures =
    [
        ("onset", "Onset of minority learning", "onset epoch (epochs)", ["onset"]),
        ("recall", "Final minority recall", "recall", ["train_recall", "test_recall"]),
        ("gap", "Minority train-test recall gap", "train - test recall", ["gap"]),
        ("balanced_accuracy", "Final balanced accuracy, test set", "balanced accuracy", ["balanced_accuracy"]),
        ("g_mean", "Final G-mean, test set", "G-mean", ["g_mean"]),
        ("roc_auc", "Final ROC AUC, test set", "ROC AUC", ["roc_auc"]),
    ];

    public static SweepSection Of(List<RunGroup> groups, IReadOnlyDictionary<RunGroup, GroupSweep> measures, string slug)
    {
        var logX = groups.All(g => g.Ir > 0) && groups.Select(g => g.Ir).Distinct().Count() > 1;
        var xLabel = logX ? "imbalance ratio (majority/minority, log scale)" : "imbalance ratio (majority/minority)";
        var figures = new List<FigureModel>();
        var colours = Palette.ForProtocols(groups.Select(g => g.Protocol));
        foreach (var (name, title, yLabel, keys) in Figures)
        {
            var series = groups.GroupBy(g => g.Protocol).SelectMany(p => keys.Select(key => new LineSeries(
                keys.Length == 1 ? p.Key : $"{p.Key} {(key.StartsWith("test", StringComparison.Ordinal) ? "test" : "train")}", colours[p.Key], key.StartsWith("test", StringComparison.Ordinal),
                p.Select(g => g.Ir).ToArray(), p.Select(g => measures[g].Measures[key].Mean).ToArray(),
                p.Select(g => measures[g].Measures[key].Low).ToArray(), p.Select(g => measures[g].Measures[key].High).ToArray(), Markers: true))).ToList();
            series = series.Where(s => s.Y.Any(double.IsFinite)).ToList();
            if (series.Count == 0) continue;
            var bounded = name is not ("onset" or "gap");
            var xs = series.SelectMany(s => s.X);
            var chart = new LineChart(title, logX ? Scales.LogLevels(xLabel, xs) : Scales.Linear(xLabel, xs),
                bounded ? Scales.Bounded(yLabel, 0, 1, Scales.Values(series)) : Scales.Linear(yLabel, Scales.Values(series)), series);
            var caption = $"{title} against IR, per protocol{(keys.Length > 1 ? " (solid = training part, dashed = test set)" : "")}";
            if (name == "onset") caption += Never(groups, measures);
            figures.Add(FigureModel.Of($"{slug}-sweep-{name}", caption, chart));
        }
        return new SweepSection(logX, new FigureGrid(figures));
    }

    /// <summary>Where the minority's onset was never reached, and in how many runs: the line cannot show it.</summary>
    private static string Never(List<RunGroup> groups, IReadOnlyDictionary<RunGroup, GroupSweep> measures)
    {
        var never = groups.Where(g => measures[g].NeverOnset > 0)
            .Select(g => $"{g.Protocol} {g.LevelLabel} in {measures[g].NeverOnset.ToString(CultureInfo.InvariantCulture)} of {measures[g].Runs.ToString(CultureInfo.InvariantCulture)} runs").ToList();
        return never.Count == 0 ? "; reached in every run" : $"; never reached: {string.Join(", ", never)}";
    }
}
