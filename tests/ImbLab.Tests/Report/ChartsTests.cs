using System.Text.RegularExpressions;
using ImbLab.Report;
using Xunit;

namespace ImbLab.Tests.Report;

public sealed class ChartsTests
{
    private static readonly double[] Epochs = [0, 1, 2, 3, 4];

    private static LineChart Curves() => new("IR 10", Scales.Linear("epoch", Epochs), Scales.Ticked("recall", 0, 1),
    [
        new LineSeries("min positive train", Palette.Minority, false, Epochs, [0, 0.2, 0.5, 0.8, 1], [0, 0.1, 0.4, 0.7, 0.9], [0, 0.3, 0.6, 0.9, 1]),
        new LineSeries("min positive test", Palette.Minority, true, Epochs, [0, 0.1, 0.2, 0.3, 0.3]),
        new LineSeries("maj negative train", Palette.Majority, false, Epochs, [0.5, 0.9, 1, 1, 1]),
    ]);

    private static string Svg(Chart chart) => FigureRender.Render("t", chart, 380, 260, "f0_", png: false).InlineSvg;

    [Fact]
    public void Given_fixed_curves_When_drawn_Then_the_svg_has_the_axis_labels_legend_entries_and_one_path_per_series()
    {
        var svg = Svg(Curves());
        Assert.StartsWith("<svg viewBox=\"0 0 380 260\"", svg, StringComparison.Ordinal);
        Assert.Contains(">epoch</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">recall</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">IR 10</text>", svg, StringComparison.Ordinal);
        foreach (var label in new[] { "min positive train", "min positive test", "maj negative train" })
            Assert.Contains($">{label}</text>", svg, StringComparison.Ordinal);
        // three lines in the plot area (clipped) in the class colours, one band (filled) for the first
        Assert.Equal(2, Regex.Count(svg, "<g clip-path[^>]*><path fill=\"none\" stroke=\"#D55E00\"", RegexOptions.IgnoreCase));
        Assert.Equal(1, Regex.Count(svg, "<g clip-path[^>]*><path fill=\"none\" stroke=\"#0072B2\"", RegexOptions.IgnoreCase));
        Assert.True(Regex.Count(svg, $"stroke=\"{Palette.MajorityHex}\"", RegexOptions.IgnoreCase) >= 1);
        Assert.Single(Regex.Matches(svg, "<path fill=\"#D55E00\" fill-opacity", RegexOptions.IgnoreCase));
        // the test-set line is a stroke with a dash pattern, in the plot and in its legend sample; no marker is left over
        Assert.Equal(2, Regex.Count(svg, "<path fill=\"none\" stroke=\"#D55E00\" stroke-width=\"1.8\" stroke-dasharray=\"6 4\"", RegexOptions.IgnoreCase));
        Assert.Equal(2, Regex.Count(svg, "stroke-dasharray"));
        Assert.DoesNotContain("stroke-miterlimit", svg, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d\.\d{2,}", Regex.Replace(svg, "(fill|stroke)-opacity=\"[^\"]*\"", ""));
    }

    [Fact]
    public void Given_a_log_axis_chart_When_drawn_Then_ticks_are_labelled_in_original_units()
    {
        var chart = new LineChart("sweep", Scales.LogLevels("imbalance ratio", [1, 10, 100]), Scales.Ticked("recall", 0, 1),
            [new LineSeries("fixed-n", Palette.ForSeries(0), false, [1, 10, 100], [0.9, 0.5, 0.1], Markers: true)]);
        var svg = Svg(chart);
        foreach (var tick in new[] { ">1</text>", ">10</text>", ">100</text>", ">fixed-n</text>" })
            Assert.Contains(tick, svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_sweep_levels_within_one_decade_When_drawn_on_a_log_axis_Then_each_level_has_its_tick()
    {
        var chart = new LineChart("sweep", Scales.LogLevels("imbalance ratio", [130, 200, 300]), Scales.Ticked("recall", 0, 1),
            [new LineSeries("fixed-n", Palette.ForSeries(0), false, [130, 200, 300], [0.5, 0.3, 0.1], Markers: true)]);
        var svg = Svg(chart);
        foreach (var tick in new[] { ">130</text>", ">200</text>", ">300</text>" })
            Assert.Contains(tick, svg, StringComparison.Ordinal);
        Assert.DoesNotContain(">100</text>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_scatter_and_bars_When_drawn_Then_each_class_is_a_legend_entry_in_its_colour()
    {
        var scatter = Svg(new ScatterChart("Data map", Scales.Ticked("variability", 0, 0.5), Scales.Ticked("confidence", 0, 1),
            [new PointSeries("maj a", Palette.Majority, [0.1, 0.2], [0.9, 0.8]), new PointSeries("min b", Palette.Minority, [0.3], [0.2])]));
        Assert.Contains(">maj a</text>", scatter, StringComparison.Ordinal);
        Assert.Contains(">min b</text>", scatter, StringComparison.Ordinal);
        Assert.Contains(">variability</text>", scatter, StringComparison.Ordinal);
        var bars = Svg(new BarChart("Forgetting", new Axis("events", -0.5, 2.5, [new Tick(0, "0"), new Tick(1, "1"), new Tick(2, "2")]),
            Scales.Ticked("share of the class (%)", 0, 100), ["0", "1", "2"],
            [new BarSeries("maj a", Palette.Majority, [80, 15, 5]), new BarSeries("min b", Palette.Minority, [20, 50, 30])]));
        Assert.Contains(">share of the class (%)</text>", bars, StringComparison.Ordinal);
        Assert.Contains(Palette.MinorityHex, bars, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Palette.MajorityHex, bars, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Given_a_figure_When_rendered_Then_the_png_is_drawn_at_twice_the_size()
    {
        var fig = FigureRender.Render("t", Curves(), 380, 260, "f1_", png: true);
        Assert.NotNull(fig.Png);
        using var bitmap = SkiaSharp.SKBitmap.Decode(fig.Png);
        Assert.Equal(760, bitmap.Width);
        Assert.Equal(520, bitmap.Height);
        Assert.Contains("id=\"f1_", fig.InlineSvg, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"cl_", fig.InlineSvg, StringComparison.Ordinal);
    }
}
