using ImbLab.Report;
using Xunit;

namespace ImbLab.Tests.Report;

/// <summary>
/// What the report adds on top of the shared statistics (whose goldens live in tests/ImbLab.Tests/Dynamics): the
/// min-max band, the mean ranks it prints, and its guard for a Friedman family with nothing to rank.
/// </summary>
public sealed class ReportStatsTests
{
    [Fact]
    public void Mean_range_skips_undefined_values()
    {
        var s = ReportStats.MeanRange([1, double.NaN, 2, 6]);
        Assert.Equal(3, s.Mean, 12);
        Assert.Equal(1, s.Low);
        Assert.Equal(6, s.High);
        Assert.Equal(3, s.N);
        Assert.True(double.IsNaN(ReportStats.MeanRange([double.NaN]).Mean));
    }

    [Fact]
    public void Mean_ranks_average_within_dataset_ranks_with_ties_sharing()
    {
        // dataset 1 ranks (1, 2, 3); dataset 2 ties the first two: (1.5, 1.5, 3)
        var ranks = ReportComposer.MeanRanks([[0.1, 0.5, 0.9], [0.2, 0.2, 0.7]]);
        Assert.Equal([1.25, 1.75, 3.0], ranks);
    }

    [Fact]
    public void Friedman_with_every_dataset_tied_is_undefined_and_otherwise_the_shared_test()
    {
        var tied = ReportComposer.Friedman([[0.5, 0.5, 0.5], [0.2, 0.2, 0.2], [0.9, 0.9, 0.9]]);
        Assert.True(double.IsNaN(tied.Statistic));
        Assert.True(double.IsNaN(tied.PValue));
        // a perfect ranking in 3 datasets: chi2 = 12/(n k (k+1)) sum R_j^2 - 3 n (k+1) = 12/36 * (9+36+81) - 36 = 6, df 2: p = exp(-3)
        var perfect = ReportComposer.Friedman([[0.1, 0.5, 0.9], [0.2, 0.3, 0.4], [0.0, 0.6, 0.8]]);
        Assert.Equal(6, perfect.Statistic, 10);
        Assert.Equal(Math.Exp(-3), perfect.PValue, 8);
    }
}
