using System.Globalization;
using ImbLab.Analysis.Findings;
using ImbLab.Analysis.Statistics;
using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Report;

/// <summary>How a report is made.</summary>
public sealed record ReportOptions
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

/// <summary>Figures side by side, in as many columns as leave no slot of the last row blank (at most 5; 4 and 3 first).</summary>
internal sealed record FigureGrid(IReadOnlyList<FigureModel> Figures)
{
    public int Columns => ColumnsFor(Figures.Count);

    public static int ColumnsFor(int figures) => figures <= 5 ? Math.Max(1, figures)
        : new[] { 4, 3, 5, 2 }.MinBy(c => (c - figures % c) % c);
}

/// <summary>Figures under a small heading (one condition of the per-sample or probe sections).</summary>
internal sealed record FigureGroup(string Heading, FigureGrid Grid);

internal sealed record TabPane(string Label, FigureGrid Grid);

/// <summary>The learning curves of one protocol: a grid per default metric, the rest behind tabs.</summary>
internal sealed record ProtocolCurves(string Protocol, string TabGroup, IReadOnlyList<FigureGrid> Grids, IReadOnlyList<TabPane> Tabs);

internal sealed record SweepSection(bool LogX, FigureGrid Grid);

/// <summary>Everything shown for one dataset, in page order.</summary>
internal sealed record DatasetSection(DatasetEntry Entry, IReadOnlyList<ProtocolCurves> Curves, IReadOnlyList<FigureGroup> Compared, SweepSection Sweeps,
    IReadOnlyList<FigureGroup> Dynamics, IReadOnlyList<FigureGroup> Gradients, IReadOnlyList<FigureGroup> Representations)
{
    /// <summary>Every grid of the section, in page order.</summary>
    public IEnumerable<FigureGrid> Grids =>
        Curves.SelectMany(c => c.Grids.Concat(c.Tabs.Select(t => t.Grid)))
            .Concat(Compared.Select(g => g.Grid))
            .Append(Sweeps.Grid)
            .Concat(Dynamics.Concat(Gradients).Concat(Representations).Select(g => g.Grid));

    public IEnumerable<FigureModel> Figures => Grids.SelectMany(g => g.Figures);
}

/// <summary>A finding and, when the study stated it, its check under the control protocols (the 'controls:' finding).</summary>
internal sealed record FindingEntry(FindingRow Finding, FindingRow? Controls);

/// <summary>One dataset's findings.</summary>
internal sealed record FindingGroup(string Dataset, IReadOnlyList<FindingEntry> Entries)
{
    public int Count(string verdict) => Entries.Count(e => e.Finding.Verdict == verdict);
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
    IReadOnlyList<DatasetSection> Sections, IReadOnlyList<FindingGroup> Findings, AcrossSection Across)
{
    /// <summary>The remedies section: null unless the study ran more than one remedy.</summary>
    public RemedySection? Remedies { get; init; }

    /// <summary>Every figure in page order.</summary>
    public IEnumerable<FigureModel> Figures => (Remedies?.Figures ?? []).Concat(Sections.SelectMany(s => s.Figures));

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
            // With remedies, the remedies section draws remedy x IR; here the sweeps stay one line per protocol, of plain training.
            var sweeps = groups.Any(g => g.Remedy == RemedyFindings.None) ? groups.Where(g => g.Remedy == RemedyFindings.None).ToList() : groups;
            return new DatasetSection(entry, CurveFigures.Of(groups, inputs.Metrics, entry.Anchor, slug), CurveFigures.Compared(sweeps, inputs.Metrics, slug), SweepFigures.Of(sweeps, measures, slug),
                DynamicsFigures.Of(groups, slug), ProbeFigures.Gradients(groups, slug), ProbeFigures.Representations(groups, slug));
        }).ToList();
        return new ReportModel(options, Overview(inputs), entries, sections, FindingGroups(findings), AcrossDatasets.Of(inputs, measures))
        {
            Remedies = RemedyFigures.Of(inputs, RemedyFindings.Analyse(data)),
        };
    }

    public const string ControlsPrefix = "controls:";

    /// <summary>Findings by dataset in the order stated, each 'controls:X' row merged into the row of X (same dataset and protocol).</summary>
    public static IReadOnlyList<FindingGroup> FindingGroups(IReadOnlyList<FindingRow> findings) =>
        findings.GroupBy(f => f.Dataset).Select(d =>
        {
            var rows = d.ToList();
            var controls = rows.Where(f => f.Finding.StartsWith(ControlsPrefix, StringComparison.Ordinal))
                .GroupBy(f => (f.Protocol, f.Remedy, f.Finding[ControlsPrefix.Length..])).ToDictionary(g => g.Key, g => g.First());
            var bases = rows.Where(f => !f.Finding.StartsWith(ControlsPrefix, StringComparison.Ordinal)).Select(f => (f.Protocol, f.Remedy, f.Finding)).ToHashSet();
            var entries = rows.Where(f => !f.Finding.StartsWith(ControlsPrefix, StringComparison.Ordinal) || !bases.Contains((f.Protocol, f.Remedy, f.Finding[ControlsPrefix.Length..])))
                .Select(f => new FindingEntry(f, controls.GetValueOrDefault((f.Protocol, f.Remedy, f.Finding)))).ToList();
            return new FindingGroup(d.Key, entries);
        }).ToList();

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
