using System.Text.Json;
using ImbLab.Analysis.Statistics;
using Xunit;

namespace ImbLab.Tests.Dynamics;

/// <summary>Every statistic against scipy 1.10 (tools/reference/stats_goldens.py), with relative tolerances.</summary>
public sealed class StatisticsGoldenTests
{
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "Dynamics", "stats_goldens.json"))).RootElement;

    private static double D(JsonElement e, string name) => e.GetProperty(name) is { ValueKind: JsonValueKind.Null } ? double.NaN : e.GetProperty(name).GetDouble();

    private static double[] A(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    internal static void Close(double expected, double actual, double rel, string what)
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual}"); return; }
        if (Math.Abs(expected) < 1e-15 && Math.Abs(actual) < 1e-15) return; // scipy's 8e-17 for an exact 0 is rounding
        if (double.IsInfinity(expected)) { Assert.True(expected == actual, $"{what}: expected {expected}, got {actual}"); return; }
        var err = Math.Abs(actual - expected);
        var scale = Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(err <= rel * scale || err < 1e-300, $"{what}: expected {expected:R}, got {actual:R} (relative error {err / scale:E2}, allowed {rel:E0})");
    }

    [Fact]
    public void Given_scipy_goldens_When_special_functions_are_evaluated_Then_they_agree_to_1e_12_relative()
    {
        foreach (var c in Golden.GetProperty("gammaln").EnumerateArray())
            Close(D(c, "v"), SpecialFunctions.LogGamma(D(c, "x")), 1e-13, $"gammaln({D(c, "x")})");
        foreach (var c in Golden.GetProperty("gammainc").EnumerateArray())
        {
            Close(D(c, "p"), SpecialFunctions.GammaP(D(c, "a"), D(c, "x")), 1e-12, $"P({D(c, "a")}, {D(c, "x")})");
            Close(D(c, "q"), SpecialFunctions.GammaQ(D(c, "a"), D(c, "x")), 1e-12, $"Q({D(c, "a")}, {D(c, "x")})");
        }
        foreach (var c in Golden.GetProperty("betainc").EnumerateArray())
            Close(D(c, "v"), SpecialFunctions.BetaRegularized(D(c, "a"), D(c, "b"), D(c, "x")), 1e-11, $"I({D(c, "a")}, {D(c, "b")}, {D(c, "x")})");
    }

    [Fact]
    public void Given_scipy_goldens_When_normal_t_and_chi_square_are_evaluated_Then_cdf_sf_and_quantiles_agree()
    {
        foreach (var c in Golden.GetProperty("normal").EnumerateArray())
        {
            Close(D(c, "cdf"), Normal.Cdf(D(c, "x")), 1e-12, $"Phi({D(c, "x")})");
            Close(D(c, "sf"), Normal.Sf(D(c, "x")), 1e-12, $"sf({D(c, "x")})");
        }
        foreach (var c in Golden.GetProperty("normal_quantile").EnumerateArray())
            Close(D(c, "x"), Normal.Quantile(D(c, "p")), 1e-12, $"ppf({D(c, "p")})");
        foreach (var c in Golden.GetProperty("t").EnumerateArray())
        {
            Close(D(c, "cdf"), StudentT.Cdf(D(c, "t"), D(c, "df")), 1e-11, $"t.cdf({D(c, "t")}, {D(c, "df")})");
            Close(D(c, "sf"), StudentT.Sf(D(c, "t"), D(c, "df")), 1e-11, $"t.sf({D(c, "t")}, {D(c, "df")})");
        }
        foreach (var c in Golden.GetProperty("t_quantile").EnumerateArray())
            Close(D(c, "x"), StudentT.Quantile(D(c, "p"), D(c, "df")), 1e-12, $"t.ppf({D(c, "p")}, {D(c, "df")})");
        foreach (var c in Golden.GetProperty("chi2").EnumerateArray())
        {
            Close(D(c, "cdf"), ChiSquare.Cdf(D(c, "x"), D(c, "df")), 1e-11, $"chi2.cdf({D(c, "x")}, {D(c, "df")})");
            Close(D(c, "sf"), ChiSquare.Sf(D(c, "x"), D(c, "df")), 1e-11, $"chi2.sf({D(c, "x")}, {D(c, "df")})");
        }
    }

    [Fact]
    public void Given_scipy_goldens_When_sample_statistics_are_computed_Then_intervals_correlations_and_effects_agree()
    {
        foreach (var c in Golden.GetProperty("samples").EnumerateArray())
        {
            var x = A(c, "x");
            var y = A(c, "y");
            var ties = A(c, "y_ties");
            var n = x.Length;
            var mean = Descriptive.MeanInterval(x);
            Close(D(c, "mean"), mean.Value, 1e-13, $"mean n={n}");
            Close(D(c, "t_low"), mean.Low, 1e-11, $"t interval low n={n}");
            Close(D(c, "t_high"), mean.High, 1e-11, $"t interval high n={n}");
            var t1 = Descriptive.OneSampleT(x, D(c, "ttest_1samp_mu"));
            Close(D(c, "ttest_1samp_t"), t1.Statistic, 1e-11, $"ttest_1samp t n={n}");
            Close(D(c, "ttest_1samp_p"), t1.PValue, 1e-10, $"ttest_1samp p n={n}");
            var sp = RankTests.Spearman(x, y);
            Close(D(c, "spearman_r"), sp.Statistic, 1e-12, $"spearman r n={n}");
            Close(D(c, "spearman_p"), sp.PValue, 1e-9, $"spearman p n={n}");
            var spTies = RankTests.Spearman(x, ties);
            Close(D(c, "spearman_ties_r"), spTies.Statistic, 1e-12, $"spearman ties r n={n}");
            Close(D(c, "spearman_ties_p"), spTies.PValue, 1e-9, $"spearman ties p n={n}");
            var kt = RankTests.KendallTauB(x, y);
            Close(D(c, "kendall_tau"), kt.Statistic, 1e-12, $"kendall tau n={n}");
            Close(D(c, "kendall_p"), kt.PValue, 1e-10, $"kendall p n={n}");
            var ktTies = RankTests.KendallTauB(x.Select(v => Math.Round(v)).ToArray(), ties);
            Close(D(c, "kendall_ties_tau"), ktTies.Statistic, 1e-12, $"kendall ties tau n={n}");
            Close(D(c, "kendall_ties_p"), ktTies.PValue, 1e-10, $"kendall ties p n={n}");
            Close(D(c, "hl_two_sample"), EffectSizes.HodgesLehmann(x, y), 1e-12, $"HL n={n}");
            Close(D(c, "hl_paired"), EffectSizes.HodgesLehmannPaired(EffectSizes.PairDifferences(x, y)), 1e-12, $"HL paired n={n}");
            Close(D(c, "cohen_d"), EffectSizes.CohensD(x, y), 1e-12, $"d n={n}");
            Close(D(c, "hedges_g"), EffectSizes.HedgesG(x, y), 1e-12, $"g n={n}");
            Close(D(c, "cliffs_delta"), EffectSizes.CliffsDelta(x, y), 1e-12, $"cliff n={n}");
            Close(D(c, "ttest_rel_p"), EffectSizes.Paired(x, y).Test.PValue, 1e-10, $"ttest_rel n={n}");
            if (c.TryGetProperty("median", out _))
            {
                var m = Descriptive.MedianInterval(x);
                Close(D(c, "median"), m.Value, 1e-13, $"median n={n}");
                Close(D(c, "median_low"), m.Low, 1e-13, $"median low n={n}");
                Close(D(c, "median_high"), m.High, 1e-13, $"median high n={n}");
            }
        }
    }

    [Fact]
    public void Given_scipy_goldens_When_wilcoxon_and_friedman_are_run_Then_statistic_and_p_agree_in_the_stated_mode()
    {
        foreach (var c in Golden.GetProperty("wilcoxon").EnumerateArray())
        {
            var r = RankTests.Wilcoxon(A(c, "d"));
            var mode = c.GetProperty("mode").GetString();
            Assert.Equal(mode == "exact" ? "exact" : "normal approximation", r.Method);
            Close(D(c, "statistic"), r.Statistic, 1e-13, $"wilcoxon T ({mode}, n={r.N})");
            Close(D(c, "p"), r.PValue, 1e-10, $"wilcoxon p ({mode}, n={r.N})");
        }
        foreach (var c in Golden.GetProperty("friedman").EnumerateArray())
        {
            var data = c.GetProperty("data").EnumerateArray().Select(row => (IReadOnlyList<double>)row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            var r = RankTests.Friedman(data);
            Close(D(c, "statistic"), r.Statistic, 1e-12, "friedman chi2");
            Close(D(c, "p"), r.PValue, 1e-10, "friedman p");
        }
    }

    [Fact]
    public void Given_goldens_When_holm_and_wilson_are_computed_Then_they_agree()
    {
        var holm = Golden.GetProperty("holm");
        var adjusted = MultipleTesting.Holm(A(holm, "p"));
        var expected = A(holm, "adjusted");
        for (var i = 0; i < expected.Length; i++) Close(expected[i], adjusted[i], 1e-14, $"holm[{i}]");
        foreach (var c in Golden.GetProperty("wilson").EnumerateArray())
        {
            var w = Descriptive.Wilson(c.GetProperty("s").GetInt32(), c.GetProperty("n").GetInt32());
            var ci = A(c, "ci");
            Close(ci[0], w.Low, 1e-12, "wilson low");
            Close(ci[1], w.High, 1e-12, "wilson high");
        }
    }

    [Theory]
    [InlineData(0.975)]
    [InlineData(0.6)]
    [InlineData(1e-9)]
    public void Given_1_and_2_degrees_of_freedom_When_t_quantiles_are_computed_Then_they_match_the_closed_forms(double p)
    {
        // tan(π(p - 1/2)) written as -1/tan(πp), which keeps its precision for small p.
        Close(-1 / Math.Tan(Math.PI * p), StudentT.Quantile(p, 1), 1e-13, "Cauchy quantile");
        Close((2 * p - 1) / Math.Sqrt(2 * p * (1 - p)), StudentT.Quantile(p, 2), 1e-13, "t(2) quantile");
    }

    [Fact]
    public void Given_a_seed_When_bootstrapping_twice_Then_the_interval_is_identical_and_covers_the_estimate()
    {
        var values = Enumerable.Range(0, 30).Select(i => Math.Sin(i) * 3 + i * 0.1).ToArray();
        var a = Bootstrap.Mean(values, seed: 7);
        var b = Bootstrap.Mean(values, seed: 7);
        var other = Bootstrap.Mean(values, seed: 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Low, other.Low);
        Assert.True(a.Low < a.Value && a.Value < a.High);
        // The percentile interval of a mean is close to the t interval for a sample this size.
        var t = Descriptive.MeanInterval(values);
        Assert.InRange(a.High - a.Low, 0.7 * (t.High - t.Low), 1.2 * (t.High - t.Low));
    }

    [Fact]
    public void Given_too_few_values_When_an_interval_is_asked_Then_it_is_NaN_not_a_made_up_width()
    {
        Assert.True(double.IsNaN(Descriptive.MeanInterval([1.0]).Low));
        Assert.True(double.IsNaN(Descriptive.MedianInterval([1.0, 2, 3, 4, 5]).Low)); // n = 5 cannot reach 95%
        Assert.False(double.IsNaN(Descriptive.MedianInterval([1.0, 2, 3, 4, 5, 6]).Low));
        Assert.True(double.IsNaN(RankTests.Spearman([1.0, 1, 1, 1], [1.0, 2, 3, 4]).Statistic));
        Assert.Equal(0, Descriptive.OneSampleT([1.0, 1, 1], 0).PValue);
    }
}
