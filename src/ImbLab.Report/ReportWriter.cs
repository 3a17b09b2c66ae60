using System.Globalization;
using System.Text;
using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Report;

/// <summary>What a report run wrote.</summary>
internal sealed record ReportResult(string StudyId, string HtmlPath, string FiguresFolder, int Figures, long HtmlBytes, int Datasets);

/// <summary>
/// Writes one self-contained HTML report of a study (inline CSS and SVG, nothing loaded from anywhere) and every
/// figure as SVG and PNG in a folder beside it (<c>&lt;name&gt;-figures/</c>).
/// </summary>
internal static class ReportWriter
{
    public const string DefaultFileName = "report.html";

    /// <summary>report.html beside the store.</summary>
    public static string DefaultPath(string storePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath)) ?? ".", DefaultFileName);

    public static string FiguresFolder(string htmlPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(htmlPath)) ?? ".", Path.GetFileNameWithoutExtension(htmlPath) + "-figures");

    public static ReportResult Write(StudyData data, IReadOnlyList<FindingRow> findings, string htmlPath, CancellationToken cancellationToken)
    {
        var study = ReportStudy.From(data, findings);
        var full = Path.GetFullPath(htmlPath);
        if (Directory.Exists(full)) throw new ImbLabException($"-o: {htmlPath} is a folder; give the report's file name (e.g. {Path.Combine(htmlPath, DefaultFileName)})");
        var folder = FiguresFolder(full);
        Directory.CreateDirectory(folder);
        var composer = new ReportComposer(study, folder, cancellationToken);
        var html = composer.Compose();
        File.WriteAllText(full, html, new UTF8Encoding(false));
        return new ReportResult(study.StudyId, full, folder, composer.FigureCount, new FileInfo(full).Length, study.Datasets.Count);
    }
}

