using ImbLab.Analysis.Statistics;
using ImbLab.Report;
using Xunit;

namespace ImbLab.Tests.Report;

public sealed class CdDiagramTests
{
    private static readonly string[] Names = ["none", "cb:beta=0.999", "focal:gamma=2", "ros", "smote:k=5+la-loss:tau=1", "balanced-softmax"];
    private static readonly double[] Ranks = [4.6, 2.1, 3.9, 2.4, 1.8, 5.2];

    private static FigureModel Figure(double cd = 1.2) =>
        CdDiagram.Of("cd", "test balanced accuracy", "caption", Names, Ranks, cd, Ranking.Cliques(Ranks, cd));

    /// <summary>27 treatments with long names, as the remedy study of every remedy has (the first version cut them at the edge).</summary>
    private static FigureModel Wide()
    {
        var names = Enumerable.Range(0, 27).Select(i => i % 3 == 0 ? $"ldam-drw:margin=0.5:s=30:at=0.8:beta=0.{i:00}" : $"remedy-{i}").ToArray();
        var ranks = Enumerable.Range(0, 27).Select(i => 1 + i * 26.0 / 26).ToArray();
        return CdDiagram.Of("cd", "many", "caption", names, ranks, 13.1, Ranking.Cliques(ranks, 13.1));
    }

    public static TheoryData<bool> Sizes => new() { false, true };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Given_ranks_and_a_CD_When_the_diagram_is_built_Then_every_line_and_text_lies_inside_its_axes(bool wide)
    {
        var figure = wide ? Wide() : Figure();
        var chart = (CdChart)figure.Chart;
        foreach (var s in chart.Segments)
        {
            Assert.InRange(s.X1, chart.X.Min, chart.X.Max);
            Assert.InRange(s.X2, chart.X.Min, chart.X.Max);
            Assert.InRange(s.Y1, chart.Y.Min, chart.Y.Max);
            Assert.InRange(s.Y2, chart.Y.Min, chart.Y.Max);
        }
        foreach (var l in chart.Labels)
        {
            Assert.InRange(l.Y, chart.Y.Min, chart.Y.Max);
            // A label's far end, estimated from its width, stays inside the figure too.
            var unitsPerPx = (chart.X.Max - chart.X.Min) / (figure.Width - 40);
            var width = Layout.TextWidth(l.Text, l.FontSize) * unitsPerPx;
            if (l.Anchor == TextAnchor.Right) Assert.True(l.X - width >= chart.X.Min, $"'{l.Text}' runs off the left edge");
            if (l.Anchor == TextAnchor.Left) Assert.True(l.X + width <= chart.X.Max, $"'{l.Text}' runs off the right edge");
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Given_the_rank_axis_Then_its_numbers_do_not_overlap_and_rank_1_is_numbered(bool wide)
    {
        var figure = wide ? Wide() : Figure();
        var chart = (CdChart)figure.Chart;
        var unitsPerPx = (chart.X.Max - chart.X.Min) / (figure.Width - 40);
        var numbers = chart.Labels.Where(l => l.Anchor == TextAnchor.Above && !l.Text.StartsWith("CD", StringComparison.Ordinal)).OrderBy(l => l.X).ToList();
        Assert.Equal("1", numbers[0].Text);
        for (var i = 1; i < numbers.Count; i++)
        {
            var gap = (numbers[i].X - numbers[i - 1].X) / unitsPerPx;
            var room = (Layout.TextWidth(numbers[i].Text, numbers[i].FontSize) + Layout.TextWidth(numbers[i - 1].Text, numbers[i - 1].FontSize)) / 2;
            Assert.True(gap > room, $"rank numbers {numbers[i - 1].Text} and {numbers[i].Text} are {gap:F1} px apart; they need {room:F1}");
        }
    }

    [Fact]
    public void Given_ranks_and_a_CD_When_the_diagram_is_built_Then_each_treatment_has_a_label_on_its_side_and_the_CD_bar_has_the_CD_length()
    {
        var chart = (CdChart)Figure().Chart;
        // Every treatment labelled once with its rank; the three best on the left, the three worst on the right.
        foreach (var (name, i) in Names.Select((n, i) => (n, i)))
        {
            var label = Assert.Single(chart.Labels, l => l.Text.StartsWith(name + " (", StringComparison.Ordinal));
            Assert.Equal(Ranks[i] <= 2.4 ? TextAnchor.Right : TextAnchor.Left, label.Anchor);
        }
        Assert.Contains(chart.Labels, l => l.Text == "CD = 1.20");
        // The CD bar is the horizontal segment above the axis (y > 0) from rank 1.
        var cdBar = Assert.Single(chart.Segments, s => s.Y1 > 0.5 && s.Y1 == s.Y2);
        Assert.Equal(1.0, cdBar.X1, 12);
        Assert.Equal(2.2, cdBar.X2, 12);
        // Labels on one side never share a row.
        foreach (var side in chart.Labels.Where(l => l.Anchor != TextAnchor.Above).GroupBy(l => l.Anchor))
            Assert.Equal(side.Count(), side.Select(l => l.Y).Distinct().Count());
    }

    [Fact]
    public void Given_the_cliques_When_the_diagram_is_built_Then_one_thick_bar_spans_each_group_of_non_different_treatments()
    {
        // Sorted ranks 1.8, 2.1, 2.4, 3.9, 4.6, 5.2 with CD 1.2: {1.8..2.4}, {3.9..4.6}, {4.6, 5.2}.
        var chart = (CdChart)Figure().Chart;
        var bars = chart.Segments.Where(s => s.Width >= 4).OrderBy(s => s.X1).ToList();
        Assert.Equal(3, bars.Count);
        Assert.Equal(1.8 - 0.03, bars[0].X1, 12);
        Assert.Equal(2.4 + 0.03, bars[0].X2, 12);
        Assert.Equal(3.9 - 0.03, bars[1].X1, 12);
        Assert.Equal(4.6 + 0.03, bars[1].X2, 12);
        Assert.Equal(5.2 + 0.03, bars[2].X2, 12);
    }

    [Fact]
    public void Given_the_diagram_When_rendered_Then_the_svg_holds_every_label_and_the_png_is_drawn()
    {
        var figure = Figure();
        var rendered = FigureRender.Render("cd", figure.Chart, figure.Width, figure.Height, "f0_", png: true);
        foreach (var name in Names) Assert.Contains($">{name} (", rendered.InlineSvg, StringComparison.Ordinal);
        Assert.Contains(">CD = 1.20</text>", rendered.InlineSvg, StringComparison.Ordinal);
        Assert.NotNull(rendered.Png);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], rendered.Png![..4]);
        // To look at it: IMBLAB_KEEP_FIGURES=DIR keeps the PNG there.
        if (Environment.GetEnvironmentVariable("IMBLAB_KEEP_FIGURES") is { Length: > 0 } dir)
            File.WriteAllBytes(Path.Combine(dir, "cd-diagram.png"), rendered.Png);
    }
}
