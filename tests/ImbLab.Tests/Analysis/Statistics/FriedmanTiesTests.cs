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

    [Fact]
    public void Given_a_perfect_ranking_in_3_blocks_When_tested_Then_chi2_is_6_with_p_exp_minus_3()
    {
        // chi2 = 12/(n k (k+1)) sum R_j^2 - 3 n (k+1) = 12/36 * (9+36+81) - 36 = 6, df 2: p = exp(-3)
        var perfect = RankTests.Friedman([[0.1, 0.5, 0.9], [0.2, 0.3, 0.4], [0.0, 0.6, 0.8]]);
        Assert.Equal(6, perfect.Statistic, 10);
        Assert.Equal(Math.Exp(-3), perfect.PValue, 8);
    }
}
