namespace ImbLab.Analysis.Statistics;

/// <summary>A treatment against the control across blocks: the median of the per-block differences, the Wilcoxon test and its Holm-adjusted p.</summary>
public sealed record ControlComparison(int Treatment, double MedianDifference, TestResult Wilcoxon, double HolmP);

/// <summary>
/// Treatments compared across blocks (datasets), Demšar (2006): average ranks (1 = best), the Friedman test in its
/// chi-square and Iman-Davenport F forms, the Nemenyi critical difference, and each treatment against a control by
/// Holm-adjusted Wilcoxon signed-rank tests.
/// </summary>
public sealed record RankingResult(
    int Treatments,
    int Blocks,
    IReadOnlyList<double> AverageRanks,
    TestResult Friedman,
    TestResult ImanDavenport,
    double Alpha,
    double QAlpha,
    double CriticalDifference,
    IReadOnlyList<ControlComparison> VersusControl,
    IReadOnlyList<(int From, int To)> Cliques);

/// <summary>
/// Across-dataset ranking statistics (Demšar 2006, "Statistical comparisons of classifiers over multiple data sets",
/// JMLR 7). data[block][treatment]; blocks with a NaN are dropped by the caller's choice (see <see cref="Complete"/>).
/// </summary>
public static class Ranking
{
    /// <summary>Blocks with a value for every treatment (NaN anywhere drops the block).</summary>
    public static IReadOnlyList<IReadOnlyList<double>> Complete(IEnumerable<IReadOnlyList<double>> data) =>
        data.Where(b => b.All(v => !double.IsNaN(v))).ToList();

    /// <summary>Ranks within one block, 1 = best (the largest value when <paramref name="higherIsBetter"/>), ties averaged.</summary>
    public static double[] RanksWithin(IReadOnlyList<double> block, bool higherIsBetter) =>
        RankTests.Ranks(higherIsBetter ? block.Select(v => -v).ToArray() : block);

    /// <summary>Each treatment's rank averaged over the blocks (Demšar's R_j).</summary>
    public static double[] AverageRanks(IReadOnlyList<IReadOnlyList<double>> data, bool higherIsBetter)
    {
        if (data.Count == 0) return [];
        var sums = new double[data[0].Count];
        foreach (var block in data)
        {
            var r = RanksWithin(block, higherIsBetter);
            for (var j = 0; j < sums.Length; j++) sums[j] += r[j];
        }
        return sums.Select(s => s / data.Count).ToArray();
    }

    /// <summary>
    /// Iman and Davenport's F form of the Friedman statistic: F = (N - 1) χ² / (N (k - 1) - χ²) with k - 1 and
    /// (k - 1)(N - 1) degrees of freedom (Demšar 2006, eq. after (1)); χ² is scipy's tie-corrected Friedman statistic.
    /// Perfect agreement (χ² = N (k - 1)) gives F = ∞ and p = 0.
    /// </summary>
    public static TestResult ImanDavenport(double chiSquare, int k, int n)
    {
        if (double.IsNaN(chiSquare) || k < 2 || n < 2) return new TestResult(double.NaN, double.NaN, n, "F");
        var denominator = n * (k - 1.0) - chiSquare;
        var f = denominator <= 0 ? double.PositiveInfinity : (n - 1.0) * chiSquare / denominator;
        return new TestResult(f, FisherF.Sf(f, k - 1, (k - 1.0) * (n - 1)), n, "F");
    }

    /// <summary>Demšar's q_α for k treatments: the studentized range quantile at 1 - α with infinite df, divided by √2.</summary>
    public static double NemenyiQ(int k, double alpha = 0.05) =>
        StudentizedRange.Quantile(1 - alpha, k, double.PositiveInfinity) / Math.Sqrt(2);

    /// <summary>The Nemenyi critical difference CD = q_α √(k (k + 1) / (6 N)).</summary>
    public static double CriticalDifference(int k, int n, double alpha = 0.05) =>
        n < 1 || k < 2 ? double.NaN : NemenyiQ(k, alpha) * Math.Sqrt(k * (k + 1.0) / (6.0 * n));

    /// <summary>
    /// Each treatment against the control: Wilcoxon signed-rank on the per-block differences treatment - control
    /// (<see cref="RankTests.Wilcoxon"/>'s conventions), Holm over the k - 1 comparisons.
    /// </summary>
    public static IReadOnlyList<ControlComparison> VersusControl(IReadOnlyList<IReadOnlyList<double>> data, int control)
    {
        var k = data.Count == 0 ? 0 : data[0].Count;
        var others = Enumerable.Range(0, k).Where(j => j != control).ToList();
        var tests = others.Select(j =>
        {
            var d = data.Select(b => b[j] - b[control]).ToArray();
            return (j, Median: Descriptive.Median(d), Test: RankTests.Wilcoxon(d));
        }).ToList();
        var holm = MultipleTesting.Holm(tests.Select(t => t.Test.PValue).ToList());
        return tests.Select((t, i) => new ControlComparison(t.j, t.Median, t.Test, holm[i])).ToList();
    }

    /// <summary>
    /// The groups a critical-difference diagram joins with a bar: maximal runs of treatments (in rank order) whose
    /// average ranks differ by less than <paramref name="cd"/>, as index ranges [From, To] into the rank-sorted order;
    /// runs of one and runs inside a longer run are left out.
    /// </summary>
    public static IReadOnlyList<(int From, int To)> Cliques(IReadOnlyList<double> averageRanks, double cd)
    {
        var sorted = averageRanks.Order().ToArray();
        var result = new List<(int, int)>();
        var lastTo = -1;
        for (var i = 0; i < sorted.Length; i++)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] - sorted[i] < cd) j++;
            if (j > i && j > lastTo) { result.Add((i, j)); lastTo = j; }
        }
        return result;
    }

    /// <summary>
    /// The whole comparison. <paramref name="data"/> must be complete (see <see cref="Complete"/>). Friedman needs
    /// k ≥ 3 (NaN below); the critical difference is defined from k = 2.
    /// </summary>
    public static RankingResult Compare(IReadOnlyList<IReadOnlyList<double>> data, bool higherIsBetter, int control, double alpha = 0.05)
    {
        var n = data.Count;
        var k = n == 0 ? 0 : data[0].Count;
        var ranks = AverageRanks(data, higherIsBetter);
        var friedman = k >= 3 && n >= 2 ? RankTests.Friedman(data) : new TestResult(double.NaN, double.NaN, n, "chi-square");
        var iman = ImanDavenport(friedman.Statistic, k, n);
        var q = k >= 2 ? NemenyiQ(k, alpha) : double.NaN;
        var cd = k >= 2 && n >= 1 ? q * Math.Sqrt(k * (k + 1.0) / (6.0 * n)) : double.NaN;
        var versus = control >= 0 && control < k ? VersusControl(data, control) : [];
        return new RankingResult(k, n, ranks, friedman, iman, alpha, q, cd, versus, double.IsNaN(cd) ? [] : Cliques(ranks, cd));
    }
}
