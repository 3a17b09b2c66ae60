namespace ImbLab.Report;

/// <summary>
/// Where things land in a drawn figure, estimated from the figure's size and the font (DejaVu Sans) so the model can
/// keep tick labels from overlapping and legends small without drawing anything. The estimates err on the wide side.
/// </summary>
internal static class Layout
{
    public const double TickFontSize = 11;
    public const double LegendFontSize = 10;

    /// <summary>Smallest free space between two tick labels, in pixels.</summary>
    public const double TickGap = 4;

    /// <summary>The width of a text in pixels: DejaVu Sans advance widths per em, rounded up by class of character.</summary>
    public static double TextWidth(string text, double fontSize)
    {
        double em = 0;
        foreach (var ch in text)
            em += ch switch
            {
                >= '0' and <= '9' => 0.64,
                'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' => 0.32,
                ' ' => 0.32,
                'r' or 't' or 'f' or '-' or '(' or ')' or '/' => 0.42,
                'm' or 'w' or 'M' or 'W' or '%' => 0.98,
                >= 'A' and <= 'Z' => 0.75,
                _ => 0.64,
            };
        return em * fontSize;
    }

    /// <summary>The data area's width in a figure of this width: the y axis with its labels and a right margin taken off.</summary>
    public static double DataWidth(int figureWidth) => figureWidth - 80;

    /// <summary>The data area's height: title, x axis with its labels and the legend taken off.</summary>
    public static double DataHeight(int figureHeight, int legendRows) => figureHeight - 95 - LegendHeight(legendRows);

    public static double LegendHeight(int rows) => rows == 0 ? 0 : rows * (LegendFontSize + 6) + 8;

    /// <summary>How many rows a legend of these labels takes below a figure of this width (items flow left to right).</summary>
    public static int LegendRows(IReadOnlyList<string> labels, int figureWidth)
    {
        if (labels.Count == 0) return 0;
        var rows = 1;
        double used = 0, room = figureWidth - 20;
        foreach (var label in labels)
        {
            var item = LegendItemWidth(label);
            if (used > 0 && used + item > room) { rows++; used = 0; }
            used += item;
        }
        return rows;
    }

    /// <summary>A legend item: its symbol (14 px), a gap and its label, and the space before the next item.</summary>
    public static double LegendItemWidth(string label) => 14 + 5 + TextWidth(label, LegendFontSize) + 10;

    /// <summary>A tick's place along the axis in pixels from its start.</summary>
    public static double Pixel(Axis axis, double value, double length) =>
        (axis.Place(value) - axis.Place(axis.Min)) / (axis.Place(axis.Max) - axis.Place(axis.Min)) * length;

    /// <summary>
    /// The axis with the labels that would overlap blanked (the tick marks stay), keeping the first and the last. Along
    /// x a label's extent is its width; along y its height.
    /// </summary>
    public static Axis Legible(Axis axis, double length, bool horizontal)
    {
        var ticks = axis.Ticks.Where(t => axis.Contains(t.Value)).OrderBy(t => t.Value).ToList();
        double Extent(Tick t) => horizontal ? TextWidth(t.Label, TickFontSize) : TickFontSize * 1.2;
        bool Clear(Tick a, Tick b) => Pixel(axis, b.Value, length) - Pixel(axis, a.Value, length) >= (Extent(a) + Extent(b)) / 2 + TickGap;
        var kept = new List<Tick>();
        foreach (var t in ticks.Where(t => t.Label.Length > 0))
            if (kept.Count == 0 || Clear(kept[^1], t)) kept.Add(t);
        // The last label (e.g. "never", the last epoch) matters more than the one before it.
        var last = ticks.LastOrDefault(t => t.Label.Length > 0);
        if (last is not null && kept[^1] != last)
        {
            while (kept.Count > 1 && !Clear(kept[^1], last)) kept.RemoveAt(kept.Count - 1);
            kept.Add(last);
        }
        return axis with { Ticks = ticks.Select(t => kept.Contains(t) ? t : t with { Label = "" }).ToList() };
    }
}
