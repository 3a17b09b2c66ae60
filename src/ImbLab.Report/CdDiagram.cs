using System.Globalization;
using ImbLab.Analysis.Statistics;

namespace ImbLab.Report;

/// <summary>A straight line of a drawn diagram, in data units, with its width in pixels.</summary>
internal sealed record Segment(double X1, double Y1, double X2, double Y2, float Width);

internal enum TextAnchor
{
    /// <summary>The text ends at the point (it lies to the left of it).</summary>
    Right,

    /// <summary>The text starts at the point.</summary>
    Left,

    /// <summary>The text is centred above the point.</summary>
    Above,
}

/// <summary>A text of a drawn diagram at a point in data units.</summary>
internal sealed record Label(double X, double Y, string Text, TextAnchor Anchor, double FontSize);

/// <summary>
/// A critical-difference diagram (Demšar 2006, Fig. 1): an axis of average ranks (1 = best, on the left), each
/// treatment a labelled drop line to its average rank (the better half labelled on the left, the rest on the right),
/// thick bars under the axis joining treatments whose average ranks differ by less than the critical difference, and
/// the CD itself drawn as a bar above the axis. Every line and text is placed here; the renderer only draws them.
/// </summary>
internal sealed record CdChart(string Title, Axis X, Axis Y, IReadOnlyList<Segment> Segments, IReadOnlyList<Label> Labels) : Chart(Title, X, Y);

/// <summary>Builds the <see cref="CdChart"/> of a ranking.</summary>
internal static class CdDiagram
{
    public const int Width = 760;
    private const double MinAxisPx = 420;
    private const double FontSize = 11;
    private const double RowStep = 0.75;
    private const double BarStep = 0.32;
    private const double PixelsPerRow = 24;

    /// <summary>
    /// The diagram of treatments (names) with their average ranks, the critical difference and the bars (index ranges
    /// into the rank-sorted order, as <see cref="Ranking.Cliques"/> gives them).
    /// </summary>
    public static FigureModel Of(string slug, string title, string caption, IReadOnlyList<string> names, IReadOnlyList<double> ranks, double cd,
        IReadOnlyList<(int From, int To)> cliques)
    {
        var k = names.Count;
        var order = Enumerable.Range(0, k).OrderBy(i => ranks[i]).ThenBy(i => names[i], StringComparer.Ordinal).ToArray();
        var texts = order.Select(i => $"{names[i]} ({ranks[i].ToString("0.00", CultureInfo.InvariantCulture)})").ToArray();
        var left = (k + 1) / 2;

        // Room for the labels beside the axis: the widest label of each side in pixels, turned into rank units.
        var lowRank = 1.0;
        var highRank = Math.Max(2, k);
        // The figure widens for long labels, so the rank axis keeps at least MinAxisPx and no label is cut at the edge.
        var padPx = texts.Select(t => Layout.TextWidth(t, FontSize)).DefaultIfEmpty(0).Max() + 24;
        var width = (int)Math.Ceiling(Math.Max(Width, 2 * padPx + 40 + MinAxisPx));
        var unitsPerPx = (highRank - lowRank) / (width - 40 - 2 * padPx);
        // Every rank is numbered when the numbers fit side by side; otherwise every 2nd or 5th (1 is always numbered).
        var pxPerRank = 1 / unitsPerPx;
        var numberEvery = new[] { 1, 2, 5, 10 }.First(step => step * pxPerRank >= Layout.TextWidth(highRank.ToString(CultureInfo.InvariantCulture), FontSize) + 8 || step == 10);
        var pad = padPx * unitsPerPx;
        var xMin = lowRank - pad;
        var xMax = highRank + pad;

        var segments = new List<Segment>();
        var labels = new List<Label>();
        // The rank axis at y = 0 with a tick at every integer rank (longer) and every half.
        segments.Add(new Segment(lowRank, 0, highRank, 0, 1.2f));
        for (var r = lowRank; r <= highRank + 1e-9; r += 0.5)
        {
            var whole = Math.Abs(r - Math.Round(r)) < 1e-9;
            segments.Add(new Segment(r, 0, r, whole ? 0.22 : 0.12, 1.2f));
            var rank = (int)Math.Round(r);
            if (whole && (rank == 1 || rank % numberEvery == 0))
                labels.Add(new Label(r, 0.3, rank.ToString(CultureInfo.InvariantCulture), TextAnchor.Above, FontSize));
        }
        // The CD bar above the axis, from rank 1, with its value over it.
        var cdY = 1.1;
        if (double.IsFinite(cd) && cd > 0)
        {
            var cdEnd = Math.Min(highRank, lowRank + cd);
            segments.Add(new Segment(lowRank, cdY, cdEnd, cdY, 1.6f));
            segments.Add(new Segment(lowRank, cdY - 0.1, lowRank, cdY + 0.1, 1.6f));
            segments.Add(new Segment(cdEnd, cdY - 0.1, cdEnd, cdY + 0.1, 1.6f));
            labels.Add(new Label(0.5 * (lowRank + cdEnd), cdY + 0.15, $"CD = {cd.ToString("0.00", CultureInfo.InvariantCulture)}", TextAnchor.Above, FontSize));
        }
        // The bars joining treatments that do not differ, one below the other under the axis.
        var sorted = order.Select(i => ranks[i]).ToArray();
        for (var b = 0; b < cliques.Count; b++)
        {
            var (from, to) = cliques[b];
            var y = -0.35 - b * BarStep;
            // A bar reaches a little past its end points, so it is seen even between two equal ranks.
            segments.Add(new Segment(sorted[from] - 0.03, y, sorted[to] + 0.03, y, 4f));
        }
        // Each treatment: a drop line from its rank down to its row, then out to its side, and its label.
        var top = -0.35 - Math.Max(1, cliques.Count) * BarStep - 0.2;
        for (var j = 0; j < k; j++)
        {
            var onLeft = j < left;
            var row = onLeft ? j : k - 1 - j;
            var y = top - row * RowStep;
            var x = sorted[j];
            var end = onLeft ? lowRank - 0.02 * (highRank - lowRank) : highRank + 0.02 * (highRank - lowRank);
            segments.Add(new Segment(x, 0, x, y, 1.2f));
            segments.Add(new Segment(x, y, end, y, 1.2f));
            labels.Add(new Label(onLeft ? end - 0.01 * (highRank - lowRank) : end + 0.01 * (highRank - lowRank), y, texts[j],
                onLeft ? TextAnchor.Right : TextAnchor.Left, FontSize));
        }
        var bottom = top - (left - 1) * RowStep - 0.5;
        var yTop = cdY + 0.9;
        var height = (int)Math.Ceiling((yTop - bottom) * PixelsPerRow / RowStep) + 40;
        var chart = new CdChart(title, new Axis("", xMin, xMax, []), new Axis("", bottom, yTop, []), segments, labels);
        return new FigureModel(slug, caption, chart, width, height);
    }
}
