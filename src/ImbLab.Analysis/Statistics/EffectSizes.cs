namespace ImbLab.Analysis.Statistics;

/// <summary>
/// Standardised and rank effect sizes and paired differences. Conventions: NaN values are dropped (pairs with a NaN
/// on either side are dropped together); "x - y" is the direction of every difference.
/// </summary>
internal static class EffectSizes
{
    /// <summary>Cohen's d with the pooled sd sqrt(((n1-1)s1² + (n2-1)s2²) / (n1+n2-2)); NaN when that is 0 or undefined.</summary>
    public static double CohensD(IEnumerable<double> x, IEnumerable<double> y)
    {
        var a = Descriptive.Finite(x);
        var b = Descriptive.Finite(y);
        if (a.Length < 2 || b.Length < 2) return double.NaN;
        var sa = Descriptive.SampleSd(a);
        var sb = Descriptive.SampleSd(b);
        var pooled = Math.Sqrt(((a.Length - 1) * sa * sa + (b.Length - 1) * sb * sb) / (a.Length + b.Length - 2));
        return pooled > 0 ? (a.Average() - b.Average()) / pooled : double.NaN;
    }

    /// <summary>
    /// Hedges' g = J · d with the exact small-sample correction J = Γ(ν/2) / (√(ν/2) Γ((ν-1)/2)), ν = n1 + n2 - 2
    /// (Hedges 1981), not the 1 - 3/(4ν - 1) approximation.
    /// </summary>
    public static double HedgesG(IEnumerable<double> x, IEnumerable<double> y)
    {
        var a = Descriptive.Finite(x);
        var b = Descriptive.Finite(y);
        var d = CohensD(a, b);
        var df = a.Length + b.Length - 2.0;
        return d * HedgesJ(df);
    }

    public static double HedgesJ(double df) =>
        Math.Exp(SpecialFunctions.LogGamma(df / 2) - 0.5 * Math.Log(df / 2) - SpecialFunctions.LogGamma((df - 1) / 2));

    /// <summary>Paired standardised difference d_z = mean(x - y) / sd(x - y).</summary>
    public static double CohensDz(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var d = PairDifferences(x, y);
        var sd = Descriptive.SampleSd(d);
        return sd > 0 ? d.Average() / sd : double.NaN;
    }

    /// <summary>Cliff's delta = (#{x_i &gt; y_j} - #{x_i &lt; y_j}) / (n1 n2), in [-1, 1].</summary>
    public static double CliffsDelta(IEnumerable<double> x, IEnumerable<double> y)
    {
        var a = Descriptive.Finite(x);
        var b = Descriptive.Finite(y);
        if (a.Length == 0 || b.Length == 0) return double.NaN;
        long more = 0, less = 0;
        foreach (var u in a)
            foreach (var v in b)
            {
                if (u > v) more++;
                else if (u < v) less++;
            }
        return (double)(more - less) / ((long)a.Length * b.Length);
    }

    /// <summary>Two-sample Hodges-Lehmann shift: the median of all pairwise differences x_i - y_j.</summary>
    public static double HodgesLehmann(IEnumerable<double> x, IEnumerable<double> y)
    {
        var a = Descriptive.Finite(x);
        var b = Descriptive.Finite(y);
        var diffs = new List<double>(a.Length * b.Length);
        foreach (var u in a)
            foreach (var v in b) diffs.Add(u - v);
        return Descriptive.Median(diffs);
    }

    /// <summary>One-sample (paired) Hodges-Lehmann estimate: the median of the Walsh averages (d_i + d_j)/2, i ≤ j.</summary>
    public static double HodgesLehmannPaired(IReadOnlyList<double> differences)
    {
        var d = Descriptive.Finite(differences);
        var walsh = new List<double>(d.Length * (d.Length + 1) / 2);
        for (var i = 0; i < d.Length; i++)
            for (var j = i; j < d.Length; j++) walsh.Add(0.5 * (d[i] + d[j]));
        return Descriptive.Median(walsh);
    }

    /// <summary>
    /// Paired mean difference x - y with its t interval and the paired t test (scipy.stats.ttest_rel), plus the
    /// Hodges-Lehmann estimate of the same differences.
    /// </summary>
    public static PairedDifference Paired(IReadOnlyList<double> x, IReadOnlyList<double> y, double level = 0.95)
    {
        var d = PairDifferences(x, y);
        return new PairedDifference(Descriptive.MeanInterval(d, level), Descriptive.OneSampleT(d), HodgesLehmannPaired(d), d);
    }

    public static double[] PairDifferences(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"paired samples differ in length ({x.Count} vs {y.Count})", nameof(y));
        var d = new List<double>(x.Count);
        for (var i = 0; i < x.Count; i++)
            if (!double.IsNaN(x[i]) && !double.IsNaN(y[i])) d.Add(x[i] - y[i]);
        return [.. d];
    }
}

/// <summary>A paired difference: mean with interval, the paired t test, and the Hodges-Lehmann estimate.</summary>
internal sealed record PairedDifference(Estimate Mean, TestResult Test, double HodgesLehmann, double[] Differences);
