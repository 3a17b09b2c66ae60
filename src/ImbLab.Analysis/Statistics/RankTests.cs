namespace ImbLab.Analysis.Statistics;

/// <summary>
/// Rank statistics and tests, each matching a named scipy 1.10 call (stated per method). Ties get average ranks.
/// Pairs with a NaN on either side are dropped.
/// </summary>
public static class RankTests
{
    /// <summary>1-based ranks with ties averaged (scipy.stats.rankdata, method 'average').</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            var rank = 0.5 * (i + j) + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>Sizes of the tie groups (groups of 2 or more equal values).</summary>
    public static IEnumerable<int> TieGroups(IEnumerable<double> values) =>
        values.GroupBy(v => v).Select(g => g.Count()).Where(c => c > 1);

    private static (double[] X, double[] Y) Complete(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"paired samples differ in length ({x.Count} vs {y.Count})", nameof(y));
        var keep = Enumerable.Range(0, x.Count).Where(i => !double.IsNaN(x[i]) && !double.IsNaN(y[i])).ToArray();
        return (keep.Select(i => x[i]).ToArray(), keep.Select(i => y[i]).ToArray());
    }

    /// <summary>
    /// Spearman's rho (Pearson correlation of average ranks) with the t-approximation p-value
    /// t = r √((n-2)/(1-r²)), n - 2 df, two-sided: scipy.stats.spearmanr's default. NaN when either side is constant
    /// or n &lt; 3.
    /// </summary>
    public static TestResult Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var (a, b) = Complete(x, y);
        var n = a.Length;
        if (n < 3) return new TestResult(double.NaN, double.NaN, n, "t-approximation");
        var r = Pearson(Ranks(a), Ranks(b));
        if (double.IsNaN(r)) return new TestResult(double.NaN, double.NaN, n, "t-approximation");
        double p;
        if (Math.Abs(r) >= 1) p = 0;
        else
        {
            var t = r * Math.Sqrt((n - 2) / ((1 - r) * (1 + r)));
            p = StudentT.TwoSidedP(t, n - 2);
        }
        return new TestResult(r, p, n, "t-approximation");
    }

    /// <summary>
    /// An approximate interval for Spearman's rho by Fisher's z with the variance 1.06 / (n - 3) of Fieller,
    /// Hartley and Pearson (1957); NaN for n ≤ 3.
    /// </summary>
    public static Estimate SpearmanInterval(TestResult spearman, double level = 0.95)
    {
        var n = spearman.N;
        var r = spearman.Statistic;
        if (n <= 3 || double.IsNaN(r)) return new Estimate(r, double.NaN, double.NaN, n);
        if (Math.Abs(r) >= 1) return new Estimate(r, r, r, n);
        var z = Math.Atanh(r);
        var half = Normal.Quantile(1 - (1 - level) / 2) * Math.Sqrt(1.06 / (n - 3));
        return new Estimate(r, Math.Tanh(z - half), Math.Tanh(z + half), n);
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>
    /// Kendall's tau-b with the asymptotic (normal) p-value whose variance corrects for ties in both variables:
    /// scipy.stats.kendalltau(x, y, method='asymptotic'). NaN when either side is constant or n &lt; 3.
    /// </summary>
    public static TestResult KendallTauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var (a, b) = Complete(x, y);
        var n = a.Length;
        if (n < 3) return new TestResult(double.NaN, double.NaN, n, "asymptotic");
        double s = 0;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++) s += Math.Sign(a[i] - a[j]) * Math.Sign(b[i] - b[j]);
        var tot = n * (n - 1) / 2.0;
        var (xTie, x0, x1) = TieSums(a);
        var (yTie, y0, y1) = TieSums(b);
        if (tot == xTie || tot == yTie) return new TestResult(double.NaN, double.NaN, n, "asymptotic");
        var tau = s / Math.Sqrt(tot - xTie) / Math.Sqrt(tot - yTie);
        var m = n * (n - 1.0);
        var variance = (m * (2 * n + 5) - x1 - y1) / 18 + 2 * xTie * yTie / m + x0 * y0 / (9 * m * (n - 2));
        var z = s / Math.Sqrt(variance);
        return new TestResult(Math.Clamp(tau, -1, 1), Math.Min(1, 2 * Normal.Sf(Math.Abs(z))), n, "asymptotic");
    }

    private static (double Pairs, double T0, double T1) TieSums(IEnumerable<double> values)
    {
        double pairs = 0, t0 = 0, t1 = 0;
        foreach (var t in TieGroups(values))
        {
            pairs += t * (t - 1) / 2.0;
            t0 += t * (t - 1.0) * (t - 2);
            t1 += t * (t - 1.0) * (2 * t + 5);
        }
        return (pairs, t0, t1);
    }

    /// <summary>
    /// Wilcoxon signed-rank test of the differences d (two-sided), zeros dropped before ranking (zero_method='wilcox').
    /// Statistic = min(R+, R-). Exact null distribution when n ≤ 25 after dropping zeros and no |d| is tied
    /// (scipy.stats.wilcoxon(d, mode='exact')); otherwise the normal approximation with the tie-corrected variance
    /// and no continuity correction (mode='approx', correction=False). Method says which was used.
    /// </summary>
    public static TestResult Wilcoxon(IReadOnlyList<double> differences)
    {
        var d = Descriptive.Finite(differences).Where(v => v != 0).ToArray();
        var n = d.Length;
        if (n == 0) return new TestResult(double.NaN, double.NaN, 0, "none");
        var abs = d.Select(Math.Abs).ToArray();
        var ranks = Ranks(abs);
        double plus = 0, minus = 0;
        for (var i = 0; i < n; i++)
        {
            if (d[i] > 0) plus += ranks[i];
            else minus += ranks[i];
        }
        var statistic = Math.Min(plus, minus);
        var ties = TieGroups(abs).ToArray();
        if (n <= 25 && ties.Length == 0)
        {
            var counts = SignedRankCounts(n);
            var total = Math.Pow(2, n);
            var r = (int)plus;
            double less = 0, greater = 0;
            for (var k = 0; k < counts.Length; k++)
            {
                if (k <= r) less += counts[k];
                if (k >= r) greater += counts[k];
            }
            // scipy 1.10: p = 1 at the centre (max // 2), else twice the smaller tail.
            var p = r == (counts.Length - 1) / 2 ? 1.0 : Math.Min(1, 2 * Math.Min(less, greater) / total);
            return new TestResult(statistic, p, n, "exact");
        }
        var mean = n * (n + 1) / 4.0;
        var variance = n * (n + 1.0) * (2 * n + 1);
        foreach (var t in ties) variance -= 0.5 * t * (t * (double)t - 1);
        var se = Math.Sqrt(variance / 24);
        var z = (statistic - mean) / se;
        return new TestResult(statistic, Math.Min(1, 2 * Normal.Sf(Math.Abs(z))), n, "normal approximation");
    }

    /// <summary>How many sign assignments of ranks 1..n give each sum of positive ranks (0..n(n+1)/2).</summary>
    public static double[] SignedRankCounts(int n)
    {
        var max = n * (n + 1) / 2;
        var counts = new double[max + 1];
        counts[0] = 1;
        for (var rank = 1; rank <= n; rank++)
            for (var s = max; s >= rank; s--) counts[s] += counts[s - rank];
        return counts;
    }

    /// <summary>
    /// Friedman test for k ≥ 3 treatments measured in n blocks (data[block][treatment]): ranks within each block
    /// (ties averaged), chi-square with the tie correction and k - 1 df, as scipy.stats.friedmanchisquare.
    /// </summary>
    public static TestResult Friedman(IReadOnlyList<IReadOnlyList<double>> data)
    {
        var n = data.Count;
        if (n == 0) return new TestResult(double.NaN, double.NaN, 0, "chi-square");
        var k = data[0].Count;
        if (k < 3) throw new ArgumentException($"the Friedman test needs at least 3 treatments, got {k}", nameof(data));
        var rankSums = new double[k];
        double ties = 0;
        foreach (var block in data)
        {
            if (block.Count != k) throw new ArgumentException("every block must have a value for every treatment", nameof(data));
            var ranks = Ranks(block);
            for (var j = 0; j < k; j++) rankSums[j] += ranks[j];
            foreach (var t in TieGroups(block)) ties += t * ((double)t * t - 1);
        }
        var c = 1 - ties / (k * (k * (double)k - 1) * n);
        // Every block tied throughout: no ranking information at all, the statistic is 0/0 (scipy returns NaN too).
        if (c <= 0) return new TestResult(double.NaN, double.NaN, n, "chi-square");
        var ss = rankSums.Sum(r => r * r);
        var chi = (12.0 / (k * n * (k + 1.0)) * ss - 3.0 * n * (k + 1)) / c;
        return new TestResult(chi, ChiSquare.Sf(chi, k - 1), n, "chi-square");
    }
}

/// <summary>Multiple-testing adjustment.</summary>
public static class MultipleTesting
{
    /// <summary>
    /// Holm's step-down adjusted p-values, in the input order: sort ascending, p'_(i) = max_{j ≤ i} min(1, (m - j + 1) p_(j)).
    /// NaN p-values are left NaN and do not count towards m.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        var adjusted = Enumerable.Repeat(double.NaN, pValues.Count).ToArray();
        var order = Enumerable.Range(0, pValues.Count).Where(i => !double.IsNaN(pValues[i])).OrderBy(i => pValues[i]).ToArray();
        var m = order.Length;
        var running = 0.0;
        for (var j = 0; j < m; j++)
        {
            running = Math.Max(running, Math.Min(1, (m - j) * pValues[order[j]]));
            adjusted[order[j]] = running;
        }
        return adjusted;
    }
}
