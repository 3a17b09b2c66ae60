namespace ImbLab.Analysis;

/// <summary>
/// Silhouette values summarised per class. <see cref="PerClassMean"/>[c] is NaN when class c has no rows;
/// <see cref="UnweightedMean"/> is the mean of the per-class means of the classes present (every class weighs
/// the same, so a 1% minority is not drowned); <see cref="Mean"/> is scikit-learn's silhouette_score, the mean
/// over all samples.
/// </summary>
public sealed record SilhouetteSummary(double[] PerClassMean, double UnweightedMean, double Mean);

/// <summary>
/// Exact silhouette coefficients (Rousseeuw 1987) with scikit-learn's definition and Euclidean distance.
///
/// Hand-checked (see SilhouetteTests): points 0, 1 (class 0) and 4, 6 (class 1) on a line.
///   x=0: a = 1, b = (4 + 6)/2 = 5,  s = 4/5;     x=1: a = 1, b = (3 + 5)/2 = 4, s = 3/4;
///   x=4: a = 2, b = (4 + 3)/2 = 3.5, s = 3/7;    x=6: a = 2, b = (6 + 5)/2 = 5.5, s = 7/11.
/// </summary>
public static class Silhouette
{
    /// <summary>
    /// s(i) = (b - a) / max(a, b), where a(i) is the mean distance to the other members of i's class and b(i)
    /// the smallest mean distance to the members of another class; s = 0 for a sample whose class has one
    /// member, and s = 0 when a = b = 0 (as scikit-learn's nan_to_num makes it). Classes with no rows are
    /// ignored. Every value is NaN when fewer than 2 classes are present or x holds a non-finite value.
    /// Deterministic: the same numbers, bit for bit, for every <paramref name="threads"/> (0 = all cores).
    /// </summary>
    public static double[] Samples(ReadOnlySpan<float> x, int rows, int dims, ReadOnlySpan<int> labels, int classes, int threads = 0) =>
        Samples(x, rows, dims, labels, classes, threads, ClassDistanceSums.Best);

    internal static double[] Samples(ReadOnlySpan<float> x, int rows, int dims, ReadOnlySpan<int> labels, int classes, int threads,
        DistancePath path)
    {
        RepresentationInput.Check(x, rows, dims, labels, classes);
        var result = new double[rows];
        var counts = RepresentationInput.Counts(labels, classes);
        if (counts.Count(n => n > 0) < 2 || !RepresentationInput.AllFinite(x))
        {
            Array.Fill(result, double.NaN);
            return result;
        }

        var sums = ClassDistanceSums.Compute(x, rows, dims, labels, classes, threads, path);
        for (var i = 0; i < rows; i++)
        {
            var own = labels[i];
            if (counts[own] == 1)
            {
                result[i] = 0;
                continue;
            }
            var a = sums[i * classes + own] / (counts[own] - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < classes; c++)
                if (c != own && counts[c] > 0)
                    b = Math.Min(b, sums[i * classes + c] / counts[c]);
            var denominator = Math.Max(a, b);
            result[i] = denominator > 0 ? (b - a) / denominator : 0;
        }
        return result;
    }

    /// <summary>Per-class means, their unweighted mean over the classes present, and the mean over all samples.</summary>
    public static SilhouetteSummary Summarize(ReadOnlySpan<double> samples, ReadOnlySpan<int> labels, int classes)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "must be >= 1");
        RepresentationInput.CheckLabels(labels, samples.Length, classes);
        var sum = new double[classes];
        var counts = new int[classes];
        var total = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            sum[labels[i]] += samples[i];
            counts[labels[i]]++;
            total += samples[i];
        }
        var perClass = new double[classes];
        var present = 0;
        var unweighted = 0.0;
        for (var c = 0; c < classes; c++)
        {
            perClass[c] = counts[c] > 0 ? sum[c] / counts[c] : double.NaN;
            if (counts[c] == 0) continue;
            present++;
            unweighted += perClass[c];
        }
        return new SilhouetteSummary(
            perClass,
            present > 0 ? unweighted / present : double.NaN,
            samples.Length > 0 ? total / samples.Length : double.NaN);
    }
}
