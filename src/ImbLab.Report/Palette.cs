using ScottPlot;

namespace ImbLab.Report;

/// <summary>
/// Okabe-Ito colours (safe for the common colour-vision deficiencies). The minority and the majority keep their
/// colour in every figure and table of a report, so a reader learns them once.
/// </summary>
internal static class Palette
{
    public const string MinorityHex = "#D55E00"; // vermillion
    public const string MajorityHex = "#0072B2"; // blue
    public const string NeutralHex = "#000000";

    public static readonly Color Minority = Color.FromHex(MinorityHex);
    public static readonly Color Majority = Color.FromHex(MajorityHex);
    public static readonly Color Neutral = Color.FromHex(NeutralHex);

    /// <summary>For series that are not classes (protocols, pairs): the remaining Okabe-Ito hues, then black.</summary>
    public static readonly Color[] Series =
    [
        Color.FromHex("#009E73"), Color.FromHex("#CC79A7"), Color.FromHex("#E69F00"), Color.FromHex("#56B4E9"),
        Color.FromHex("#F0E442"), Color.FromHex("#000000"),
    ];

    public static Color ForRole(ClassRole role) => role == ClassRole.Minority ? Minority : Majority;

    public static Color ForSeries(int index) => Series[index % Series.Length];

    /// <summary>Each protocol's colour, by its place among the distinct protocols: the sweeps and the curves that compare protocols agree.</summary>
    public static IReadOnlyDictionary<string, Color> ForProtocols(IEnumerable<string> protocols) =>
        protocols.Distinct().Select((p, k) => (p, k)).ToDictionary(t => t.p, t => ForSeries(t.k));
}

internal enum ClassRole
{
    Majority,
    Minority,
}
