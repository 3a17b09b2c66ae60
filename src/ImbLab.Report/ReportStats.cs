namespace ImbLab.Report;

/// <summary>A mean and its band (min and max) across runs.</summary>
public readonly record struct Summary(double Mean, double Low, double High, int N);

/// <summary>
/// The one summary the report draws that the shared statistics (ImbLab.Analysis.Statistics) have no twin for: bands
/// are the min-max across runs (with 2 to 5 seeds a t-interval is either huge or unreliable; the range is plain to
/// read). The tests across datasets use RankTests and MultipleTesting directly.
/// </summary>
internal static class ReportStats
{
    /// <summary>The mean and the range (min, max) across runs, NaN values skipped: the band drawn around every curve.</summary>
    public static Summary MeanRange(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        return v.Length == 0 ? new Summary(double.NaN, double.NaN, double.NaN, 0) : new Summary(v.Average(), v.Min(), v.Max(), v.Length);
    }
}
