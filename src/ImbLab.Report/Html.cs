using System.Globalization;
using System.Net;

namespace ImbLab.Report;

/// <summary>Every text that comes from data (names, paths, config values) passes through here before it reaches HTML.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Num(double v, string format = "0.###") =>
        double.IsNaN(v) ? "n/a" : double.IsInfinity(v) ? (v > 0 ? "∞" : "-∞") : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>An id/anchor made only of safe characters, unique by the index it carries.</summary>
    public static string Anchor(string prefix, int index) => prefix + index.ToString(CultureInfo.InvariantCulture);
}
