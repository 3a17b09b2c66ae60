using ScottPlot;

namespace ImbLab.Report;

internal enum AxisScale
{
    Linear,

    /// <summary>log10 of the value: values must be &gt; 0.</summary>
    Log10,

    /// <summary>log10(1 + value / unit): 0 stays on the axis, values well above the unit spread like a log axis.</summary>
    SymLog,
}

/// <summary>A tick mark at a value (in data units) and its label.</summary>
internal sealed record Tick(double Value, string Label);

/// <summary>
/// One axis of a figure: its label, the range shown (in data units, whatever the scale) and its ticks (the plotting
/// library places none of its own, so what the model says is what is drawn).
/// </summary>
internal sealed record Axis(string Label, double Min, double Max, IReadOnlyList<Tick> Ticks, AxisScale Scale = AxisScale.Linear, double Unit = 1)
{
    /// <summary>The value as placed on the axis.</summary>
    public double Place(double v) => Scale switch
    {
        AxisScale.Log10 => Math.Log10(v),
        AxisScale.SymLog => Math.Log10(1 + v / Unit),
        _ => v,
    };

    public bool Contains(double v) => v >= Min && v <= Max;
}

/// <summary>A line with an optional band (mean and its range across runs). Low/High may be null: no band.</summary>
internal sealed record LineSeries(string Label, Color Color, bool Dashed, double[] X, double[] Y, double[]? Low = null, double[]? High = null, bool Markers = false)
{
    /// <summary>
    /// The line's dash pattern, an index into <see cref="Charts.Patterns"/> (0 solid, 1 the test set's dashes, 2 dots,
    /// 3 dash-dot, 4 long dashes): remedies get one each. Left at 0, <see cref="Dashed"/> decides between 0 and 1.
    /// </summary>
    public int Pattern { get; init; }

    public int EffectivePattern => Pattern != 0 ? Pattern : Dashed ? 1 : 0;
}

internal sealed record PointSeries(string Label, Color Color, double[] X, double[] Y);

internal sealed record BarSeries(string Label, Color Color, double[] Values);

/// <summary>What a figure shows, with its axes decided: the renderer draws it and decides nothing about the data.</summary>
internal abstract record Chart(string Title, Axis X, Axis Y);

internal sealed record LineChart(string Title, Axis X, Axis Y, IReadOnlyList<LineSeries> Series) : Chart(Title, X, Y);

internal sealed record ScatterChart(string Title, Axis X, Axis Y, IReadOnlyList<PointSeries> Series) : Chart(Title, X, Y);

/// <summary>Grouped bars: one group per category (at x = 0, 1, ...), one bar per series in each group.</summary>
internal sealed record BarChart(string Title, Axis X, Axis Y, IReadOnlyList<string> Categories, IReadOnlyList<BarSeries> Series) : Chart(Title, X, Y);

/// <summary>A figure of the report: what it shows, its caption, a file-name fragment and its size in CSS pixels.</summary>
internal sealed record FigureModel(string Slug, string Caption, Chart Chart, int Width = FigureModel.PanelWidth, int Height = FigureModel.PanelHeight)
{
    public const int PanelWidth = 380;
    public const int PanelHeight = 290;

    /// <summary>A figure whose tick labels are thinned where they would overlap at its size.</summary>
    public static FigureModel Of(string slug, string caption, Chart chart)
    {
        var rows = Layout.LegendRows(LegendLabels(chart), PanelWidth);
        var fitted = chart with
        {
            X = Layout.Legible(chart.X, Layout.DataWidth(PanelWidth), horizontal: true),
            Y = Layout.Legible(chart.Y, Layout.DataHeight(PanelHeight, rows), horizontal: false),
        };
        return new FigureModel(slug, caption, fitted);
    }

    /// <summary>The legend's entries, in order (series without a label have none).</summary>
    public static IReadOnlyList<string> LegendLabels(Chart chart) => (chart switch
    {
        LineChart l => l.Series.Where(s => s.Y.Any(double.IsFinite)).Select(s => s.Label),
        ScatterChart s => s.Series.Where(p => p.X.Length > 0).Select(p => p.Label),
        BarChart b => b.Series.Select(s => s.Label),
        _ => [],
    }).Where(l => l.Length > 0).ToList();
}
