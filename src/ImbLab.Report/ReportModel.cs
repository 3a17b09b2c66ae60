using System.Globalization;
using ImbLab.Analysis.Statistics;
using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Report;

/// <summary>How a report is made.</summary>
internal sealed record ReportOptions
{
    /// <summary>Also render every figure as PNG (2x) for the figures folder; most of the time of a big report.</summary>
    public bool Png { get; init; }
}

/// <summary>The study's identity, configuration and timing, as the overview states them.</summary>
internal sealed record StudyOverview(string Name, string StudyId, string Version, string CreatedAt, string UpdatedAt, string ConfigJson,
    int Runs, IReadOnlyList<long> Seeds, IReadOnlyList<string> Protocols, double TrainSeconds, double WallSeconds);

/// <summary>The realised training part of one condition: mean minority and majority counts over its runs.</summary>
internal sealed record RealisedCounts(string Protocol, string LevelLabel, double Minority, double Majority);

/// <summary>A dataset of the study: its row, its anchor in the page and the realised counts of its conditions.</summary>
internal sealed record DatasetEntry(DatasetRow Dataset, string Anchor, int Runs, IReadOnlyList<RealisedCounts> Realised)
{
    public double Ir => Dataset.ClassCounts.ImbalanceRatio();
}

/// <summary>Figures shown side by side.</summary>
internal sealed record FigureGrid(IReadOnlyList<FigureModel> Figures);

/// <summary>Figures under a small heading (one condition of the per-sample or probe sections).</summary>
internal sealed record FigureGroup(string Heading, IReadOnlyList<FigureModel> Figures);

internal sealed record TabPane(string Label, IReadOnlyList<FigureModel> Figures);

/// <summary>The learning curves of one protocol: a grid per default metric, the rest behind tabs.</summary>
internal sealed record ProtocolCurves(string Protocol, string TabGroup, IReadOnlyList<FigureGrid> Grids, IReadOnlyList<TabPane> Tabs);

internal sealed record SweepSection(bool LogX, IReadOnlyList<FigureModel> Figures);

/// <summary>Everything shown for one dataset, in page order.</summary>
internal sealed record DatasetSection(DatasetEntry Entry, IReadOnlyList<ProtocolCurves> Curves, SweepSection Sweeps,
    IReadOnlyList<FigureGroup> Dynamics, IReadOnlyList<FigureGroup> Gradients, IReadOnlyList<FigureGroup> Representations)
{
    public IEnumerable<FigureModel> Figures =>
        Curves.SelectMany(c => c.Grids.SelectMany(g => g.Figures).Concat(c.Tabs.SelectMany(t => t.Figures)))
            .Concat(Sweeps.Figures)
            .Concat(Dynamics.SelectMany(g => g.Figures))
            .Concat(Gradients.SelectMany(g => g.Figures))
            .Concat(Representations.SelectMany(g => g.Figures));
}

/// <summary>A Wilcoxon signed-rank test of two conditions across datasets, with its Holm-adjusted p among three or more.</summary>
internal sealed record PairTest(string A, string B, double MedianDifference, TestResult Test, double? HolmP);

/// <summary>A Friedman test across datasets and the conditions' mean ranks (1 = lowest).</summary>
internal sealed record FriedmanTest(TestResult Test, int Df, IReadOnlyList<double> MeanRanks);

/// <summary>A family of conditions compared across the datasets that measured them all.</summary>
internal sealed record TestFamily(string Title, IReadOnlyList<string> Conditions, int Datasets, FriedmanTest? Friedman, IReadOnlyList<PairTest> Pairs);

/// <summary>The tests across datasets; none when fewer than <see cref="MinDatasets"/> datasets were studied.</summary>
internal sealed record AcrossSection(int Datasets, IReadOnlyList<TestFamily> Families)
{
    public const int MinDatasets = 3;
}

/// <summary>
/// Everything a report shows, computed from the read model and nothing else: every number, table row, caption and
/// figure's data (series, bands, axis ranges). <see cref="ReportRenderer"/> turns it into HTML and SVG without
/// deciding anything about the data; <see cref="ReportWriter"/> writes the files.
/// </summary>
internal sealed record ReportModel(ReportOptions Options, StudyOverview Study, IReadOnlyList<DatasetEntry> Datasets,
    IReadOnlyList<FindingRow> Findings, AcrossSection Across, IReadOnlyList<DatasetSection> Sections)
{
    /// <summary>Every figure in page order.</summary>
    public IEnumerable<FigureModel> Figures => Sections.SelectMany(s => s.Figures);

    /// <summary>Builds the model of a study's report. Pure: it reads the study (per-sample arrays through its IRunSamples) and writes nothing.</summary>
    public static ReportModel Build(StudyData data, IReadOnlyList<FindingRow> findings, ReportOptions options, CancellationToken cancellationToken = default)
    {
        var inputs = ReportInputs.From(data);
        var measures = SweepMeasures.Of(inputs.Groups);
        var entries = data.Datasets.Select((d, i) =>
        {
            var groups = inputs.Groups.Where(g => g.Dataset.DatasetId == d.DatasetId).ToList();
            return new DatasetEntry(d, "d" + i.ToString(CultureInfo.InvariantCulture), groups.Sum(g => g.Runs.Count), groups.Select(g => new RealisedCounts(g.Protocol, g.LevelLabel,
                g.Runs.Average(r => (double)r.Run.TrainCounts[r.Minority]), g.Runs.Average(r => (double)(r.Run.TrainCounts.Sum() - r.Run.TrainCounts[r.Minority])))).ToList());
        }).ToList();
        var sections = entries.Select((entry, i) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var groups = inputs.Groups.Where(g => g.Dataset.DatasetId == entry.Dataset.DatasetId).ToList();
            var slug = $"d{i.ToString(CultureInfo.InvariantCulture)}-{Slug(entry.Dataset.Name)}";
            return new DatasetSection(entry, CurveFigures.Of(inputs, groups, entry.Anchor, slug), SweepFigures.Of(groups, measures, slug),
                DynamicsFigures.Of(groups, slug), ProbeFigures.Gradients(groups, slug), ProbeFigures.Representations(groups, slug));
        }).ToList();
        return new ReportModel(options, Overview(inputs), entries, findings, AcrossDatasets.Of(inputs, measures), sections);
    }

    private static StudyOverview Overview(ReportInputs inputs)
    {
        var data = inputs.Data;
        var runs = data.Runs.Select(r => r.Run).ToList();
        var starts = runs.Select(r => ParseTime(r.StartedAt)).OfType<DateTime>().ToList();
        var ends = runs.Select(r => ParseTime(r.FinishedAt)).OfType<DateTime>().ToList();
        var wall = starts.Count > 0 && ends.Count > 0 ? (ends.Max() - starts.Min()).TotalSeconds : double.NaN;
        return new StudyOverview(inputs.Name, data.StudyId, data.Study.Version, data.Study.CreatedAt, data.Study.UpdatedAt, ReportInputs.PrettyJson(data.Study.ConfigJson),
            runs.Count, runs.Select(r => r.Seed).Distinct().Order().ToList(), runs.Select(r => r.Protocol).Distinct().ToList(), runs.Sum(r => r.TrainSeconds ?? 0), wall);
    }

    private static DateTime? ParseTime(string? s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>A file-name fragment: letters, digits and dashes only (dataset names can hold anything).</summary>
    public static string Slug(string text)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
            if (sb.Length >= 40) break;
        }
        return sb.ToString().Trim('-') is { Length: > 0 } s ? s : "x";
    }
}
