using ScottPlot;

namespace ImbLab.Report;

/// <summary>
/// Draws a <see cref="Chart"/> as a fresh ScottPlot plot (ScottPlot's own style), so the same figure renders to SVG
/// and PNG from the same code. Everything about the data (ranges, ticks, which lines are dashed) comes from the chart.
/// </summary>
internal static class Charts
{
    private const string Font = "DejaVu Sans";

    /// <summary>The dash pattern of test-set lines, in pixels: drawn by Skia in PNG, written as stroke-dasharray in SVG.</summary>
    public static readonly float[] DashIntervals = [6, 4];

    /// <summary>
    /// Skia's SVG canvas cannot write a dash pattern: it outlines a dashed stroke as one filled polygon per dash (about
    /// three times the bytes, and a legend sample shorter than one period comes out solid). So for SVG a dashed line
    /// is drawn solid with this miter limit, which nothing else uses and which changes nothing visible on a 1.8 px
    /// polyline, and <see cref="FigureRender"/> turns the stroke-miterlimit it writes into a stroke-dasharray.
    /// </summary>
    public const float SvgDashMarker = 4.0625f;

    /// <summary>Dash patterns by <see cref="LineSeries.Pattern"/> (index 0, solid, has none); index 1 is the test set's.</summary>
    public static readonly float[][] Patterns = [[], DashIntervals, [1.5f, 3], [8, 3, 2, 3], [12, 4]];

    /// <summary>The SVG marker (miter limit) of a pattern: <see cref="SvgDashMarker"/> for the test set's dashes, then steps of 1/16.</summary>
    public static float SvgMarker(int pattern) => SvgDashMarker + (pattern - 1) / 16f;

    private static readonly LinePattern[] LinePatterns = [.. Patterns.Select((p, i) => new LinePattern(p, 0, "pattern" + i))];

    public static Plot Draw(Chart chart, bool forSvg) => chart switch
    {
        LineChart l => Lines(l, forSvg),
        ScatterChart s => Scatter(s),
        BarChart b => Bars(b),
        CdChart c => CriticalDifference(c),
        _ => throw new ArgumentException($"no drawing for {chart.GetType().Name}", nameof(chart)),
    };

    public static Plot Lines(LineChart chart, bool forSvg = false)
    {
        var plt = NewPlot(chart);
        foreach (var s in chart.Series)
        {
            var keep = Enumerable.Range(0, s.X.Length).Where(i => !double.IsNaN(s.Y[i]) && double.IsFinite(chart.X.Place(s.X[i]))).ToArray();
            if (keep.Length == 0) continue;
            if (s.Low is not null && s.High is not null)
            {
                var band = keep.Where(i => !double.IsNaN(s.Low[i]) && !double.IsNaN(s.High[i])).ToArray();
                if (band.Length > 1)
                {
                    var fill = plt.Add.FillY(band.Select(i => chart.X.Place(s.X[i])).ToArray(), band.Select(i => s.Low[i]).ToArray(), band.Select(i => s.High[i]).ToArray());
                    fill.FillColor = s.Color.WithAlpha(0.18);
                    fill.LineColor = Colors.Transparent;
                    fill.LineWidth = 0;
                }
            }
            var line = plt.Add.ScatterLine(keep.Select(i => chart.X.Place(s.X[i])).ToArray(), keep.Select(i => s.Y[i]).ToArray());
            line.Color = s.Color;
            line.LineWidth = 1.8f;
            var pattern = s.EffectivePattern % Patterns.Length;
            if (pattern != 0 && forSvg) line.LineStyle.StrokeMiter = SvgMarker(pattern);
            else if (pattern != 0) line.LinePattern = LinePatterns[pattern];
            line.MarkerSize = s.Markers || keep.Length == 1 ? 6 : 0;
            line.LegendText = s.Label;
        }
        Finish(plt, chart);
        return plt;
    }

    public static Plot Scatter(ScatterChart chart)
    {
        var plt = NewPlot(chart);
        foreach (var s in chart.Series)
        {
            if (s.X.Length == 0) continue;
            var pts = plt.Add.ScatterPoints(s.X, s.Y);
            pts.Color = s.Color.WithAlpha(0.55);
            pts.MarkerSize = 4;
            pts.MarkerShape = MarkerShape.FilledCircle;
            pts.LegendText = s.Label;
        }
        Finish(plt, chart);
        return plt;
    }

