using System.Text.RegularExpressions;
using ImbLab.Analysis.Findings;
using ImbLab.Report;
using ImbLab.Store;
using ImbLab.Tests.Findings;
using Xunit;

namespace ImbLab.Tests.Report;

/// <summary>The report's remedies section on hand-made remedy studies (RemedyStudies): model first, then the page.</summary>
public sealed class RemedyReportTests : IDisposable
{
    private const string Cb = "cb:beta=0.999";
    private const string Focal = "focal:gamma=2";
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-remedy-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store(int datasets, params (string, RemedyStudies.Effect)[] remedies) =>
        RemedyStudies.Write(Path.Combine(_dir, $"r{datasets}-{remedies.Length}.db"), datasets, remedies, [1, 10, 20], 3);

    [Fact]
    public void Given_27_remedies_When_split_into_overlaid_sets_Then_each_figure_shows_at_most_five_led_by_none_and_every_remedy_once()
    {
        // The first 27-remedy KEEL study drew all 27 in one figure: a legend taller than the figure, lines unreadable.
        string[] remedies = ["none", .. Enumerable.Range(1, 26).Select(i => $"remedy-{i}")];

        var sets = RemedyFigures.Overlaid(remedies);

        Assert.All(sets, set => Assert.InRange(set.Count, 2, RemedyFigures.MaxOverlaid));
        Assert.All(sets, set => Assert.Equal("none", set[0]));
        Assert.Equal(remedies.Skip(1), sets.SelectMany(set => set.Skip(1)));
        Assert.Equal([remedies[..3]], RemedyFigures.Overlaid(remedies[..3]));
    }

    [Fact]
    public void Given_a_study_of_three_remedies_on_eight_datasets_When_the_model_is_built_Then_the_section_has_the_phase_tables_CD_diagrams_curves_and_sweeps()
    {
        var path = Store(8, ("none", RemedyStudies.None), (Cb, RemedyStudies.Helps), (Focal, RemedyStudies.Hair));
        using var data = StudyStore.Load(path, "s1");
        var model = ReportModel.Build(data, FindingsEngine.Compute(data), new ReportOptions());
        var r = Assert.IsType<RemedySection>(model.Remedies);
        Assert.Equal(["none", Cb, Focal], r.Remedies);
        var across = Assert.Single(r.Across);
        Assert.Equal([Cb, Focal], across.Rows.Select(x => x.Remedy));
        // cb acts on every phase (underfitting up, gap down, balanced accuracy and AUC up); focal on none, and the data rule out that it does.
        Assert.All(across.Rows[0].Cells, c => Assert.Equal("supported", c.Verdict));
        Assert.Equal(["contradicted", "contradicted", "contradicted", "contradicted"], across.Rows[1].Cells.Select(c => c.Verdict));
        Assert.True(across.Rows[0].Cells[1].Change.Value < 0, "cb narrows the gap");
        Assert.Equal(8, r.PerDataset.Count);
        Assert.Equal(2, r.CdDiagrams.Count);
        Assert.Equal(8, r.Curves.Count);
        Assert.All(r.Curves, g => Assert.Equal(2, g.Grid.Figures.Count));
        Assert.All(r.Sweeps, g => Assert.Equal(4, g.Grid.Figures.Count));
        // Colour = class, line style = remedy: none solid, cb the test-set dashes' pattern, focal dots.
        var train = (LineChart)r.Curves[0].Grid.Figures[0].Chart;
        Assert.Equal(6, train.Series.Count);
        Assert.Equal([0, 0, 1, 1, 2, 2], train.Series.Select(s => s.EffectivePattern));
        Assert.Equal(3, train.Series.Count(s => s.Color == Palette.Minority));
        Assert.Empty(FigureChecks.Problems(model));
    }

    [Fact]
    public void Given_a_study_of_none_only_When_the_model_is_built_Then_there_is_no_remedies_section()
    {
        var path = Store(2, ("none", RemedyStudies.None));
        using var data = StudyStore.Load(path, "s1");
        Assert.Null(ReportModel.Build(data, [], new ReportOptions()).Remedies);
    }

    [Fact]
    public void Given_a_remedy_study_When_the_report_is_written_Then_the_page_shows_the_section_and_every_pattern_is_a_dash_array()
    {
        var path = Store(8, ("none", RemedyStudies.None), (Cb, RemedyStudies.Helps), (Focal, RemedyStudies.Hair));
        using var data = StudyStore.Load(path, "s1");
        var keep = Environment.GetEnvironmentVariable("IMBLAB_KEEP_FIGURES");
        var html = Path.Combine(keep is { Length: > 0 } ? keep : _dir, "remedy-report.html");
        var result = ReportWriter.Write(data, FindingsEngine.Compute(data), html, new ReportOptions { Png = keep is { Length: > 0 } }, CancellationToken.None);
        var page = File.ReadAllText(result.HtmlPath);
        Assert.Contains("<section id=\"remedies\"><h2>Remedies</h2>", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#remedies\">Remedies</a>", page, StringComparison.Ordinal);
        Assert.Contains(">CD = ", page, StringComparison.Ordinal);
        Assert.Contains("stroke-dasharray=\"1.5 3\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("stroke-miterlimit", page, StringComparison.Ordinal);
        // The phase table: one row per remedy other than none, four verdict-coloured cells each.
        var table = Regex.Match(page, "<table class=\"phases\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.Equal(8, Regex.Count(table, "<td class=\"v-"));
    }
}
