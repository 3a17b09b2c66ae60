using System.Text.Json;
using ImbLab.Core;
using Xunit;

namespace ImbLab.Tests.Core;

/// <summary>Rng's Gamma and Beta samplers (mixup's lambda) against scipy.stats.beta (fixture from tools/reference/beta_goldens.py).</summary>
public sealed class RngTests
{
    private sealed record BetaCase(double Alpha, double Mean, double Var, double MeanTolerance, double VarTolerance, double[] Probabilities, double[] Quantiles);
    private sealed record BetaGoldens(string Scipy, int Draws, double KsCritical, BetaCase[] Cases);

    private static readonly JsonSerializerOptions JsonOptions =
        new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };

    private static BetaGoldens Goldens() =>
        JsonSerializer.Deserialize<BetaGoldens>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Engine", "beta_goldens.json")), JsonOptions)!;

    private static double[] Draws(double alpha, int n, ulong seed)
    {
        var rng = new Rng(seed);
        var draws = new double[n];
        for (var i = 0; i < n; i++) draws[i] = rng.NextBeta(alpha, alpha);
        return draws;
    }

    /// <summary>
    /// max_k |F_n(q_k) - p_k| over scipy's quantiles q_k = F^-1(p_k): at q_k the true CDF is p_k exactly, so this is the KS
    /// statistic sampled on the grid; the true statistic is at most this plus the grid step (both CDFs are monotone).
    /// </summary>
    private static double GridKs(double[] draws, BetaCase c)
    {
        var sorted = draws.Order().ToArray();
        var worst = 0.0;
        for (var k = 0; k < c.Quantiles.Length; k++)
        {
            var below = UpperBound(sorted, c.Quantiles[k]);
            worst = Math.Max(worst, Math.Abs((double)below / sorted.Length - c.Probabilities[k]));
        }
        return worst;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Given_beta_alpha_alpha_When_drawing_20000_Then_moments_and_the_KS_statistic_agree_with_scipy(int index)
    {
        var g = Goldens();
        var c = g.Cases[index];
        var draws = Draws(c.Alpha, g.Draws, 20240601UL + (ulong)index);

        Assert.All(draws, d => Assert.InRange(d, 0.0, 1.0));
        var mean = draws.Average();
        var variance = draws.Sum(d => (d - mean) * (d - mean)) / draws.Length;
        EngineAssert(c.Mean, mean, c.MeanTolerance, $"alpha {c.Alpha} mean");
        EngineAssert(c.Var, variance, c.VarTolerance, $"alpha {c.Alpha} variance");
        var step = c.Probabilities[1] - c.Probabilities[0];
        var ks = GridKs(draws, c);
        Assert.True(ks + step < g.KsCritical, $"alpha {c.Alpha}: KS statistic up to {ks + step:F5}, 0.1% critical value {g.KsCritical:F5}");
    }

    /// <summary>The KS check can fail: draws of one alpha against another alpha's quantiles are rejected.</summary>
    [Fact]
    public void Given_draws_of_another_alpha_When_checked_against_scipys_quantiles_Then_the_KS_statistic_exceeds_the_critical_value()
    {
        var g = Goldens();
        Assert.True(GridKs(Draws(2.0, g.Draws, 1), g.Cases[1]) > g.KsCritical);
        Assert.True(GridKs(Draws(1.0, g.Draws, 2), g.Cases[0]) > g.KsCritical);
    }

    /// <summary>
    /// 200,000 draws against the closed-form CDFs of Beta(1, 1) (x) and Beta(2, 2) (3x^2 - 2x^3): the exact KS statistic
    /// below its 0.1% critical value 1.9495 / sqrt(n) (asymptotic), a check 3 times finer than the 20,000-draw one.
    /// </summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Given_200000_draws_When_compared_with_the_closed_form_CDF_Then_the_exact_KS_statistic_is_below_the_critical_value(double alpha)
    {
        const int N = 200_000;
        var sorted = Draws(alpha, N, 5);
        Array.Sort(sorted);
        Func<double, double> cdf = alpha == 1.0 ? x => x : x => x * x * (3 - 2 * x);
        var ks = 0.0;
        for (var i = 0; i < N; i++)
        {
            var f = cdf(sorted[i]);
            ks = Math.Max(ks, Math.Max((i + 1.0) / N - f, f - (double)i / N));
        }
        Assert.True(ks < 1.9495 / Math.Sqrt(N), $"alpha {alpha}: KS statistic {ks:F6} over {N} draws");
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(4.5)]
    public void Given_a_gamma_shape_When_drawing_20000_Then_mean_and_variance_are_the_shape_within_4_standard_errors(double shape)
    {
        var rng = new Rng(77);
        const int N = 20000;
        var draws = new double[N];
        for (var i = 0; i < N; i++) draws[i] = rng.NextGamma(shape);
        var mean = draws.Average();
        var variance = draws.Sum(d => (d - mean) * (d - mean)) / N;
        // Gamma(k, 1): mean k, variance k, fourth central moment 3k^2 + 6k.
        EngineAssert(shape, mean, 4 * Math.Sqrt(shape / N), "gamma mean");
        EngineAssert(shape, variance, 4 * Math.Sqrt((3 * shape * shape + 6 * shape - shape * shape) / N), "gamma variance");
        Assert.All(draws, d => Assert.True(d > 0 && double.IsFinite(d)));
    }

    [Fact]
    public void Given_a_tiny_alpha_When_drawing_Then_every_draw_is_a_number_in_0_1_and_the_stream_is_reproducible()
    {
        // Gamma(0.01) draws underflow double; the log-space ratio keeps Beta well defined.
        var a = Draws(0.01, 5000, 3);
        Assert.All(a, d => Assert.InRange(d, 0.0, 1.0));
        Assert.Equal(a, Draws(0.01, 5000, 3));
        Assert.NotEqual(a, Draws(0.01, 5000, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextBeta(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextGamma(double.NaN));
    }

    private static void EngineAssert(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R} +- {tolerance:E3}, got {actual:R}");
}
