using ImbLab.Analysis.Statistics;
using Xunit;

namespace ImbLab.Tests.Dynamics;

public sealed class FriedmanTiesTests
{
    [Fact]
    public void Given_blocks_that_tie_every_treatment_When_tested_Then_the_statistic_and_p_are_undefined_not_a_false_significance()
    {
        var result = RankTests.Friedman([[0.5, 0.5, 0.5], [0.2, 0.2, 0.2], [0.9, 0.9, 0.9]]);
        Assert.True(double.IsNaN(result.Statistic));
        Assert.True(double.IsNaN(result.PValue));
    }
}
