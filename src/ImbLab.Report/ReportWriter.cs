using System.Text.RegularExpressions;
using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Report;

/// <summary>What a report run wrote.</summary>
public sealed record ReportResult(string StudyId, string HtmlPath, string FiguresFolder, int Figures, bool Png, long HtmlBytes, int Datasets);

/// <summary>
/// Writes one self-contained HTML report of a study (inline CSS and SVG, nothing loaded from anywhere) and every
/// figure as SVG (and PNG when asked for) in a folder beside it (<c>&lt;name&gt;-figures/</c>). The only IO of the report.
/// </summary>
public static partial class ReportWriter
{
    public const string DefaultFileName = "report.html";

    /// <summary>report.html beside the store.</summary>
    public static string DefaultPath(string storePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storePath)) ?? ".", DefaultFileName);

    public static string FiguresFolder(string htmlPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(htmlPath)) ?? ".", Path.GetFileNameWithoutExtension(htmlPath) + "-figures");

    public static ReportResult Write(StudyData data, IReadOnlyList<FindingRow> findings, string htmlPath, CancellationToken cancellationToken) =>
        Write(data, findings, htmlPath, new ReportOptions(), cancellationToken);

    public static ReportResult Write(StudyData data, IReadOnlyList<FindingRow> findings, string htmlPath, ReportOptions options, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(htmlPath);
        if (Directory.Exists(full)) throw new ImbLabException($"-o: {htmlPath} is a folder; give the report's file name (e.g. {Path.Combine(htmlPath, DefaultFileName)})");
        var model = ReportModel.Build(data, findings, options, cancellationToken);
        var (html, figures) = ReportRenderer.Render(model, cancellationToken: cancellationToken);
        var folder = WriteFiles(full, html, figures);
        return new ReportResult(data.StudyId, full, folder, figures.Count, options.Png, new FileInfo(full).Length, model.Datasets.Count);
    }

    /// <summary>The page and its figures' files (the figures folder beside the page); returns the folder.</summary>
    internal static string WriteFiles(string full, string html, IReadOnlyList<Figure> figures)
    {
        var folder = FiguresFolder(full);
        // Staged and renamed at the end: a full disk or a read-only folder leaves the last report as it was, never half of a new one.
        using var staged = new StagedFiles();
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var f in figures)
            {
                staged.WriteText(Path.Combine(folder, f.Name + ".svg"), f.Svg);
                if (f.Png is { } png) staged.WriteBytes(Path.Combine(folder, f.Name + ".png"), png);
            }
            staged.WriteText(full, html);
            // A report written again (with fewer figures, or without --png) must not leave the last one's figures behind.
            var written = figures.SelectMany(f => f.Png is null ? new[] { f.Name + ".svg" } : [f.Name + ".svg", f.Name + ".png"]).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in Directory.EnumerateFiles(folder).Where(f => FigureFile().IsMatch(Path.GetFileName(f)) && !written.Contains(Path.GetFileName(f))).ToList())
                File.Delete(stale);
            staged.Commit();
        }
        catch (Exception e) when (OutputErrors.IsWriteFailure(e))
        {
            throw OutputErrors.Describe(Path.GetDirectoryName(full) ?? full, $"the report {Path.GetFileName(full)}", e, $"{Settings.Mention(Settings.Out)} FILE");
        }
        return folder;
    }

    [GeneratedRegex(@"^\d{4}-[a-z0-9_-]+\.(?:svg|png)$")]
    private static partial Regex FigureFile();
}
