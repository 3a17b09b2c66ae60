namespace ImbLab.Report;

/// <summary>A mean and its band (min and max) across runs.</summary>
internal readonly record struct Summary(double Mean, double Low, double High, int N);

/// <summary>A paired test across datasets.</summary>
internal sealed record PairTest(string A, string B, int N, double MedianDifference, double Statistic, double P, double PHolm);

/// <summary>A Friedman test over k conditions measured on the same n datasets, with post-hoc pairs.</summary>
internal sealed record FriedmanTest(IReadOnlyList<string> Conditions, int N, double ChiSquare, double P, IReadOnlyList<double> MeanRanks, IReadOnlyList<PairTest> PostHoc);

/// <summary>
/// The few statistics the report needs, kept private to it until the shared statistics land (the lead will
/// unify them). Conventions: bands are the min-max across runs (with 2 to 5 seeds a t-interval is either
/// huge or unreliable; the range is plain to read); Wilcoxon signed-rank drops zero differences (Wilcoxon's method) and uses the normal approximation with tie and
/// continuity corrections; Friedman uses the chi-square approximation with the tie correction; post-hoc pairs are
/// Wilcoxon tests with Holm's step-down adjustment. NaN inputs are skipped; undefined results are NaN.
/// </summary>
internal static class ReportStats
{
    /// <summary>The mean and the range (min, max) across runs: the band drawn around every curve.</summary>
    public static Summary MeanRange(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        return v.Length == 0 ? new Summary(double.NaN, double.NaN, double.NaN, 0) : new Summary(v.Average(), v.Min(), v.Max(), v.Length);
    }

    /// <summary>Average ranks (1-based), ties sharing the mean of their ranks; also returns the tie groups' sizes.</summary>
    public static double[] Ranks(IReadOnlyList<double> values, List<int>? ties = null)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            var r = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = r;
            if (j > i) ties?.Add(j - i + 1);
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>Wilcoxon signed-rank test of paired a, b (two-sided). Statistic: W+ (sum of ranks of positive differences).</summary>
    public static (double WPlus, double P, int N, double MedianDiff) Wilcoxon(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var pairs = Enumerable.Range(0, a.Count).Where(i => !double.IsNaN(a[i]) && !double.IsNaN(b[i])).Select(i => a[i] - b[i]).ToArray();
        var median = Median(pairs);
        var d = pairs.Where(x => x != 0).ToArray();
        var n = d.Length;
        if (n == 0) return (double.NaN, double.NaN, pairs.Length, median);
        var ties = new List<int>();
        var ranks = Ranks(d.Select(Math.Abs).ToArray(), ties);
        var wPlus = Enumerable.Range(0, n).Where(i => d[i] > 0).Sum(i => ranks[i]);
        var mean = n * (n + 1) / 4.0;
        var variance = n * (n + 1) * (2 * n + 1) / 24.0 - ties.Sum(t => (double)t * t * t - t) / 48.0;
        if (variance <= 0) return (wPlus, double.NaN, pairs.Length, median);
        var z = (Math.Abs(wPlus - mean) - 0.5) / Math.Sqrt(variance);
        return (wPlus, Math.Min(1, 2 * NormalUpper(Math.Max(0, z))), pairs.Length, median);
    }

    /// <summary>Friedman test; rows are blocks (datasets), columns conditions; rows with a NaN are dropped.</summary>
    public static (double Chi2, double P, double[] MeanRanks, int N) Friedman(IReadOnlyList<double[]> rows)
    {
        var complete = rows.Where(r => r.All(x => !double.IsNaN(x))).ToList();
        var n = complete.Count;
        if (n == 0) return (double.NaN, double.NaN, [], 0);
        var k = complete[0].Length;
        var rankSums = new double[k];
        double tieTerm = 0;
        foreach (var row in complete)
        {
            var ties = new List<int>();
            var r = Ranks(row, ties);
            for (var j = 0; j < k; j++) rankSums[j] += r[j];
            tieTerm += ties.Sum(t => (double)t * t * t - t);
        }
        var chi = 12.0 / (n * k * (k + 1)) * rankSums.Sum(s => s * s) - 3.0 * n * (k + 1);
        var correction = 1 - tieTerm / (n * ((double)k * k * k - k));
        chi = correction > 0 ? chi / correction : double.NaN;
        return (chi, double.IsNaN(chi) ? double.NaN : ChiSquareUpper(chi, k - 1), rankSums.Select(s => s / n).ToArray(), n);
    }

    /// <summary>Holm's step-down adjustment; NaN p-values stay NaN and do not count.</summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        var idx = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ToArray();
        var adjusted = Enumerable.Repeat(double.NaN, p.Count).ToArray();
        var running = 0.0;
        for (var r = 0; r < idx.Length; r++)
        {
            running = Math.Max(running, Math.Min(1, (idx.Length - r) * p[idx[r]]));
            adjusted[idx[r]] = running;
        }
        return adjusted;
    }

    public static double Median(IReadOnlyList<double> v)
    {
        if (v.Count == 0) return double.NaN;
        var s = v.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>P(Z &gt; z) for a standard normal, via erfc (Numerical Recipes' Chebyshev fit, relative error &lt; 1.2e-7).</summary>
    public static double NormalUpper(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /// <summary>P(X &gt; x) for chi-square with df degrees of freedom: the regularised upper incomplete gamma Q(df/2, x/2).</summary>
    public static double ChiSquareUpper(double x, int df) => x <= 0 ? 1 : GammaQ(df / 2.0, x / 2.0);

    private static double GammaQ(double a, double x)
    {
        var lnA = LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum, ap = a;
            for (var i = 0; i < 500 && Math.Abs(term) > Math.Abs(sum) * 1e-15; i++)
            {
                ap += 1;
                term *= x / ap;
                sum += term;
            }
            return 1 - sum * Math.Exp(-x + a * Math.Log(x) - lnA);
        }
        // Lentz's continued fraction for Q.
        double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
        for (var i = 1; i < 500; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < 1e-300) d = 1e-300;
            c = b + an / c;
            if (Math.Abs(c) < 1e-300) c = 1e-300;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15) break;
        }
        return Math.Exp(-x + a * Math.Log(x) - lnA) * h;
    }

    /// <summary>Lanczos approximation (g = 7, n = 9).</summary>
    private static double LogGamma(double x)
    {
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        var s = c[0];
        for (var i = 1; i < 9; i++) s += c[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(s);
    }
}
