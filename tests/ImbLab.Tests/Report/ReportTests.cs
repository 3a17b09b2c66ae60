using System.Text.RegularExpressions;
using ImbLab.Tests.Cli;
using Xunit;

namespace ImbLab.Tests.Report;

[Collection(ReportCollection.Name)]
public sealed partial class ReportTests(ReportStudyFixture study)
{
    [Fact]
    public void Given_a_small_real_study_When_reported_Then_the_page_is_one_self_contained_file()
    {
        var html = study.Html;
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);
        // nothing that could load from elsewhere: no script, no external reference of any kind
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_small_real_study_When_reported_Then_it_holds_the_study_curves_sweeps_and_dynamics()
    {
        var html = study.Html;
        Assert.Contains(study.StudyId, html, StringComparison.Ordinal);
        Assert.Contains("Study configuration (JSON)", html, StringComparison.Ordinal);
        Assert.Contains("first start to last finish", html, StringComparison.Ordinal);
        Assert.Contains("Learning curves", html, StringComparison.Ordinal);
        Assert.Contains("log epoch axis", html, StringComparison.Ordinal);
        Assert.Contains("Imbalance sweeps", html, StringComparison.Ordinal);
        Assert.Contains("Per-sample dynamics", html, StringComparison.Ordinal);
        Assert.Contains("Data map", html, StringComparison.Ordinal);
        Assert.Contains("min-max band", html, StringComparison.Ordinal);
        // a real study records the probes by default, so their sections are there; with one dataset the cross-dataset tests say why not
        Assert.Contains("Gradient competition", html, StringComparison.Ordinal);
        Assert.Contains("Representation separability", html, StringComparison.Ordinal);
        Assert.Contains("need at least 3 datasets", html, StringComparison.Ordinal);
        // inline SVG ids are unique across the page
        var ids = SvgId().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Given_a_report_When_written_Then_every_figure_is_beside_it_as_svg_and_png()
    {
        var folder = study.Result.FiguresFolder;
        Assert.Equal(Path.Combine(study.Dir, "report-figures"), folder);
        var svgs = Directory.GetFiles(folder, "*.svg");
        var pngs = Directory.GetFiles(folder, "*.png");
        Assert.Equal(study.Result.Figures, svgs.Length);
        Assert.Equal(svgs.Length, pngs.Length);
        Assert.Equal(study.Result.Figures, Regex.Count(study.Html, "<figure>"));
        Assert.All(svgs, f => Assert.StartsWith("<?xml", File.ReadAllText(f), StringComparison.Ordinal));
        Assert.All(pngs, f => Assert.True(Chromium.InkShare(f) > 0.01, $"{f} is blank"));
    }

    [SkippableFact]
    public void Given_the_report_When_loaded_in_headless_chromium_Then_no_console_errors_no_requests_and_a_drawn_page()
    {
        var shot = Path.Combine(study.Dir, "screenshot.png");
        var load = Chromium.Screenshot(study.HtmlPath, shot);
        Assert.Empty(load.ConsoleLines);
        Assert.Empty(load.NetworkErrors);
        Assert.True(File.Exists(shot), "no screenshot written");
        var ink = Chromium.InkShare(shot);
        Assert.True(ink > 0.05, $"the screenshot is nearly blank ({ink:P1} non-white pixels)");
        var keep = Environment.GetEnvironmentVariable("IMBLAB_REPORT_SCREENSHOT");
        if (!string.IsNullOrEmpty(keep)) File.Copy(shot, keep, overwrite: true);
    }

    [SkippableFact]
    public void Given_a_page_that_tries_to_load_things_When_loaded_Then_the_check_catches_it()
    {
        var bad = Path.Combine(study.Dir, "bad.html");
        File.WriteAllText(bad, $"""
            <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{ImbLab.Report.ReportPage.ContentSecurityPolicy}"></head>
            <body><h1>control</h1><img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="https://example.invalid/a.css"></body></html>
            """);
        var load = Chromium.Screenshot(bad, Path.Combine(study.Dir, "bad.png"), 400, 300);
        Assert.Equal(2, load.ConsoleLines.Count);
        Assert.All(load.ConsoleLines, l => Assert.Contains("Content Security Policy", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_store_When_imblab_report_runs_Then_it_writes_report_html_beside_the_store()
    {
        var copy = Path.Combine(study.Dir, "cli", "imblab.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(study.StorePath, copy);
        var run = CliHarness.Run("report", copy);
        Assert.Equal(0, run.Exit);
        Assert.True(File.Exists(Path.Combine(study.Dir, "cli", "report.html")));
        Assert.Contains("report.html", run.Out, StringComparison.Ordinal);

        var other = CliHarness.Run("report", copy, "--study", "nope");
        Assert.Equal(1, other.Exit);
        Assert.Contains("--study", other.Err, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?:src|href)\s*=\s*""(?!#)|url\((?!#)|@import|https?://(?!www\.w3\.org/)", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex SvgId();
}