/// <summary>Builds the page section by section; figures are rendered, written to the figures folder and inlined as they come.</summary>
internal sealed partial class ReportComposer(ReportStudy study, string figuresFolder, CancellationToken cancellationToken)
{
    private const int PanelWidth = 380;
    private const int PanelHeight = 290;
    private const int MaxCurvePoints = 40;
    private static readonly string[] DefaultMetrics = ["recall", "loss"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly StringBuilder _html = new(1 << 20);
    private readonly Dictionary<(string Protocol, string Level), Dictionary<string, double>> _acrossDatasets = [];

    public int FigureCount { get; private set; }

    public string Compose()
    {
        var datasets = study.Datasets.Select((d, i) => (Dataset: d, Anchor: Html.Anchor("d", i))).ToList();
        _html.Append(ReportPage.Head($"ImbLab report: {study.Name}"));
        _html.Append("<nav><div class=\"h\">Study</div><a href=\"#study\">Overview</a><a href=\"#datasets\">Datasets</a>");
        if (study.Findings.Count > 0) _html.Append("<a href=\"#findings\">Findings</a>");
        _html.Append("<a href=\"#across\">Across datasets</a><div class=\"h\">Datasets</div>");
        foreach (var (d, anchor) in datasets) _html.Append($"<a href=\"#{anchor}\" title=\"{Html.E(d.Name)}\">{Html.E(d.Name)}</a>");
        _html.Append("</nav><main>");
        Overview();
        DatasetsTable();
        if (study.Findings.Count > 0) Findings();
        var perDataset = new StringBuilder();
        foreach (var (d, anchor) in datasets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var saved = _html.Length;
            DatasetSection(d, anchor, datasets.FindIndex(x => x.Anchor == anchor));
            perDataset.Append(_html, saved, _html.Length - saved);
            _html.Length = saved;
        }
        // The cross-dataset tests need every dataset's summary, but read better before the per-dataset detail.
        AcrossDatasets();
        _html.Append(perDataset);
        _html.Append("</main></body></html>\n");
        return _html.ToString();
    }

    private void Overview()
    {
        var runs = study.Runs;
        var trainSeconds = runs.Sum(r => r.TrainSeconds ?? 0);
        var starts = runs.Select(r => ParseTime(r.StartedAt)).Where(t => t.HasValue).Select(t => t!.Value).ToList();
        var ends = runs.Select(r => ParseTime(r.FinishedAt)).Where(t => t.HasValue).Select(t => t!.Value).ToList();
        var wall = starts.Count > 0 && ends.Count > 0 ? (ends.Max() - starts.Min()).TotalSeconds : double.NaN;
        var seeds = study.Seeds;
        _html.Append($"<section id=\"study\"><h1>{Html.E(study.Name)}</h1>")
            .Append($"<p class=\"sub\">ImbLab study <code>{Html.E(study.StudyId)}</code>, run with ImbLab {Html.E(study.Version)}; report by ImbLab {Html.E(ImbLabInfo.Version)}. ")
            .Append($"Created {Html.E(study.CreatedAt)}, last updated {Html.E(study.UpdatedAt)}.</p>")
            .Append("<table><tbody>")
            .Append($"<tr><th class=\"l\">datasets</th><td>{study.Datasets.Count.ToString(Inv)}</td></tr>")
            .Append($"<tr><th class=\"l\">finished runs</th><td>{runs.Count.ToString(Inv)}</td></tr>")
            .Append($"<tr><th class=\"l\">seeds</th><td class=\"l\">{Html.E(string.Join(", ", seeds.Select(s => s.ToString(Inv))))}</td></tr>")
            .Append($"<tr><th class=\"l\">protocols</th><td class=\"l\">{Html.E(string.Join(", ", runs.Select(r => r.Protocol).Distinct()))}</td></tr>")
            .Append($"<tr><th class=\"l\">training time (sum over runs)</th><td>{Duration(trainSeconds)}</td></tr>")
            .Append($"<tr><th class=\"l\">first start to last finish</th><td>{Duration(wall)}</td></tr>")
            .Append("</tbody></table>")
            .Append("<p class=\"caption\">Colours are fixed throughout: <span class=\"min\">■ minority</span> (the smaller class of the training part) and <span class=\"maj\">■ majority</span>; ")
            .Append("solid lines are the training part, dashed the test set. Lines are the mean over the runs of a condition (seeds × folds); bands span their minimum to maximum.</p>")
            .Append($"<details><summary>Study configuration (JSON)</summary><pre>{Html.E(ReportStudy.PrettyJson(study.ConfigJson))}</pre></details>")
            .Append("</section>");
    }

    private void DatasetsTable()
    {
        _html.Append("<section id=\"datasets\"><h2>Datasets</h2><table><thead><tr><th class=\"l\">dataset</th><th class=\"l\">source</th><th>rows</th><th>attributes (num/nom)</th>")
            .Append("<th class=\"l\">class counts</th><th>IR</th><th class=\"l\">realised training part, minority/majority (mean over runs)</th></tr></thead><tbody>");
        foreach (var (d, i) in study.Datasets.Select((d, i) => (d, i)))
        {
            var groups = study.Groups.Where(g => g.Dataset.DatasetId == d.DatasetId);
            var realised = string.Join("<br>", groups.Select(g =>
            {
                var min = g.Runs.Average(r => (double)r.TrainCounts[r.MinorityClass]);
                var maj = g.Runs.Average(r => (double)(r.TrainCounts.Sum() - r.TrainCounts[r.MinorityClass]));
                return $"{Html.E(g.Protocol)} {Html.E(g.LevelLabel)}: <span class=\"min\">{Html.Num(min, "0.#")}</span>/<span class=\"maj\">{Html.Num(maj, "0.#")}</span>";
            }));
            var counts = string.Join(", ", d.ClassNames.Select((n, c) => $"{Html.E(n)}: {(c < d.ClassCounts.Count ? d.ClassCounts[c].ToString(Inv) : "?")}"));
            _html.Append($"<tr><td class=\"l\"><a href=\"#{Html.Anchor("d", i)}\">{Html.E(d.Name)}</a></td><td class=\"l\">{Html.E(d.Source)}</td><td>{d.Rows.ToString(Inv)}</td>")
                .Append($"<td>{d.Attributes.ToString(Inv)} ({d.NumericAttributes.ToString(Inv)}/{d.NominalAttributes.ToString(Inv)})</td><td class=\"l\">{counts}</td>")
                .Append($"<td>{Html.Num(d.ClassCounts.ImbalanceRatio(), "0.##")}</td><td class=\"l\">{realised}</td></tr>");
        }
        _html.Append("</tbody></table></section>");
    }

    private void Findings()
    {
        _html.Append("<section id=\"findings\"><h2>Findings</h2><table><thead><tr><th class=\"l\">dataset</th><th class=\"l\">protocol</th><th class=\"l\">finding</th>")
            .Append("<th class=\"l\">verdict</th><th class=\"l\">statement</th><th>effect [95% CI]</th><th>p</th><th>n</th></tr></thead><tbody>");
        foreach (var f in study.Findings)
        {
            var verdict = f.Verdict is "supported" or "contradicted" or "inconclusive" ? f.Verdict : "inconclusive";
            _html.Append($"<tr class=\"v-{verdict}\"><td class=\"l\">{Html.E(f.Dataset)}</td><td class=\"l\">{Html.E(f.Protocol)}</td><td class=\"l\">{Html.E(f.Finding)}</td>")
                .Append($"<td class=\"l\"><b>{Html.E(f.Verdict)}</b></td><td class=\"l\">{Html.E(f.Statement)}</td>")
                .Append($"<td>{Html.Num(f.Effect)} [{Html.Num(f.CiLow)}, {Html.Num(f.CiHigh)}]</td><td>{PValue(f.PValue)}</td><td>{f.N.ToString(Inv)}</td></tr>");
        }
        _html.Append("</tbody></table><p class=\"caption\">Verdicts as stored by the study's findings rules; n/a = undefined.</p></section>");
    }

    private string Figure(string slug, Func<bool, ScottPlot.Plot> build, string caption, int width = PanelWidth, int height = PanelHeight)
    {
        var index = FigureCount++;
        var name = $"{index.ToString("D4", Inv)}-{slug}";
        var fig = FigureRender.Render(name, build, width, height, caption, $"f{index.ToString(Inv)}_");
        File.WriteAllText(Path.Combine(figuresFolder, name + ".svg"), fig.FileSvg, new UTF8Encoding(false));
        File.WriteAllBytes(Path.Combine(figuresFolder, name + ".png"), fig.Png);
        return $"<figure>{fig.InlineSvg}<figcaption>{Html.E(caption)}</figcaption></figure>";
    }

    private static string Duration(double seconds) => double.IsNaN(seconds) ? "n/a"
        : seconds < 120 ? $"{seconds.ToString("0.0", Inv)} s"
        : seconds < 7200 ? $"{(seconds / 60).ToString("0.0", Inv)} min"
        : $"{(seconds / 3600).ToString("0.0", Inv)} h";

    private static string PValue(double p) => double.IsNaN(p) ? "n/a" : p < 0.001 ? "&lt;0.001" : p.ToString("0.000", Inv);

    private static DateTime? ParseTime(string? s) =>
        DateTime.TryParse(s, Inv, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>A file-name fragment: letters, digits and dashes only (dataset names can hold anything).</summary>
    private static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
            if (sb.Length >= 40) break;
        }
        return sb.ToString().Trim('-') is { Length: > 0 } s ? s : "x";
    }
}
