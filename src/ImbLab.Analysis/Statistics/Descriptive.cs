namespace ImbLab.Analysis.Statistics;

/// <summary>A point estimate with a two-sided interval. Low/High are NaN when the data cannot give an interval.</summary>
public readonly record struct Estimate(double Value, double Low, double High, int N)
{
    public static Estimate None(int n = 0) => new(double.NaN, double.NaN, double.NaN, n);

    public bool HasInterval => !double.IsNaN(Low) && !double.IsNaN(High);

    /// <summary>
    /// The interval cut to [<paramref name="min"/>, <paramref name="max"/>], the values the quantity can take: a t
    /// interval over few seeds can reach past them (a recall plateau of [-0.16, 1.49]). <paramref name="clamped"/>
    /// says whether either end moved. The value itself is a mean of bounded values, so it is already inside.
    /// </summary>
    public Estimate Clamp(double min, double max, out bool clamped)
    {
        clamped = HasInterval && (Low < min || High > max);
        return clamped ? this with { Low = Math.Max(Low, min), High = Math.Min(High, max) } : this;
    }
}

/// <summary>How p-values are written for people: the CLI's findings table and the report should both use this.</summary>
public static class PValueText
{
    /// <summary>Below this a double's p-value says nothing more precise (a t tail of 0 is an underflow, not a certainty).</summary>
    public const double Floor = 1e-16;

    /// <summary>"n/a" for NaN, "&lt; 1e-16" below <see cref="Floor"/>, "1.2E-5" below 0.001, otherwise three decimals.</summary>
    public static string Format(double p) =>
        double.IsNaN(p) ? "n/a"
        : p < Floor ? "< 1e-16"
        : p < 0.001 ? p.ToString("0.0E+0", System.Globalization.CultureInfo.InvariantCulture)
        : p.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A test statistic and its two-sided p-value, with the method that produced the p-value.</summary>
public readonly record struct TestResult(double Statistic, double PValue, int N, string Method);

/// <summary>
/// Descriptive statistics with their conventions stated: NaN values are dropped before anything is computed
/// (so N counts the values used); the standard deviation of a sample uses n - 1; an interval that needs more
/// values than there are is NaN, never a made-up width.
/// </summary>
public static class Descriptive
{
    public static double[] Finite(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).ToArray();

    public static double Mean(IReadOnlyList<double> v) => v.Count == 0 ? double.NaN : v.Sum() / v.Count;

    /// <summary>Sample standard deviation (n - 1); NaN for fewer than 2 values.</summary>
    public static double SampleSd(IReadOnlyList<double> v)
    {
        if (v.Count < 2) return double.NaN;
        var m = Mean(v);
        var ss = 0.0;
        foreach (var x in v) ss += (x - m) * (x - m);
        return Math.Sqrt(ss / (v.Count - 1));
    }

    /// <summary>Population standard deviation (n); NaN when empty.</summary>
    public static double PopulationSd(IReadOnlyList<double> v)
    {
        if (v.Count == 0) return double.NaN;
        var m = Mean(v);
        var ss = 0.0;
        foreach (var x in v) ss += (x - m) * (x - m);
        return Math.Sqrt(ss / v.Count);
    }

    /// <summary>Mean with the Student-t interval mean ± t_{1-α/2, n-1} · sd / √n (scipy.stats.t.interval with scale = sem).</summary>
    public static Estimate MeanInterval(IEnumerable<double> values, double level = 0.95)
    {
        var v = Finite(values);
        if (v.Length == 0) return Estimate.None();
        var mean = Mean(v);
        if (v.Length < 2) return new Estimate(mean, double.NaN, double.NaN, 1);
        var sem = SampleSd(v) / Math.Sqrt(v.Length);
        var t = StudentT.Quantile(1 - (1 - level) / 2, v.Length - 1);
        return new Estimate(mean, mean - t * sem, mean + t * sem, v.Length);
    }

