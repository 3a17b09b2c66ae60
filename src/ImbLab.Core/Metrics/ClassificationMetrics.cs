using System.Buffers;

namespace ImbLab.Core;

/// <summary>
/// The classification metrics the monitor records every epoch and <c>imblab evaluate</c> recomputes from a
/// predictions file. Definitions follow docs/science.md; the values match scikit-learn / imbalanced-learn (held by
/// golden tests from tools/reference/metrics_goldens.py).
/// </summary>
/// <remarks>
/// Conventions:
/// <list type="bullet">
/// <item>The prediction of a row is the argmax of its probabilities; on a tie the lowest class index wins.</item>
/// <item>Recall_c = TP_c / support_c, NaN when support_c = 0.</item>
/// <item>Precision_c = TP_c / predicted_c, NaN when nothing is predicted as c (never 0 as a sentinel).</item>
/// <item>F1_c = 2PR / (P + R), NaN if P or R is NaN, 0 when P + R = 0.</item>
/// <item>PredictedShare_c = predicted_c / rows.</item>
/// <item>MeanLoss_c = mean per-sample loss over the rows of class c (NaN if none); the overall MeanLoss is over all
/// rows. Without caller-given losses the per-sample loss is -ln(max(p_true, 1e-12)): the clip keeps a saturated
/// float32 probability of 0 finite (at most ~27.6), so prefer the exact losses from
/// <see cref="Softmax.FromLogits"/> when logits are at hand.</item>
/// <item>Accuracy = correct / rows.</item>
/// <item>BalancedAccuracy = mean of the per-class recalls over the classes PRESENT (support &gt; 0), as
/// scikit-learn's balanced_accuracy_score.</item>
/// <item>GMean = (product of per-class recalls over the classes present)^(1 / C_present); binary with both classes
/// present: sqrt(TPR * TNR), as imbalanced-learn's geometric_mean_score. A class predicted but absent from the
/// labels does not enter (imbalanced-learn would count its 0/0 recall as 0 and return 0).</item>
/// <item>RocAuc (binary) = P(s+ &gt; s-) + 0.5 P(s+ = s-) with s = the positive class's probability; NaN when only one
/// class is present.</item>
/// <item>PrAuc (binary) = average precision of the positive class as scikit-learn's average_precision_score; NaN
/// when there are no positives.</item>
/// <item>C &gt; 2: RocAuc and PrAuc are unweighted means of the one-vs-rest values over the classes for which they
/// are defined (scikit-learn's roc_auc_score(multi_class="ovr", average="macro") and macro average precision when
/// every class is present; scikit-learn refuses an absent class), NaN if none is. The positive class is ignored.</item>
/// <item>A NaN probability makes RocAuc and PrAuc NaN (a diverged model has no ranking).</item>
/// <item>0 rows: every value NaN, every support 0.</item>
/// </list>
/// </remarks>
public static class ClassificationMetrics
{
    // Class tallies live on the stack up to this many classes; beyond it (never in this project) they are allocated.
    private const int StackClasses = 64;

    /// <summary>
    /// Computes every metric of one set of predictions: one pass for the confusion counts, then one sort per ranked
    /// class (a linear-time radix sort from 512 rows up, a comparison sort below). Buffers come from the shared
    /// array pool, so a call allocates only its result; it keeps no state and is safe to call from several threads.
    /// Labels outside [0, classes) and mismatched lengths are programming errors (ArgumentException): a predictions
    /// file is validated by its reader before it gets here.
    /// </summary>
    /// <param name="probabilities">Rows x <paramref name="classes"/>, row-major.</param>
    /// <param name="classes">Number of classes, at least 2.</param>
    /// <param name="labels">True class of each row, in [0, classes).</param>
    /// <param name="positiveClass">For 2 classes: the class whose probability ranks rows for RocAuc and PrAuc
    /// (the minority, from the counts). Ignored for more classes.</param>
    /// <param name="lossPerSample">Per-sample loss of each row, or empty to use -ln(max(p_true, 1e-12)).</param>
    public static MetricSet Compute(
        ReadOnlySpan<float> probabilities,
        int classes,
        ReadOnlySpan<int> labels,
        int positiveClass,
        ReadOnlySpan<double> lossPerSample = default)
    {
        if (classes < 2)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "at least 2 classes are required");
        var rows = labels.Length;
        if (probabilities.Length != (long)rows * classes)
            throw new ArgumentException($"probabilities has {probabilities.Length} values, expected {rows} rows x {classes} classes", nameof(probabilities));
        if (classes == 2 && (uint)positiveClass >= 2u)
            throw new ArgumentOutOfRangeException(nameof(positiveClass), positiveClass, "the positive class must be 0 or 1");
        if (!lossPerSample.IsEmpty && lossPerSample.Length != rows)
            throw new ArgumentException($"lossPerSample has {lossPerSample.Length} values, expected {rows} (one per row) or none", nameof(lossPerSample));

