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
        var ranks = AcrossDatasets.MeanRanks([[0.1, 0.5, 0.9], [0.2, 0.2, 0.7]]);
        Assert.Equal([1.25, 1.75, 3.0], ranks);
    }
}
