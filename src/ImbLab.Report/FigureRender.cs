using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;

namespace ImbLab.Report;

/// <summary>A figure drawn: lean inline SVG for the page, the SVG file for papers, and PNG bytes when asked for.</summary>
internal sealed record RenderedFigure(string Name, string InlineSvg, string FileSvg, byte[]? Png);

/// <summary>
/// Turns a chart into SVG (and PNG). ScottPlot (through Skia's SVG canvas) writes 4-6 decimals, one x offset
/// per glyph and document-global clip ids; a 44-dataset report inlines thousands of figures, so the inline copy is
/// trimmed: coordinates rounded to 0.1 px, glyph offsets dropped (the browser lays text out itself), ids prefixed
/// per figure so they cannot collide, whitespace between tags removed.
/// </summary>
internal static partial class FigureRender
{
    public const int PngScale = 2;

    public static RenderedFigure Render(string name, Chart chart, int width, int height, string idPrefix, bool png)
    {
        var raw = Charts.Draw(chart, forSvg: true).GetSvgXml(width, height);
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

    /// <summary>Trims ScottPlot's SVG for inlining (see the class comment). Text content is left untouched.</summary>
    public static string Lean(string svg, string idPrefix)
    {
        var s = XmlDecl().Replace(svg, "");
        // Dashed lines arrive solid with a marker miter limit (see Charts.SvgDashMarker): here they get their dashes.
        s = s.Replace($" stroke-miterlimit=\"{Charts.SvgDashMarker.ToString(CultureInfo.InvariantCulture)}\"", DashArray, StringComparison.Ordinal);
        s = RootTag().Replace(s, m => $"<svg viewBox=\"0 0 {m.Groups[1].Value} {m.Groups[2].Value}\" class=\"fig\" role=\"img\">", 1);
        s = GlyphList().Replace(s, m => $"{m.Groups[1].Value}=\"{Round(m.Groups[2].Value, 1)}\"");
        s = NumericAttr().Replace(s, m =>
        {
            var digits = m.Groups[1].Value.EndsWith("opacity", StringComparison.Ordinal) ? 2 : 1;
            return $"{m.Groups[1].Value}=\"{Numbers().Replace(m.Groups[2].Value, n => Round(n.Value, digits))}\"";
        });
        s = s.Replace(" stroke-miterlimit=\"4\"", "", StringComparison.Ordinal);
        s = PathData().Replace(s, m => $" d=\"{Relative(m.Groups[1].Value)}\"");
        s = IdAttr().Replace(s, m => $"id=\"{idPrefix}{m.Groups[1].Value}\"");
        s = s.Replace("url(#", "url(#" + idPrefix, StringComparison.Ordinal);
        s = TextBody().Replace(s, m => $">{m.Groups[1].Value}</text>");
        s = BetweenTags().Replace(s, "><");
        // Axis ticks come one path each with the same style: one path per style is the same picture.
        for (string before = ""; before != s;)
        {
            before = s;
            s = AdjacentStrokes().Replace(s, m => $"<path {m.Groups[1].Value} d=\"{m.Groups[2].Value}{m.Groups[3].Value}\"/>");
        }
        return s.Trim();
    }

    private static readonly string DashArray =
        $" stroke-dasharray=\"{string.Join(' ', Charts.DashIntervals.Select(v => v.ToString(CultureInfo.InvariantCulture)))}\"";

    /// <summary>
    /// A path of M/L/Z commands with absolute coordinates (already rounded to 0.1) rewritten with relative l steps,
    /// which are shorter; the steps are differences of rounded values, so nothing drifts. Other paths stay as they are.
    /// </summary>
    private static string Relative(string d)
    {
        var tokens = PathToken().Matches(d).Select(m => m.Value).ToList();
        if (tokens.Any(t => char.IsLetter(t[0]) && t is not ("M" or "L" or "Z"))) return d;
        var sb = new System.Text.StringBuilder(d.Length);
        long x = 0, y = 0;
        var havePoint = false;
        string command = "";
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t is "M" or "L" or "Z")
            {
                command = t;
                if (t == "Z") sb.Append('Z');
                continue;
            }
            if (i + 1 >= tokens.Count || !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var fx)
                || !double.TryParse(tokens[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var fy)) return d;
            i++;
            long nx = (long)Math.Round(fx * 10), ny = (long)Math.Round(fy * 10);
            if (command == "M" || !havePoint) sb.Append('M').Append(Tenths(nx)).Append(' ').Append(Tenths(ny));
            else
            {
                sb.Append('l').Append(Tenths(nx - x));
                var dy = Tenths(ny - y);
                if (!dy.StartsWith('-')) sb.Append(' ');
                sb.Append(dy);
            }
            (x, y, havePoint) = (nx, ny, true);
            command = command == "M" ? "L" : command;
        }
        return sb.ToString();
    }

    private static string Tenths(long v) => (v / 10.0).ToString(CultureInfo.InvariantCulture);

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

    [GeneratedRegex(@"\b(d|x|y|cx|cy|r|rx|ry|width|height|transform|stroke-width|stroke-opacity|fill-opacity|opacity|points|x1|x2|y1|y2|font-size)=""([^""]*)""")]
    private static partial Regex NumericAttr();

    [GeneratedRegex(@"-?\d+\.\d+(?:[eE][+-]?\d+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex IdAttr();

    [GeneratedRegex(@">\s+([^<]*?)\s*</text>")]
    private static partial Regex TextBody();

    [GeneratedRegex(@" d=""([^""]*)""")]
    private static partial Regex PathData();

    [GeneratedRegex(@"[MLZ]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z]")]
    private static partial Regex PathToken();

    [GeneratedRegex(@"<path (fill=""none""[^>]*?) d=""([^""]*)""/><path \1 d=""([^""]*)""/>")]
    private static partial Regex AdjacentStrokes();

    [GeneratedRegex(@">\s+<")]
    private static partial Regex BetweenTags();
}
