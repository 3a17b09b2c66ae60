using ImbLab.Report;
using Xunit;

namespace ImbLab.Tests.Report;

/// <summary>Values derived by hand from the definitions (closed forms), so no reference script is needed.</summary>
public sealed class ReportStatsTests
{
    [Fact]
    public void Wilcoxon_with_ten_positive_distinct_differences_matches_the_normal_approximation_by_hand()
    {
        double[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var b = new double[10];
        var (w, p, n, median) = ReportStats.Wilcoxon(a, b);
        Assert.Equal(55, w);
        Assert.Equal(10, n);
        Assert.Equal(5.5, median);
        // z = (55 - 27.5 - 0.5) / sqrt(10*11*21/24) = 2.752095; two-sided p = 2 * (1 - Phi(z)) = 0.00592154
        Assert.Equal(0.00592154, p, 6);
    }

    [Fact]
    public void Friedman_with_a_perfect_ranking_gives_chi2_n_k_minus_1_and_the_df2_tail()
    {
        var rows = Enumerable.Range(0, 5).Select(_ => new[] { 0.1, 0.5, 0.9 }).ToList();
        var (chi, p, ranks, n) = ReportStats.Friedman(rows);
        Assert.Equal(10, chi, 10);
        Assert.Equal(Math.Exp(-5), p, 8); // chi-square df 2: P(X > x) = exp(-x/2)
        Assert.Equal([1.0, 2.0, 3.0], ranks);
        Assert.Equal(5, n);
        Assert.Equal(0.0499939, ReportStats.ChiSquareUpper(7.815, 3), 6); // 7.815 is about the 0.95 quantile of df 3
    }

    [Fact]
    public void Holm_multiplies_by_the_remaining_count_and_keeps_monotone()
    {
        var adjusted = ReportStats.Holm([0.01, 0.04, 0.03, double.NaN]);
        Assert.Equal(0.03, adjusted[0], 12);
        Assert.Equal(0.06, adjusted[1], 12);
        Assert.Equal(0.06, adjusted[2], 12);
        Assert.True(double.IsNaN(adjusted[3]));
    }

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
    public void Sample_dynamics_follow_cartography_learned_epoch_and_forgetting_definitions()
    {
        float[][] p = [[0.2f, 0.9f], [0.8f, 0.4f], [0.6f, 0.9f], [1.0f, 0.2f]];
        bool[][] correct = [[false, true], [true, false], [true, true], [true, false]];
        var rows = SampleDynamics.Compute(p, correct, [0, 1]);
        Assert.Equal(0.65, rows[0].Confidence, 6);
        Assert.Equal(Math.Sqrt((0.45 * 0.45 + 0.15 * 0.15 + 0.05 * 0.05 + 0.35 * 0.35) / 4), rows[0].Variability, 6);
        Assert.Equal(2, rows[0].LearnedEpoch);
        Assert.Equal(0, rows[0].ForgettingEvents);
        Assert.Null(rows[1].LearnedEpoch); // wrong at the last epoch: never learned
        Assert.Equal(2, rows[1].ForgettingEvents);
    }
}
