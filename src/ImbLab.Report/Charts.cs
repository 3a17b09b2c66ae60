using System.Globalization;
using ScottPlot;

namespace ImbLab.Report;

/// <summary>A line with an optional band (mean and its interval across seeds). Low/High may be null: no band.</summary>
internal sealed record LineSeries(string Label, Color Color, bool Dashed, double[] X, double[] Y, double[]? Low = null, double[]? High = null, bool Markers = false);

internal sealed record LineChart(string Title, string XLabel, string YLabel, IReadOnlyList<LineSeries> Series, bool LogX = false, double? YMin = null, double? YMax = null);

internal sealed record PointSeries(string Label, Color Color, double[] X, double[] Y);

internal sealed record ScatterChart(string Title, string XLabel, string YLabel, IReadOnlyList<PointSeries> Series, double? XMax = null);

internal sealed record BarSeries(string Label, Color Color, double[] Values);

/// <summary>Grouped bars: one group per category, one bar per series in each group.</summary>
internal sealed record BarChart(string Title, string XLabel, string YLabel, IReadOnlyList<string> Categories, IReadOnlyList<BarSeries> Series);

/// <summary>
/// Each figure is built from immutable data by one function that returns a fresh ScottPlot plot (ScottPlot's own
/// style), so the same figure renders to SVG and PNG from the same code.
/// </summary>
internal static class Charts
{
    private const string Font = "DejaVu Sans";

    /// <summary>The alpha (254/255) that marks a dashed line in SVG output, and how Skia writes it.</summary>
    public const string DashMarkerOpacity = "0.99607843";

    private const byte DashMarker = 254;

    public static Plot Lines(LineChart chart, bool forSvg = false)
    {
        var plt = NewPlot(chart.Title, chart.XLabel, chart.YLabel);
        double Tx(double x) => chart.LogX ? Math.Log10(x) : x;
        foreach (var s in chart.Series)
        {
            var keep = Enumerable.Range(0, s.X.Length).Where(i => !double.IsNaN(s.Y[i]) && (!chart.LogX || s.X[i] > 0)).ToArray();
            if (keep.Length == 0) continue;
            var xs = keep.Select(i => Tx(s.X[i])).ToArray();
            if (s.Low is not null && s.High is not null)
            {
                var band = keep.Where(i => !double.IsNaN(s.Low[i]) && !double.IsNaN(s.High[i])).ToArray();
                if (band.Length > 1)
                {
                    double Clamp(double v) => Math.Clamp(v, chart.YMin ?? double.MinValue, chart.YMax ?? double.MaxValue);
                    var fill = plt.Add.FillY(band.Select(i => Tx(s.X[i])).ToArray(), band.Select(i => Clamp(s.Low[i])).ToArray(), band.Select(i => Clamp(s.High[i])).ToArray());
                    fill.FillColor = s.Color.WithAlpha(0.18);
                    fill.LineColor = Colors.Transparent;
                    fill.LineWidth = 0;
                }
            }
            var line = plt.Add.ScatterLine(xs, keep.Select(i => s.Y[i]).ToArray());
            line.Color = s.Dashed && forSvg ? s.Color.WithAlpha(DashMarker) : s.Color;
            line.LineWidth = 1.8f;
            line.LinePattern = s.Dashed && !forSvg ? LinePattern.Dashed : LinePattern.Solid;
            line.MarkerSize = s.Markers || keep.Length == 1 ? 6 : 0;
            line.LegendText = s.Label;
        }
        if (chart.LogX) LogTicks(plt, chart.Series.SelectMany(s => s.X).Where(x => x > 0).DefaultIfEmpty(1).ToArray());
        plt.Axes.AutoScale();
        if (chart.YMin is { } lo && chart.YMax is { } hi) plt.Axes.SetLimitsY(lo, hi);
        Legend(plt);
        return plt;
    }

    public static Plot Scatter(ScatterChart chart, bool forSvg = false)
    {
        var plt = NewPlot(chart.Title, chart.XLabel, chart.YLabel);
        foreach (var s in chart.Series)
        {
            if (s.X.Length == 0) continue;
            var pts = plt.Add.ScatterPoints(s.X, s.Y);
            pts.Color = s.Color.WithAlpha(0.55);
            pts.MarkerSize = 4;
            pts.MarkerShape = MarkerShape.FilledCircle;
            pts.LegendText = s.Label;
        }
        plt.Axes.SetLimitsX(0, chart.XMax ?? 0.5);
        plt.Axes.SetLimitsY(0, 1);
        Legend(plt);
        return plt;
    }

    public static Plot Bars(BarChart chart, bool forSvg = false)
    {
        var plt = NewPlot(chart.Title, chart.XLabel, chart.YLabel);
        var groups = chart.Categories.Count;
        var width = 0.8 / Math.Max(1, chart.Series.Count);
        for (var k = 0; k < chart.Series.Count; k++)
        {
            var s = chart.Series[k];
            var bars = Enumerable.Range(0, groups).Select(g => new Bar
            {
                Position = g - 0.4 + width * (k + 0.5),
                Value = s.Values[g],
                FillColor = s.Color,
                LineWidth = 0,
                Size = width * 0.95,
            }).ToList();
            var plot = plt.Add.Bars(bars);
            plot.LegendText = s.Label;
        }
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, groups).Select(g => (double)g).ToArray(), chart.Categories.ToArray());
        plt.Axes.Margins(bottom: 0);
        Legend(plt);
        return plt;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plt = new Plot();
        plt.Font.Set(Font);
        plt.Title(title, size: 13);
        plt.Axes.Title.Label.Bold = false;
        plt.XLabel(xLabel, size: 12);
        plt.YLabel(yLabel, size: 12);
        plt.Axes.Bottom.Label.Bold = false;
        plt.Axes.Left.Label.Bold = false;
        plt.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plt.Axes.Left.TickLabelStyle.FontSize = 11;
        plt.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        return plt;
    }

    private static void Legend(Plot plt)
    {
        if (!plt.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText)))) return;
        // Below the axes, in rows: inside the data area it would hide the curves it explains.
        plt.ShowLegend(Edge.Bottom);
        plt.Legend.Orientation = Orientation.Horizontal;
        plt.Legend.FontSize = 10;
        plt.Legend.BackgroundColor = Colors.White.WithAlpha(0.8);
        plt.Legend.OutlineColor = Colors.Black.WithAlpha(0.2);
    }

    /// <summary>
    /// Ticks of a log10 axis at every x value present, labelled in the original units: the x values are the levels of
    /// a sweep (e.g. IR 130, 200, 300), and 1-2-5 steps would leave most of them unlabelled.
    /// </summary>
    private static void LogTicks(Plot plt, double[] xs)
    {
        var levels = xs.Distinct().Order().ToArray();
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            levels.Select(Math.Log10).ToArray(), levels.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)).ToArray());
    }
}