        Span<int> counts = classes <= StackClasses ? stackalloc int[3 * classes] : new int[3 * classes];
        Span<double> lossSums = classes <= StackClasses ? stackalloc double[classes] : new double[classes];
        counts.Clear();
        lossSums.Clear();
        var support = counts[..classes];
        var predicted = counts.Slice(classes, classes);
        var truePositives = counts.Slice(2 * classes, classes);

        var totalLoss = 0.0;
        var anyNaN = false;
        for (var i = 0; i < rows; i++)
        {
            var y = labels[i];
            if ((uint)y >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), y, $"the label of row {i} must be in [0, {classes})");
            var row = probabilities.Slice(i * classes, classes);
            var prediction = 0;
            var best = row[0];
            anyNaN |= float.IsNaN(best);
            for (var c = 1; c < classes; c++)
            {
                var p = row[c];
                anyNaN |= float.IsNaN(p);
                if (p > best)
                {
                    best = p;
                    prediction = c;
                }
            }
            support[y]++;
            predicted[prediction]++;
            if (prediction == y) truePositives[y]++;
            var loss = lossPerSample.IsEmpty ? -Math.Log(Math.Max((double)row[y], 1e-12)) : lossPerSample[i];
            lossSums[y] += loss;
            totalLoss += loss;
        }

        var perClass = new ClassMetrics[classes];
        var correct = 0;
        var present = 0;
        var recallSum = 0.0;
        var recallProduct = 1.0;
        for (var c = 0; c < classes; c++)
        {
            var recall = support[c] > 0 ? (double)truePositives[c] / support[c] : double.NaN;
            var precision = predicted[c] > 0 ? (double)truePositives[c] / predicted[c] : double.NaN;
            perClass[c] = new ClassMetrics(
                c,
                support[c],
                support[c] > 0 ? lossSums[c] / support[c] : double.NaN,
                recall,
                precision,
                F1(precision, recall),
                (double)predicted[c] / rows);
            correct += truePositives[c];
            if (support[c] > 0)
            {
                present++;
                recallSum += recall;
                recallProduct *= recall;
            }
        }

        var gMean = present switch
        {
            0 => double.NaN,
            1 => recallProduct,
            2 => Math.Sqrt(recallProduct),
            _ => Math.Pow(recallProduct, 1.0 / present),
        };

        var (rocAuc, prAuc) = anyNaN || rows == 0
            ? (double.NaN, double.NaN)
            : RankedMetrics(probabilities, classes, labels, positiveClass);

        return new MetricSet(
            perClass,
            totalLoss / rows,
            (double)correct / rows,
            present > 0 ? recallSum / present : double.NaN,
            gMean,
            rocAuc,
            prAuc);
    }

    /// <summary>
    /// ROC AUC = P(s+ &gt; s-) + 0.5 P(s+ = s-) (Mann-Whitney), from ranks with ties averaged, exact for ties.
    /// NaN if either class is absent or a score is NaN.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> isPositive) =>
        RankedFromScores(scores, isPositive).RocAuc;

    /// <summary>
    /// scikit-learn's average_precision_score: sum over distinct thresholds (descending) of
    /// (R_k - R_{k-1}) * P_k, step-wise without interpolation, tied scores forming one threshold.
    /// NaN if there are no positives or a score is NaN.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> isPositive) =>
        RankedFromScores(scores, isPositive).AveragePrecision;

    private static double F1(double precision, double recall)
    {
        if (double.IsNaN(precision) || double.IsNaN(recall)) return double.NaN;
        var sum = precision + recall;
        return sum == 0 ? 0 : 2 * precision * recall / sum;
    }

    private static (double RocAuc, double PrAuc) RankedMetrics(ReadOnlySpan<float> probabilities, int classes, ReadOnlySpan<int> labels, int positiveClass)
    {
        var rows = labels.Length;
        var buffer = ArrayPool<ulong>.Shared.Rent(2 * rows);
        try
        {
            var packed = buffer.AsSpan(0, rows);
            var scratch = buffer.AsSpan(rows, rows);
            if (classes == 2)
            {
                var r = Rank(Pack(probabilities, classes, labels, positiveClass, packed, scratch));
                return (r.RocAuc, r.AveragePrecision);
            }

            double rocSum = 0, apSum = 0;
            int rocCount = 0, apCount = 0;
            for (var c = 0; c < classes; c++)
            {
                var r = Rank(Pack(probabilities, classes, labels, c, packed, scratch));
                if (!double.IsNaN(r.RocAuc))
                {
                    rocSum += r.RocAuc;
                    rocCount++;
                }
                if (!double.IsNaN(r.AveragePrecision))
                {
                    apSum += r.AveragePrecision;
                    apCount++;
                }
            }
            return (rocCount > 0 ? rocSum / rocCount : double.NaN, apCount > 0 ? apSum / apCount : double.NaN);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Packs each row's score for <paramref name="positive"/> and its one-vs-rest label into one sortable word:
    /// the float's order-preserving bit pattern above, the label in bit 0. Plain words sort faster than keys with an
    /// item array (and by radix in linear time), and equal floats still share the upper bits, so ties stay exact.
    /// Scores must not be NaN.
    /// </summary>
    private static ReadOnlySpan<ulong> Pack(ReadOnlySpan<float> probabilities, int classes, ReadOnlySpan<int> labels, int positive, Span<ulong> packed, Span<ulong> scratch)
    {
        for (var i = 0; i < packed.Length; i++)
        {
            // + 0f turns -0 into +0: equal values must have equal bits.
            var bits = BitConverter.SingleToUInt32Bits(probabilities[i * classes + positive] + 0f);
            var ordered = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            packed[i] = ((ulong)ordered << 1) | (labels[i] == positive ? 1UL : 0UL);
        }
        if (packed.Length < RadixThreshold) packed.Sort();
        else RadixSort33(packed, scratch);
        return packed;
    }

    // Below this many rows clearing the 2048 histogram buckets three times costs more than a comparison sort.
    private const int RadixThreshold = 512;
    private const int RadixBits = 11;

    /// <summary>
    /// Stable LSD radix sort of words that use only their low 33 bits, three passes of 11 bits, skipping a pass whose
    /// digit is the same in every word (common: probabilities share the exponent's high bits).
    /// </summary>
    private static void RadixSort33(Span<ulong> keys, Span<ulong> scratch)
    {
        const int buckets = 1 << RadixBits;
        const ulong mask = buckets - 1;
        Span<int> offsets = stackalloc int[buckets];
        var source = keys;
        var target = scratch;
        var inKeys = true;
        for (var shift = 0; shift < 33; shift += RadixBits)
        {
            offsets.Clear();
            foreach (var k in source) offsets[(int)((k >> shift) & mask)]++;
            if (offsets[(int)((source[0] >> shift) & mask)] == source.Length) continue;
            var running = 0;
            for (var b = 0; b < buckets; b++)
            {
                var count = offsets[b];
                offsets[b] = running;
                running += count;
            }
            foreach (var k in source) target[offsets[(int)((k >> shift) & mask)]++] = k;
            var swap = source;
            source = target;
            target = swap;
            inKeys = !inKeys;
        }
        if (!inKeys) source.CopyTo(keys);
    }

    private static Ranked RankedFromScores(ReadOnlySpan<double> scores, ReadOnlySpan<bool> isPositive)
    {
        if (scores.Length != isPositive.Length)
            throw new ArgumentException($"scores has {scores.Length} values and isPositive {isPositive.Length}; they must match", nameof(isPositive));
        var n = scores.Length;
        if (n == 0) return new Ranked(double.NaN, double.NaN);
        foreach (var s in scores)
            if (double.IsNaN(s)) return new Ranked(double.NaN, double.NaN);

        var keys = ArrayPool<double>.Shared.Rent(n);
        var flags = ArrayPool<bool>.Shared.Rent(n);
        var buffer = ArrayPool<ulong>.Shared.Rent(n);
        try
        {
            var sortedKeys = keys.AsSpan(0, n);
            var sortedFlags = flags.AsSpan(0, n);
            scores.CopyTo(sortedKeys);
            isPositive.CopyTo(sortedFlags);
            sortedKeys.Sort(sortedFlags);

            // A double and a flag do not fit one word, so after sorting each score is replaced by its tie group's
            // index, which preserves order and ties, and the shared walk reads the same packed form.
            var packed = buffer.AsSpan(0, n);
            ulong group = 0;
            for (var i = 0; i < n; i++)
            {
                if (i > 0 && sortedKeys[i] != sortedKeys[i - 1]) group++;
                packed[i] = (group << 1) | (sortedFlags[i] ? 1UL : 0UL);
            }
            return Rank(packed);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(keys);
            ArrayPool<bool>.Shared.Return(flags);
            ArrayPool<ulong>.Shared.Return(buffer);
        }
    }

    private readonly record struct Ranked(double RocAuc, double AveragePrecision);

    /// <summary>
    /// Reads ROC AUC and AP off one ascending order of packed (score group &lt;&lt; 1 | is positive) words, walking
    /// groups of equal scores so that ties are exact. Both metrics share the single sort.
    /// </summary>
    private static Ranked Rank(ReadOnlySpan<ulong> sorted)
    {
        var n = sorted.Length;
        var totalPositives = 0;
        foreach (var v in sorted) totalPositives += (int)(v & 1);
        var totalNegatives = n - totalPositives;

        // ROC, ascending: each positive beats the negatives below its group and ties half of those in it.
        // Twice the Mann-Whitney count is an integer, so it is summed exactly and divided once.
        long twiceWins = 0;
        long negativesBelow = 0;
        for (var start = 0; start < n;)
        {
            var end = start;
            long groupPositives = 0;
            var key = sorted[start] >> 1;
            while (end < n && sorted[end] >> 1 == key)
            {
                groupPositives += (long)(sorted[end] & 1);
                end++;
            }
            var groupNegatives = end - start - groupPositives;
            twiceWins += groupPositives * (2 * negativesBelow + groupNegatives);
            negativesBelow += groupNegatives;
            start = end;
        }
        var roc = totalPositives > 0 && totalNegatives > 0
            ? twiceWins / (2.0 * totalPositives * totalNegatives)
            : double.NaN;

        // AP, thresholds descending: each threshold's recall step times its precision.
        var ap = double.NaN;
        if (totalPositives > 0)
        {
            var sum = 0.0;
            var truePositives = 0;
            for (var end = n; end > 0;)
            {
                var start = end;
                var groupPositives = 0;
                var key = sorted[end - 1] >> 1;
                while (start > 0 && sorted[start - 1] >> 1 == key)
                {
                    start--;
                    groupPositives += (int)(sorted[start] & 1);
                }
                truePositives += groupPositives;
                if (groupPositives > 0) sum += groupPositives * ((double)truePositives / (n - start));
                end = start;
            }
            ap = sum / totalPositives;
        }
        return new Ranked(roc, ap);
    }
}