    /// <summary>
    /// One-sample t test of mean = <paramref name="mu"/> (scipy.stats.ttest_1samp, two-sided). When every value is
    /// equal the t statistic is ±∞ (p = 0) if they differ from mu and undefined (NaN) if they equal it.
    /// </summary>
    public static TestResult OneSampleT(IEnumerable<double> values, double mu = 0)
    {
        var v = Finite(values);
        if (v.Length < 2) return new TestResult(double.NaN, double.NaN, v.Length, "t");
        var mean = Mean(v);
        var sd = SampleSd(v);
        if (sd == 0)
        {
            if (mean == mu) return new TestResult(double.NaN, double.NaN, v.Length, "t");
            return new TestResult(mean > mu ? double.PositiveInfinity : double.NegativeInfinity, 0, v.Length, "t (no variation)");
        }
        var t = (mean - mu) / (sd / Math.Sqrt(v.Length));
        return new TestResult(t, StudentT.TwoSidedP(t, v.Length - 1), v.Length, "t");
    }

    /// <summary>Quantile by linear interpolation between order statistics (numpy's default, Hyndman-Fan type 7).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = Finite(values);
        Array.Sort(v);
        return Quantile(v, 0.5);
    }

    /// <summary>
    /// Median with the distribution-free order-statistic interval [x_(k), x_(n-k+1)], k the largest index with
    /// P(Bin(n, 1/2) ≤ k - 1) ≤ α/2, so coverage is at least the level (exactly 1 - 2 P(Bin ≤ k - 1)). Values may be
    /// +∞ (e.g. a never-learned sample ranks after every learned epoch). Below n = 6 no such k exists at 95%: the
    /// interval is NaN.
    /// </summary>
    public static Estimate MedianInterval(IEnumerable<double> values, double level = 0.95)
    {
        var v = Finite(values);
        if (v.Length == 0) return Estimate.None();
        Array.Sort(v);
        var median = v.Length % 2 == 1 ? v[v.Length / 2] : MidPoint(v[v.Length / 2 - 1], v[v.Length / 2]);
        var k = MedianRank(v.Length, level);
        return k == 0 ? new Estimate(median, double.NaN, double.NaN, v.Length) : new Estimate(median, v[k - 1], v[v.Length - k], v.Length);
    }

    private static double MidPoint(double a, double b) => double.IsInfinity(a) || double.IsInfinity(b) ? (a == b ? a : b) : 0.5 * (a + b);

    /// <summary>The 1-based order statistic index k of the median interval, 0 when none reaches the level.</summary>
    public static int MedianRank(int n, double level = 0.95)
    {
        var alpha = (1 - level) / 2;
        var k = 0;
        var cdf = 0.0;
        for (var j = 0; j <= n / 2; j++)
        {
            cdf += Math.Exp(LogChoose(n, j) - n * Math.Log(2));
            if (cdf <= alpha) k = j + 1;
            else break;
        }
        return k;
    }

    public static double LogChoose(int n, int k) =>
        SpecialFunctions.LogGamma(n + 1) - SpecialFunctions.LogGamma(k + 1) - SpecialFunctions.LogGamma(n - k + 1);

    /// <summary>Wilson score interval for a proportion successes / n; NaN when n = 0.</summary>
    public static Estimate Wilson(int successes, int n, double level = 0.95)
    {
        if (n <= 0) return Estimate.None();
        var p = (double)successes / n;
        var z = Normal.Quantile(1 - (1 - level) / 2);
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half), n);
    }

    /// <summary>
    /// Difference of two independent proportions p1 - p2 with Newcombe's hybrid score interval (his method 10),
    /// built from the two Wilson intervals.
    /// </summary>
    public static Estimate ProportionDifference(int s1, int n1, int s2, int n2, double level = 0.95)
    {
        if (n1 <= 0 || n2 <= 0) return Estimate.None();
        var a = Wilson(s1, n1, level);
        var b = Wilson(s2, n2, level);
        var d = a.Value - b.Value;
        var low = d - Math.Sqrt(Sq(a.Value - a.Low) + Sq(b.High - b.Value));
        var high = d + Math.Sqrt(Sq(a.High - a.Value) + Sq(b.Value - b.Low));
        return new Estimate(d, low, high, n1 + n2);
    }

    private static double Sq(double x) => x * x;
}
