using System.Diagnostics;
using System.Globalization;
using ImbLab.Report;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Report;

public sealed class FabricatedReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-report-fab-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string Html, ReportResult Result) Report(FabricatedStore.Shape shape, string name = "r.html")
    {
        var db = Path.Combine(_dir, Path.GetFileNameWithoutExtension(name) + ".db");
        FabricatedStore.Create(db, shape);
        using var data = StudyStore.Load(db, null);
        var result = ReportWriter.Write(data, data.Findings, Path.Combine(_dir, name), CancellationToken.None);
        return (File.ReadAllText(result.HtmlPath), result);
    }

    [Fact]
    public void Given_names_with_markup_When_reported_Then_they_render_as_text_in_html_and_in_svg()
    {
        const string evil = "<script>alert(1)</script>";
        var (html, result) = Report(new FabricatedStore.Shape(1, [1, 10], 2, 4, ["subsample-minority", "<i>fixed</i>"], Signals: true, Findings: true,
            DatasetName: evil, ClassNames: ["<b>maj</b>", "<img src=x onerror=alert(2)>"]));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>maj", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
        // protocol names reach the sweeps' legends: escaped there too (inline and in the SVG files)
        Assert.Contains(System.Text.RegularExpressions.Regex.Matches(html, "<svg.*?</svg>").Select(m => m.Value), svg => svg.Contains("&lt;i&gt;fixed&lt;/i&gt;", StringComparison.Ordinal));
        Assert.DoesNotContain("<i>fixed", html, StringComparison.Ordinal);
        var files = Directory.GetFiles(result.FiguresFolder, "*.svg").Select(File.ReadAllText).ToList();
        Assert.Contains(files, svg => svg.Contains("&lt;i&gt;fixed&lt;/i&gt;", StringComparison.Ordinal));
        foreach (var svg in files)
        {
            Assert.DoesNotContain("<img", svg, StringComparison.Ordinal);
            Assert.DoesNotContain("<i>", svg, StringComparison.Ordinal);
            System.Xml.Linq.XDocument.Parse(svg); // well-formed XML: nothing broke out of a text node
        }
        // finding statements with markup are text too
        Assert.Contains("Minority &lt;b&gt;train&lt;/b&gt; recall", html, StringComparison.Ordinal);
        // file names of figures never carry the raw name
        Assert.All(Directory.GetFiles(result.FiguresFolder), f => Assert.DoesNotContain("<", Path.GetFileName(f), StringComparison.Ordinal));
    }

    [Fact]
    public void Given_probe_and_findings_tables_When_reported_Then_their_sections_appear_with_verdict_colours()
    {
        var (html, _) = Report(new FabricatedStore.Shape(3, [1, 10, 100], 2, 6, ["subsample-minority", "fixed-n"], Probes: true, Findings: true));
        Assert.Contains("Gradient competition", html, StringComparison.Ordinal);
        Assert.Contains("Per-class gradient norm", html, StringComparison.Ordinal);
        Assert.Contains("Gradient alignment", html, StringComparison.Ordinal);
        Assert.Contains("Share of the update", html, StringComparison.Ordinal);
        Assert.Contains("Representation separability", html, StringComparison.Ordinal);
        Assert.Contains("Silhouette", html, StringComparison.Ordinal);
        Assert.Contains("NC1", html, StringComparison.Ordinal);
        Assert.Contains("Classifier weight norm", html, StringComparison.Ordinal);
        Assert.Contains("class=\"v-supported\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"v-contradicted\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"v-inconclusive\"", html, StringComparison.Ordinal);
        // the figures come first; the findings follow, per dataset in a collapsible block, controls in their finding's row
        Assert.True(html.IndexOf("<figure>", StringComparison.Ordinal) < html.IndexOf("id=\"findings\"", StringComparison.Ordinal), "findings before the figures");
        Assert.Contains("<details class=\"findings\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">controls:memorisation<", html, StringComparison.Ordinal);
        Assert.Contains("memorisation under subsample-minority: supported; fixed-n: supported", html, StringComparison.Ordinal);
        // 3 datasets, 3 levels: Friedman with Holm post-hoc per protocol; 2 protocols per level: Wilcoxon
        Assert.Contains("Friedman over 3 conditions, 3 datasets", html, StringComparison.Ordinal);
        Assert.Contains("p (Holm)", html, StringComparison.Ordinal);
        Assert.Contains("IR 10: protocols", html, StringComparison.Ordinal);
        // the whole-network gradient of all classes together is named as such in the legend
        Assert.Contains(">all classes (full gradient)</text>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">grad_norm</text>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_three_datasets_ordered_alike_When_reported_Then_the_tests_are_exact_wilcoxon_and_friedman_by_hand()
    {
        // The fabricated final minority test recall falls with IR on every dataset (about 1.0, 0.39, 0.19 at IR 1, 10,
        // 100; the noise is ±0.01), so every dataset ranks the levels alike and every difference has the same sign.
        var (html, _) = Report(new FabricatedStore.Shape(3, [1, 10, 100], 2, 6, ["fixed-n"]));
        // Friedman, n = 3, k = 3, rank sums 3, 6, 9: chi2 = 12/(3*3*4) * 126 - 3*3*4 = 6, df 2: p = exp(-3) = 0.0498
        Assert.Contains("Friedman over 3 conditions, 3 datasets: χ² = 6.00, df = 2, p = 0.050. Mean ranks (1 = lowest recall): IR 1 3.00, IR 10 2.00, IR 100 1.00.", html, StringComparison.Ordinal);
        // Wilcoxon, 3 positive distinct differences: W = min(W+, W-) = min(6, 0) = 0; exact null: 2^3 sign patterns,
        // one with W+ = 6, so p = 2 * 1/8 = 0.25 (the normal approximation with continuity correction the report used
        // before gave z = (6 - 3 - 0.5)/sqrt(3.5) = 1.336, p = 0.181). Holm over 3 equal p: min(1, 3 * 0.25) = 0.75.
        foreach (var (a, b) in new[] { ("IR 1", "IR 10"), ("IR 1", "IR 100"), ("IR 10", "IR 100") })
            Assert.Matches($"<tr><td class=\"l\">{a}</td><td class=\"l\">{b}</td><td>3</td><td>3</td><td>0\\.[0-9]+</td><td>0</td><td>0\\.250</td><td class=\"l\">exact</td><td>0\\.750</td></tr>", html);
        Assert.Contains("the p-value is exact when at most 25 differences remain", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_store_without_probes_When_reported_Then_their_sections_are_absent()
    {
        var (html, _) = Report(new FabricatedStore.Shape(1, [1, 10], 2, 4, ["subsample-minority"]));
        Assert.DoesNotContain("Gradient competition", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Representation separability", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Per-sample dynamics", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"findings\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_no_png_option_When_reported_again_Then_the_figures_are_svg_only_and_the_last_reports_pngs_are_gone()
    {
        var shape = new FabricatedStore.Shape(1, [1, 10], 2, 4, ["subsample-minority"]);
        var db = Path.Combine(_dir, "png.db");
        FabricatedStore.Create(db, shape);
        using var data = StudyStore.Load(db, null);
        var html = Path.Combine(_dir, "png.html");
        var withPng = ReportWriter.Write(data, data.Findings, html, new ReportOptions { Png = true }, CancellationToken.None);
        Assert.True(withPng.Png);
        Assert.Equal(withPng.Figures, Directory.GetFiles(withPng.FiguresFolder, "*.png").Length);
        File.WriteAllText(Path.Combine(withPng.FiguresFolder, "notes.txt"), "mine");

        var svgOnly = ReportWriter.Write(data, data.Findings, html, CancellationToken.None);
        Assert.False(svgOnly.Png);
        Assert.Equal(svgOnly.Figures, Directory.GetFiles(svgOnly.FiguresFolder, "*.svg").Length);
        Assert.Empty(Directory.GetFiles(svgOnly.FiguresFolder, "*.png"));
        Assert.True(File.Exists(Path.Combine(svgOnly.FiguresFolder, "notes.txt")), "a file the report did not write was deleted");
    }

    /// <summary>
    /// The size and load time of a large study's report. By default 1 dataset of the 44 x 6 IR x 5 seed shape (the
    /// size grows linearly with datasets, so the 44-dataset size is extrapolated); tools/browser/report-benchmark.sh
    /// sets IMBLAB_REPORT_BENCH_DATASETS=44 to run the whole shape (about a minute).
    /// </summary>
    [SkippableFact]
    public void Given_a_study_of_the_44_dataset_shape_When_reported_Then_it_stays_under_20_MB_and_loads_cleanly()
    {
        var bench = int.TryParse(Environment.GetEnvironmentVariable("IMBLAB_REPORT_BENCH_DATASETS"), CultureInfo.InvariantCulture, out var n);
        var datasets = bench ? n : 1;
        var clock = Stopwatch.StartNew();
        var (_, result) = Report(new FabricatedStore.Shape(datasets, [1, 2, 5, 10, 50, 100], 5, 100, ["subsample-minority"]), "big.html");
        var writeSeconds = clock.Elapsed.TotalSeconds;
        var projected = result.HtmlBytes / (double)datasets * 44;
        Assert.True(projected < 20e6, $"{result.HtmlBytes} bytes for {datasets} datasets: {projected / 1e6:F1} MB projected for 44");

        var baseline = Path.Combine(_dir, "blank.html");
        File.WriteAllText(baseline, "<!DOCTYPE html><html><body><p>x</p></body></html>");
        var blank = Chromium.Screenshot(baseline, Path.Combine(_dir, "blank.png"));
        var load = Chromium.Screenshot(result.HtmlPath, Path.Combine(_dir, "big.png"));
        var open = load.Elapsed - blank.Elapsed;
        Assert.Empty(load.ConsoleLines);
        // The load-time target (3 s beyond a blank page) is the benchmark's (tools/browser/report-benchmark.sh), never a
        // unit test's: on a loaded CI machine a timed assertion fails for reasons that are not the report's.
        if (bench) Assert.True(open < TimeSpan.FromSeconds(3), $"opening took {open.TotalSeconds:F2} s beyond a blank page");
        var report = $"report bench: {datasets} datasets, {result.Figures} figures, {result.HtmlBytes / 1e6:F2} MB (44 datasets: {projected / 1e6:F1} MB), written in {writeSeconds:F1} s, opened in {open.TotalSeconds:F2} s beyond a blank page ({load.Elapsed.TotalSeconds:F2} s in all)";
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "imblab-report-bench.txt"), report);
    }
}
