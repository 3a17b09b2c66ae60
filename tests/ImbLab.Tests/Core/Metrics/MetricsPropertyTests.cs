using CsCheck;
using ImbLab.Core;
using Xunit;
using ImbLab.Data.Predictions;

namespace ImbLab.Tests.Metrics;

public sealed class MetricsPropertyTests
{
    private const int Iterations = 300;

    // Scores on a coarse grid so that ties are the rule, as with float probabilities near 0 and 1.
    private static readonly Gen<(double[] Scores, bool[] Positive)> GenRanked =
        from n in Gen.Int[1, 80]
        from scores in Gen.Int[-8, 8].Select(i => i / 4.0).Array[n]
        from positive in Gen.Bool.Array[n]
        select (scores, positive);

    private static readonly Gen<(double[] Scores, bool[] Positive)> GenBothPresent =
        GenRanked.Where(r => r.Positive.Contains(true) && r.Positive.Contains(false));

    private sealed record Predictions(int Classes, float[] Probabilities, int[] Labels, int[] Permutation);

    private static readonly Gen<Predictions> GenPredictions =
        from classes in Gen.Int[2, 4]
        from n in Gen.Int[0, 60]
        from cells in Gen.Int[0, 10].Select(i => i / 10f).Array[n * classes]
        from labels in Gen.Int[0, classes - 1].Array[n]
        from permutation in Gen.Shuffle(Enumerable.Range(0, n).ToArray())
        select new Predictions(classes, Normalised(cells, classes), labels, permutation);

    private static float[] Normalised(float[] cells, int classes)
    {
        var p = (float[])cells.Clone();
        for (var i = 0; i < p.Length; i += classes)
        {
            var sum = 0f;
            for (var c = 0; c < classes; c++) sum += p[i + c];
            for (var c = 0; c < classes; c++) p[i + c] = sum > 0 ? p[i + c] / sum : 1f / classes;
        }
        return p;
    }

    private static int Minority(Predictions d) => d.Labels.Count(y => y == 1) <= d.Labels.Count(y => y == 0) ? 1 : 0;

