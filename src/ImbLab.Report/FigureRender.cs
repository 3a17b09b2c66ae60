using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScottPlot;
using SkiaSharp;

namespace ImbLab.Report;

/// <summary>A figure drawn: lean inline SVG for the page, the SVG file for papers, and PNG bytes when asked for.</summary>
internal sealed record RenderedFigure(string Name, string InlineSvg, string FileSvg, byte[]? Png);

/// <summary>
/// Turns a chart into SVG (and PNG). ScottPlot (through Skia's SVG canvas) writes 4-6 decimals, one x offset
/// per glyph and clip ids numbered across the whole process; a 44-dataset report inlines thousands of figures, so the inline copy is
/// trimmed: coordinates rounded to 0.1 px, glyph offsets dropped (the browser lays text out itself), ids renumbered
/// per figure so they cannot collide and do not depend on what was drawn before, whitespace between tags removed.
/// </summary>
internal static partial class FigureRender
{
    public const int PngScale = 2;

    public static RenderedFigure Render(string name, Chart chart, int width, int height, string idPrefix, bool png)
    {
        var raw = Svg(Charts.Draw(chart, forSvg: true), width, height);
        byte[]? bytes = null;
        if (png)
        {
            var pngPlot = Charts.Draw(chart, forSvg: false);
            pngPlot.ScaleFactor = PngScale;
            bytes = pngPlot.GetImageBytes(width * PngScale, height * PngScale, ImageFormat.Png);
        }
        var lean = Lean(raw, idPrefix);
        var file = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + lean.Replace("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", StringComparison.Ordinal);
        return new RenderedFigure(name, lean, file, bytes);
    }