    public static Plot Bars(BarChart chart)
    {
        var plt = NewPlot(chart);
        var width = 0.8 / Math.Max(1, chart.Series.Count);
        for (var k = 0; k < chart.Series.Count; k++)
        {
            var s = chart.Series[k];
            var bars = Enumerable.Range(0, chart.Categories.Count).Select(g => new Bar
            {
                Position = g - 0.4 + width * (k + 0.5),
                Value = s.Values[g],
                FillColor = s.Color,
                LineWidth = 0,
                Size = width * 0.95,
            }).ToList();
            plt.Add.Bars(bars).LegendText = s.Label;
        }
        Finish(plt, chart);
        return plt;
    }

    /// <summary>A diagram of lines and texts placed by the model (the critical-difference diagram): no axes, no grid.</summary>
    public static Plot CriticalDifference(CdChart chart)
    {
        var plt = new Plot();
        plt.Font.Set(Font);
        plt.Title(chart.Title, size: 13);
        plt.Axes.Title.Label.Bold = false;
        foreach (var s in chart.Segments)
        {
            var line = plt.Add.Line(s.X1, s.Y1, s.X2, s.Y2);
            line.LineWidth = s.Width;
            line.LineColor = Colors.Black;
            line.MarkerSize = 0;
        }
        foreach (var l in chart.Labels)
        {
            var text = plt.Add.Text(l.Text, l.X, l.Y);
            text.LabelFontSize = (float)l.FontSize;
            text.LabelFontName = Font;
            text.LabelFontColor = Colors.Black;
            text.LabelAlignment = l.Anchor switch
            {
                TextAnchor.Right => Alignment.MiddleRight,
                TextAnchor.Left => Alignment.MiddleLeft,
                _ => Alignment.LowerCenter,
            };
        }
        plt.Axes.Frameless();
        plt.HideGrid();
        plt.Axes.SetLimits(chart.X.Min, chart.X.Max, chart.Y.Min, chart.Y.Max);
        return plt;
    }

    private static Plot NewPlot(Chart chart)
    {
        var plt = new Plot();
        plt.Font.Set(Font);
        plt.Title(chart.Title, size: 13);
        plt.Axes.Title.Label.Bold = false;
        plt.XLabel(chart.X.Label, size: 12);
        plt.YLabel(chart.Y.Label, size: 12);
        plt.Axes.Bottom.Label.Bold = false;
        plt.Axes.Left.Label.Bold = false;
        plt.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plt.Axes.Left.TickLabelStyle.FontSize = 11;
        plt.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        return plt;
    }

    /// <summary>The chart's axis ranges and ticks, and the legend.</summary>
    private static void Finish(Plot plt, Chart chart)
    {
        plt.Axes.SetLimits(chart.X.Place(chart.X.Min), chart.X.Place(chart.X.Max), chart.Y.Place(chart.Y.Min), chart.Y.Place(chart.Y.Max));
        // The model's ticks only: ScottPlot's own search measures many candidate labels (half the time of a figure).
        plt.Axes.Bottom.TickGenerator = Manual(chart.X);
        plt.Axes.Left.TickGenerator = Manual(chart.Y);
        if (!plt.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText)))) return;
        // Below the axes, in compact rows without a frame: inside the data area it would hide the curves it explains,
        // and a framed box took a third of a panel (Layout estimates the same sizes).
        plt.ShowLegend(Edge.Bottom);
        plt.Legend.Orientation = Orientation.Horizontal;
        plt.Legend.TightHorizontalWrapping = true;
        plt.Legend.FontSize = (float)Layout.LegendFontSize;
        plt.Legend.SymbolWidth = 14;
        plt.Legend.SymbolPadding = 5;
        plt.Legend.Padding = new PixelPadding(2);
        plt.Legend.Margin = new PixelPadding(0);
        plt.Legend.InterItemPadding = new PixelPadding(2, 8, 1, 1);
        plt.Legend.BackgroundColor = Colors.Transparent;
        plt.Legend.OutlineWidth = 0;
        plt.Legend.ShadowColor = Colors.Transparent;
    }

    private static ScottPlot.TickGenerators.NumericManual Manual(Axis axis) =>
        new(axis.Ticks.Select(t => axis.Place(t.Value)).ToArray(), axis.Ticks.Select(t => t.Label).ToArray());
}
