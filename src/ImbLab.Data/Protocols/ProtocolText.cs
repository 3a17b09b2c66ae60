using System.Globalization;

namespace ImbLab.Data.Protocols;

/// <summary>Level labels and message numbers, invariant so stores and messages read the same everywhere.</summary>
internal static class ProtocolText
{
    public static string IrLevel(double ir) => "ir=" + ir.ToString("R", CultureInfo.InvariantCulture);

    public static string GridLevel((int Minority, int Majority) cell) =>
        string.Create(CultureInfo.InvariantCulture, $"min={cell.Minority},maj={cell.Majority}");

    public static string Describe(int aMin, int aMaj) =>
        $"a training part with {aMin} minority / {aMaj} majority (natural IR {Num((double)aMaj / aMin)})";

    public static string Num(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    public static string JoinIrs(IEnumerable<double> irs) => string.Join(", ", irs.Select(Num));

    public static string JoinCounts(IEnumerable<int> counts) => string.Join(" / ", counts);
}