    /// <summary>
    /// The plot as SVG text, the same as ScottPlot's <c>GetSvgXml</c> (FigureRenderTests compares them) at a third of
    /// its cost. A plot's first render loops until its layout settles (tick labels size the padding, which sizes the
    /// data area, which moves the ticks), so ScottPlot renders once beforehand to settle it, and only then onto the SVG
    /// canvas, which keeps every pass; it settles the layout on a full raster image, whose pixels are then thrown away.
    /// Here that pass draws on a canvas that draws nothing: the layout comes from measuring text, not from pixels.
    /// </summary>
    public static string Svg(Plot plot, int width, int height)
    {
        using (var layout = new SKNoDrawCanvas(width, height)) plot.Render(layout, width, height);
        var clear = plot.RenderManager.ClearCanvasBeforeEachRender;
        plot.RenderManager.ClearCanvasBeforeEachRender = false;
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream)) plot.Render(canvas, width, height);
        plot.RenderManager.ClearCanvasBeforeEachRender = clear;
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Trims ScottPlot's SVG for inlining (see the class comment). Text content is left untouched.</summary>
    public static string Lean(string svg, string idPrefix)
    {
        var s = XmlDecl().Replace(svg, "");
        // Dashed lines arrive solid with a marker miter limit (see Charts.SvgDashMarker): here they get their dashes.
        for (var pattern = 1; pattern < Charts.Patterns.Length; pattern++)
            s = s.Replace(DashMarker(pattern), DashArray(pattern), StringComparison.Ordinal);
        s = RootTag().Replace(s, m => $"<svg viewBox=\"0 0 {m.Groups[1].Value} {m.Groups[2].Value}\" class=\"fig\" role=\"img\">", 1);
        s = GlyphList().Replace(s, m => $"{m.Groups[1].Value}=\"{Round(m.Groups[2].Value, 1)}\"");
        s = PathData().Replace(s, m => $" d=\"{Relative(m.Groups[1].Value)}\"");
        s = NumericAttr().Replace(s, m =>
        {
            var digits = m.Groups[1].Value.EndsWith("opacity", StringComparison.Ordinal) ? 2 : 1;
            return $"{m.Groups[1].Value}=\"{RoundAll(m.Groups[2].Value, digits)}\"";
        });
        s = s.Replace(" stroke-miterlimit=\"4\"", "", StringComparison.Ordinal);
        // Skia numbers clip paths from one counter for the whole process, so the same figure drawn after others, or on
        // another thread, gets other numbers: renumbered here in order of appearance, the text depends on the figure alone.
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Renamed(string id) => ids.TryGetValue(id, out var renamed) ? renamed : ids[id] = idPrefix + ids.Count.ToString(CultureInfo.InvariantCulture);
        s = IdAttr().Replace(s, m => $"id=\"{Renamed(m.Groups[1].Value)}\"");
        s = UrlRef().Replace(s, m => $"url(#{Renamed(m.Groups[1].Value)})");
        s = TextBody().Replace(s, m => $">{m.Groups[1].Value}</text>");
        s = BetweenTags().Replace(s, "><");
        return MergeStrokes(s).Trim();
    }

    private static string DashMarker(int pattern) => $" stroke-miterlimit=\"{Charts.SvgMarker(pattern).ToString(CultureInfo.InvariantCulture)}\"";

    private static string DashArray(int pattern) =>
        $" stroke-dasharray=\"{string.Join(' ', Charts.Patterns[pattern].Select(v => v.ToString(CultureInfo.InvariantCulture)))}\"";

    /// <summary>Axis ticks come one path each with the same style: consecutive stroked paths of one style become one path, the same picture.</summary>
    private static string MergeStrokes(string s)
    {
        var sb = new StringBuilder(s.Length);
        var at = 0;
        Match? open = null;
        var d = new StringBuilder();
        foreach (Match m in StrokePath().Matches(s))
        {
            if (open is not null && m.Index == at && m.Groups[1].Value == open.Groups[1].Value)
            {
                d.Append(m.Groups[2].Value);
                at = m.Index + m.Length;
                continue;
            }
            Flush();
            sb.Append(s, at, m.Index - at);
            open = m;
            d.Clear().Append(m.Groups[2].Value);
            at = m.Index + m.Length;
        }
        Flush();
        sb.Append(s, at, s.Length - at);
        return sb.ToString();

        void Flush()
        {
            if (open is null) return;
            sb.Append("<path ").Append(open.Groups[1].Value).Append(" d=\"").Append(d).Append("\"/>");
            open = null;
        }
    }

    /// <summary>
    /// A path of M/L/Z commands with absolute coordinates rewritten rounded to 0.1 with relative l steps, which are
    /// shorter; the steps are differences of rounded values, so nothing drifts. Other paths are only rounded.
    /// </summary>
    private static string Relative(string d)
    {
        var sb = new StringBuilder(d.Length / 2);
        long x = 0, y = 0;
        var havePoint = false;
        var command = ' ';
        var i = 0;
        while (i < d.Length)
        {
            var c = d[i];
            if (c is ' ' or ',') { i++; continue; }
            if (c is 'M' or 'L' or 'Z')
            {
                command = c;
                if (c == 'Z') sb.Append('Z');
                i++;
                continue;
            }
            if (!Number(d, ref i, out var fx) || !Number(d, ref i, out var fy)) return RoundAll(d, 1);
            long nx = (long)Math.Round(fx * 10), ny = (long)Math.Round(fy * 10);
            if (command == 'M' || !havePoint) sb.Append('M').Append(Tenths(nx)).Append(' ').Append(Tenths(ny));
            else
            {
                sb.Append('l').Append(Tenths(nx - x));
                if (ny - y >= 0) sb.Append(' ');
                sb.Append(Tenths(ny - y));
            }
            (x, y, havePoint) = (nx, ny, true);
            if (command == 'M') command = 'L';
        }
        return sb.ToString();
    }

    /// <summary>Reads the number at i (after separators), moving i past it; false at anything else (a curve command).</summary>
    private static bool Number(string d, ref int i, out double value)
    {
        while (i < d.Length && d[i] is ' ' or ',') i++;
        var start = i;
        if (i < d.Length && d[i] is '-' or '+') i++;
        while (i < d.Length && (char.IsAsciiDigit(d[i]) || d[i] == '.'
                   || (d[i] is 'e' or 'E' && i + 1 < d.Length && (char.IsAsciiDigit(d[i + 1]) || d[i + 1] is '-' or '+'))))
            i += d[i] is 'e' or 'E' ? 2 : 1;
        return double.TryParse(d.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string Tenths(long v) => (v / 10.0).ToString(CultureInfo.InvariantCulture);

    private static string RoundAll(string text, int digits) => Numbers().Replace(text, n => Round(n.Value, digits));

    private static string Round(string number, int digits)
    {
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return number;
        var r = Math.Round(v, digits);
        return (r == 0 ? 0 : r).ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"<\?xml[^>]*\?>\s*")]
    private static partial Regex XmlDecl();

    [GeneratedRegex(@"<svg\b[^>]*\bwidth=""([0-9.]+)""\s+height=""([0-9.]+)""[^>]*>")]
    private static partial Regex RootTag();

    [GeneratedRegex(@"\b(x|y)=""(-?[0-9.eE+-]+), [^""]*""")]
    private static partial Regex GlyphList();

    [GeneratedRegex(@"\b(x|y|cx|cy|r|rx|ry|width|height|transform|stroke-width|stroke-opacity|fill-opacity|opacity|points|x1|x2|y1|y2|font-size)=""([^""]*)""")]
    private static partial Regex NumericAttr();

    [GeneratedRegex(@"-?\d+\.\d+(?:[eE][+-]?\d+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex IdAttr();

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex UrlRef();

    [GeneratedRegex(@">\s+([^<]*?)\s*</text>")]
    private static partial Regex TextBody();

    [GeneratedRegex(@" d=""([^""]*)""")]
    private static partial Regex PathData();

    [GeneratedRegex(@"<path (fill=""none""[^>]*?) d=""([^""]*)""/>")]
    private static partial Regex StrokePath();

    [GeneratedRegex(@">\s+<")]
    private static partial Regex BetweenTags();
}
