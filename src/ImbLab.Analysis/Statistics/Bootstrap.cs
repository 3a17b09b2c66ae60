using ImbLab.Core;

namespace ImbLab.Analysis.Statistics;

/// <summary>
/// Seeded percentile bootstrap: resample the values with replacement <c>resamples</c> times (the project's Rng, so
/// the same seed gives the same interval), take the statistic of each resample, and report the α/2 and 1 - α/2
/// quantiles (type 7) of those. NaN values are dropped first; fewer than 2 values give no interval.
/// </summary>
internal static class Bootstrap
{
    public static Estimate Percentile(IEnumerable<double> values, Func<double[], double> statistic, ulong seed, int resamples = 2000, double level = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 10);
        var v = Descriptive.Finite(values);
        if (v.Length == 0) return Estimate.None();
        var point = statistic(v);
        if (v.Length < 2) return new Estimate(point, double.NaN, double.NaN, v.Length);
        var rng = new Rng(seed);
        var sample = new double[v.Length];
        var stats = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            for (var i = 0; i < sample.Length; i++) sample[i] = v[rng.NextInt(v.Length)];
            stats[b] = statistic(sample);
        }
        Array.Sort(stats);
        var alpha = (1 - level) / 2;
        return new Estimate(point, Descriptive.Quantile(stats, alpha), Descriptive.Quantile(stats, 1 - alpha), v.Length);
    }

    public static Estimate Mean(IEnumerable<double> values, ulong seed, int resamples = 2000, double level = 0.95) =>
        Percentile(values, v => v.Average(), seed, resamples, level);

    public static Estimate Median(IEnumerable<double> values, ulong seed, int resamples = 2000, double level = 0.95) =>
        Percentile(values, v => Descriptive.Median(v), seed, resamples, level);
}
