namespace ImbLab.Engine;

/// <summary>
/// Per-class loss weights from the training part's class counts, for <see cref="Losses.Weighted"/> (and LDAM's and
/// focal's weights). A class with no rows gets weight 0 and does not count among the C classes of a normalisation: it
/// never appears as a label, so its weight is never used, and leaving it out keeps the other weights what they would be
/// without it.
/// </summary>
public static class ClassWeights
{
    /// <summary>
    /// Inverse frequency, w_c = N / (C n_c): normalised so the mean weight over the training rows is 1 (sum_c n_c w_c = N,
    /// scikit-learn's "balanced"). Equal counts give exactly 1 for every class.
    /// </summary>
    public static double[] Inverse(IReadOnlyList<int> counts)
    {
        var (total, present, _, _) = Check(counts);
        var weights = new double[counts.Count];
        for (var c = 0; c < weights.Length; c++) weights[c] = counts[c] == 0 ? 0 : (double)total / ((double)present * counts[c]);
        return weights;
    }

    /// <summary>
    /// Inverse square root, w_c proportional to (n_min / n_c)^(1/2) (n_min the smallest non-zero count), normalised to sum
    /// to C. Equal counts give 1 for every class.
    /// </summary>
    public static double[] InverseSqrt(IReadOnlyList<int> counts)
    {
        var (_, _, min, _) = Check(counts);
        var raw = new double[counts.Count];
        for (var c = 0; c < raw.Length; c++) raw[c] = counts[c] == 0 ? 0 : Math.Sqrt((double)min / counts[c]);
        return SumToClasses(raw);
    }

    /// <summary>
    /// Class-balanced by the effective number of samples (Cui et al. 2019): (1 - beta) / (1 - beta^n_c), normalised to
    /// sum to C. beta 0 weighs every class alike; beta towards 1 tends to inverse frequency. Equal counts give 1 for every class.
    /// </summary>
    public static double[] Effective(IReadOnlyList<int> counts, double beta)
    {
        Check(counts);
        if (!(beta >= 0 && beta < 1)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be in [0, 1)");
        var raw = new double[counts.Count];
        for (var c = 0; c < raw.Length; c++) raw[c] = counts[c] == 0 ? 0 : (1 - beta) / (1 - Math.Pow(beta, counts[c]));
        return SumToClasses(raw);
    }

    /// <summary>C * raw / sum(raw) over the C classes with rows; every class exactly 1 when the raw values are all equal.</summary>
    private static double[] SumToClasses(double[] raw)
    {
        double sum = 0;
        var present = 0;
        var first = double.NaN;
        var equal = true;
        foreach (var r in raw)
        {
            if (r == 0) continue;
            sum += r;
            present++;
            if (double.IsNaN(first)) first = r;
            equal &= r == first;
        }
        var weights = new double[raw.Length];
        // Equal raw values (equal counts): 1 exactly, not C r / (r + ... + r), so the balanced case is plain CE to the bit.
        for (var c = 0; c < raw.Length; c++) weights[c] = raw[c] == 0 ? 0 : equal ? 1 : present * raw[c] / sum;
        return weights;
    }

    /// <summary>N, the classes with rows, the smallest and largest non-zero count; throws on counts no weighting can use.</summary>
    internal static (long Total, int Present, int Min, int Max) Check(IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count < 2) throw new ArgumentException($"counts has {counts.Count} classes; at least 2 are needed", nameof(counts));
        long total = 0;
        int present = 0, min = int.MaxValue, max = 0;
        for (var c = 0; c < counts.Count; c++)
        {
            var n = counts[c];
            if (n < 0) throw new ArgumentException($"counts[{c}] is {n}; a class count is 0 or more", nameof(counts));
            if (n == 0) continue;
            total += n;
            present++;
            min = Math.Min(min, n);
            max = Math.Max(max, n);
        }
        if (present == 0) throw new ArgumentException("counts are all 0; at least one class needs rows", nameof(counts));
        return (total, present, min, max);
    }
}