    [Fact]
    public void Given_any_scores_When_transformed_strictly_monotonically_Then_roc_and_ap_do_not_change()
    {
        GenRanked.Sample(r =>
        {
            var cubed = r.Scores.Select(s => 2 * s * s * s + s - 5).ToArray();
            var exponential = r.Scores.Select(s => Math.Exp(3 * s)).ToArray();
            var roc = ClassificationMetrics.RocAuc(r.Scores, r.Positive);
            var ap = ClassificationMetrics.AveragePrecision(r.Scores, r.Positive);
            MetricsAssert.Close(roc, ClassificationMetrics.RocAuc(cubed, r.Positive), 1e-12, "roc under cube");
            MetricsAssert.Close(roc, ClassificationMetrics.RocAuc(exponential, r.Positive), 1e-12, "roc under exp");
            MetricsAssert.Close(ap, ClassificationMetrics.AveragePrecision(cubed, r.Positive), 1e-12, "ap under cube");
            MetricsAssert.Close(ap, ClassificationMetrics.AveragePrecision(exponential, r.Positive), 1e-12, "ap under exp");
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_both_classes_When_negating_scores_Then_the_two_aucs_sum_to_one()
    {
        GenBothPresent.Sample(r =>
        {
            var negated = r.Scores.Select(s => -s).ToArray();
            var sum = ClassificationMetrics.RocAuc(r.Scores, r.Positive) + ClassificationMetrics.RocAuc(negated, r.Positive);
            MetricsAssert.Close(1.0, sum, 1e-12, "AUC(s) + AUC(-s)");
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_both_classes_When_ranking_Then_roc_matches_the_pairwise_definition()
    {
        GenBothPresent.Sample(r =>
        {
            double wins = 0, pairs = 0;
            for (var i = 0; i < r.Scores.Length; i++)
            {
                if (!r.Positive[i]) continue;
                for (var j = 0; j < r.Scores.Length; j++)
                {
                    if (r.Positive[j]) continue;
                    pairs++;
                    wins += r.Scores[i] > r.Scores[j] ? 1 : r.Scores[i] == r.Scores[j] ? 0.5 : 0;
                }
            }
            MetricsAssert.Close(wins / pairs, ClassificationMetrics.RocAuc(r.Scores, r.Positive), 1e-12, "roc");
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_positives_When_computing_ap_Then_it_is_in_the_unit_interval_and_1_when_separated()
    {
        GenRanked.Where(r => r.Positive.Contains(true)).Sample(r =>
        {
            var ap = ClassificationMetrics.AveragePrecision(r.Scores, r.Positive);
            Assert.InRange(ap, 0.0, 1.0);

            // Lift every positive above every negative: perfect separation.
            var separated = r.Scores.Select((s, i) => r.Positive[i] ? s + 100 : s).ToArray();
            Assert.Equal(1.0, ClassificationMetrics.AveragePrecision(separated, r.Positive), 1e-12);
            if (r.Positive.Contains(false))
                Assert.Equal(1.0, ClassificationMetrics.RocAuc(separated, r.Positive));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_predictions_When_computing_Then_rates_are_in_range_and_balanced_accuracy_is_mean_recall()
    {
        GenPredictions.Sample(d =>
        {
            var m = ClassificationMetrics.Compute(d.Probabilities, d.Classes, d.Labels, Minority(d));

            foreach (var c in m.Classes)
            {
                MetricsAssert.InUnitIntervalOrNaN(c.Recall, $"recall[{c.Class}]");
                MetricsAssert.InUnitIntervalOrNaN(c.Precision, $"precision[{c.Class}]");
                MetricsAssert.InUnitIntervalOrNaN(c.F1, $"f1[{c.Class}]");
                Assert.Equal(c.Support == 0, double.IsNaN(c.Recall));
            }
            var recalls = m.Classes.Where(c => c.Support > 0).Select(c => c.Recall).ToList();
            var meanRecall = recalls.Count > 0 ? recalls.Average() : double.NaN;
            MetricsAssert.Close(meanRecall, m.BalancedAccuracy, 1e-12, "balanced accuracy");
            MetricsAssert.InUnitIntervalOrNaN(m.GMean, "g-mean");
            MetricsAssert.InUnitIntervalOrNaN(m.RocAuc, "roc");
            MetricsAssert.InUnitIntervalOrNaN(m.PrAuc, "ap");
            if (d.Labels.Length > 0)
            {
                Assert.Equal(d.Labels.Length, m.Classes.Sum(c => c.Support));
                MetricsAssert.Close(1.0, m.Classes.Sum(c => c.PredictedShare), 1e-12, "predicted shares");
                Assert.True(m.GMean <= m.BalancedAccuracy + 1e-12, $"g-mean {m.GMean} above the arithmetic mean {m.BalancedAccuracy}");
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_epoch_sized_predictions_When_computing_Then_rankings_equal_the_one_vs_rest_scalar_functions()
    {
        // Large inputs take Compute's packed radix-sort path; RocAuc/AveragePrecision on doubles take the other one.
        var gen =
            from classes in Gen.Int[2, 3]
            from n in Gen.Int[512, 3000]
            from coarse in Gen.Bool
            from cells in Gen.Float[0f, 1f].Array[n * classes]
            from labels in Gen.Int[0, classes - 1].Array[n]
            select (classes, labels, Probabilities: Normalised(coarse ? cells.Select(v => MathF.Round(v, 2)).ToArray() : cells, classes));
        gen.Sample(d =>
        {
            var m = ClassificationMetrics.Compute(d.Probabilities, d.classes, d.labels, positiveClass: 1);

            var classes = d.classes == 2 ? [1] : Enumerable.Range(0, d.classes).ToArray();
            var rocs = new List<double>();
            var aps = new List<double>();
            foreach (var c in classes)
            {
                var scores = Enumerable.Range(0, d.labels.Length).Select(i => (double)d.Probabilities[i * d.classes + c]).ToArray();
                var positive = d.labels.Select(y => y == c).ToArray();
                rocs.Add(ClassificationMetrics.RocAuc(scores, positive));
                aps.Add(ClassificationMetrics.AveragePrecision(scores, positive));
            }
            MetricsAssert.Close(rocs.Average(), m.RocAuc, 1e-12, "roc");
            MetricsAssert.Close(aps.Average(), m.PrAuc, 1e-12, "ap");
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void Given_any_predictions_When_rows_are_permuted_Then_nothing_changes()
    {
        GenPredictions.Sample(d =>
        {
            var n = d.Labels.Length;
            var probabilities = new float[d.Probabilities.Length];
            var labels = new int[n];
            for (var i = 0; i < n; i++)
            {
                var from = d.Permutation[i];
                labels[i] = d.Labels[from];
                d.Probabilities.AsSpan(from * d.Classes, d.Classes).CopyTo(probabilities.AsSpan(i * d.Classes));
            }

            var original = ClassificationMetrics.Compute(d.Probabilities, d.Classes, d.Labels, Minority(d)).ToLong().ToList();
            var permuted = ClassificationMetrics.Compute(probabilities, d.Classes, labels, Minority(d)).ToLong().ToList();

            Assert.Equal(original.Count, permuted.Count);
            for (var k = 0; k < original.Count; k++)
            {
                Assert.Equal((original[k].Class, original[k].Metric), (permuted[k].Class, permuted[k].Metric));
                MetricsAssert.Close(original[k].Value, permuted[k].Value, 1e-12, $"{original[k].Class} {original[k].Metric}");
            }
        }, iter: Iterations, threads: 1);
    }
}
