using ImbLab.Report;
using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Report;

public sealed class FigureRenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-figure-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two protocols, probes, signals: every kind of chart the report draws (lines, bands, markers, dashes, scatter, bars).</summary>
    private ReportModel Model()
    {
        var db = Path.Combine(_dir, "s.db");
        FabricatedStore.Create(db, new FabricatedStore.Shape(1, [1, 10, 100], 2, 20, ["subsample-minority", "fixed-n"], Probes: true, Signals: true, Findings: true));
        using var data = StudyStore.Load(db, null);
        return ReportModel.Build(data, data.Findings, new ReportOptions());
    }

    [Fact]
    public void Given_every_kind_of_figure_When_drawn_as_svg_Then_it_is_scottplots_own_svg()
    {
        var figures = Model().Figures.ToList();
        Assert.Contains(figures, f => f.Chart is LineChart);
        Assert.Contains(figures, f => f.Chart is ScatterChart);
        Assert.Contains(figures, f => f.Chart is BarChart);
        foreach (var f in figures)
        {
            var ours = FigureRender.Svg(Charts.Draw(f.Chart, forSvg: true), f.Width, f.Height);
            var scottPlots = Charts.Draw(f.Chart, forSvg: true).GetSvgXml(f.Width, f.Height);
            // Byte for byte once the clip ids, which Skia numbers across the process, are numbered per figure.
            Assert.True(FigureRender.Lean(ours, "f_") == FigureRender.Lean(scottPlots, "f_"), $"{f.Slug}: the SVG differs from ScottPlot's GetSvgXml");
        }
    }

    [Fact]
    public void Given_one_report_When_rendered_on_one_thread_and_on_four_Then_the_page_and_every_figure_are_the_same_bytes()
    {
        var model = Model();
        var (html1, figures1) = ReportRenderer.Render(model, maxThreads: 1);
        var (html4, figures4) = ReportRenderer.Render(model, maxThreads: 4);
        var (again, _) = ReportRenderer.Render(model);
        Assert.True(html1 == html4, "the page differs between 1 and 4 threads");
        Assert.True(html1 == again, "the page differs between two renders");
        Assert.Equal(figures1.Count, figures4.Count);
        for (var i = 0; i < figures1.Count; i++)
        {
            Assert.Equal(figures1[i].Name, figures4[i].Name);
            Assert.True(figures1[i].Svg == figures4[i].Svg, $"{figures1[i].Name}: the SVG file differs between 1 and 4 threads");
        }
    }
}
