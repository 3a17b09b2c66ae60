using ImbLab.Core;
using Xunit;

namespace ImbLab.Tests.Metrics;

public sealed class ClassificationMetricsTests
{
    private const double Tolerance = 1e-12;

    // Eight rows, positive class 1, p1 per row (p0 = 1 - p1):
    //   negatives (y = 0): 0.1  0.2  0.3  0.6  0.8
    //   positives (y = 1): 0.4  0.8  0.9
    // Predicted 1 when p1 > 0.5. Confusion (rows = truth, columns = prediction):
    //            pred 0   pred 1
    //   y = 0    TN = 3   FP = 2      support_0 = 5
    //   y = 1    FN = 1   TP = 2      support_1 = 3
    //   predicted_0 = 4, predicted_1 = 4
    // recall_0 = 3/5, recall_1 = 2/3; precision_0 = 3/4, precision_1 = 2/4
    // f1_0 = 2(3/4)(3/5)/(3/4 + 3/5) = 2/3; f1_1 = 2(1/2)(2/3)/(1/2 + 2/3) = 4/7
    // accuracy = 5/8; balanced accuracy = (3/5 + 2/3)/2 = 19/30; g-mean = sqrt(3/5 * 2/3) = sqrt(2/5)
    // ROC: positive 0.4 beats 3 negatives, 0.8 beats 4 and ties 1 (half), 0.9 beats 5: 12.5 / (3 * 5) = 5/6
    // AP, thresholds descending: 0.9 -> P = 1/1; 0.8 (one pos, one neg) -> P = 2/3; 0.6 no positive;
    //   0.4 -> P = 3/5; each positive threshold adds recall 1/3: AP = (1 + 2/3 + 3/5)/3 = 34/45
    private static readonly float[] P1 = [0.1f, 0.2f, 0.3f, 0.6f, 0.8f, 0.4f, 0.8f, 0.9f];
    private static readonly int[] Labels = [0, 0, 0, 0, 0, 1, 1, 1];
    private static readonly double[] Losses = [1, 2, 3, 4, 5, 10, 20, 60];

    private static float[] Binary(float[] p1)
    {
        var probabilities = new float[p1.Length * 2];
        for (var i = 0; i < p1.Length; i++)
        {
            probabilities[2 * i] = 1f - p1[i];
            probabilities[2 * i + 1] = p1[i];
        }
        return probabilities;
    }

    [Fact]
    public void Given_a_hand_worked_confusion_When_computing_Then_every_metric_is_as_worked_out()
    {
        var m = ClassificationMetrics.Compute(Binary(P1), 2, Labels, positiveClass: 1, Losses);

        var negative = m.Classes[0];
        var positive = m.Classes[1];
        Assert.Equal((0, 5), (negative.Class, negative.Support));
        Assert.Equal((1, 3), (positive.Class, positive.Support));
        Assert.Equal(3.0 / 5, negative.Recall, Tolerance);
        Assert.Equal(2.0 / 3, positive.Recall, Tolerance);
        Assert.Equal(3.0 / 4, negative.Precision, Tolerance);
        Assert.Equal(1.0 / 2, positive.Precision, Tolerance);
        Assert.Equal(2.0 / 3, negative.F1, Tolerance);
        Assert.Equal(4.0 / 7, positive.F1, Tolerance);
        Assert.Equal(0.5, negative.PredictedShare, Tolerance);
        Assert.Equal(0.5, positive.PredictedShare, Tolerance);
        Assert.Equal(3.0, negative.MeanLoss, Tolerance);
        Assert.Equal(30.0, positive.MeanLoss, Tolerance);
        Assert.Equal(105.0 / 8, m.MeanLoss, Tolerance);
        Assert.Equal(5.0 / 8, m.Accuracy, Tolerance);
        Assert.Equal(19.0 / 30, m.BalancedAccuracy, Tolerance);
        Assert.Equal(Math.Sqrt(2.0 / 5), m.GMean, Tolerance);
        Assert.Equal(5.0 / 6, m.RocAuc, Tolerance);
        Assert.Equal(34.0 / 45, m.PrAuc, Tolerance);
    }

    [Fact]
    public void Given_the_other_class_as_positive_When_computing_Then_roc_is_unchanged_and_ap_is_of_class_0()
    {
        // Class 0 ranked by p0 = 1 - p1 wins exactly the pairs class 1 won ranked by p1: ROC stays 5/6.
        // AP of class 0 ranked by p0, descending: 0.9 (y=0), 0.8 (y=0), 0.7 (y=0), 0.6 (y=1), 0.4 (y=0),
        //   0.2 (one y=0 and one y=1, tied), 0.1 (y=1). Precision at each threshold holding class-0 rows:
        //   1/1, 2/2, 3/3, 4/5, 5/7; each adds recall 1/5: AP = (3 + 4/5 + 5/7) / 5.
        var m = ClassificationMetrics.Compute(Binary(P1), 2, Labels, positiveClass: 0, Losses);

        Assert.Equal(5.0 / 6, m.RocAuc, Tolerance);
        Assert.Equal((3 + 4.0 / 5 + 5.0 / 7) / 5, m.PrAuc, Tolerance);
    }

    [Fact]
    public void Given_no_caller_losses_When_computing_Then_loss_is_minus_log_of_the_clipped_true_probability()
    {
        // Row 0: p_true = 0.75 -> ln(4/3). Row 1: p_true = 0 -> clipped to 1e-12 -> 12 ln 10.
        float[] probabilities = [0.75f, 0.25f, 1f, 0f];
        int[] labels = [0, 1];

        var m = ClassificationMetrics.Compute(probabilities, 2, labels, 1);

        Assert.Equal(Math.Log(4.0 / 3), m.Classes[0].MeanLoss, Tolerance);
        Assert.Equal(12 * Math.Log(10), m.Classes[1].MeanLoss, 1e-9);
        Assert.Equal((Math.Log(4.0 / 3) + 12 * Math.Log(10)) / 2, m.MeanLoss, 1e-9);
    }

    [Fact]
    public void Given_tied_probabilities_When_predicting_Then_the_first_class_wins()
    {
        float[] probabilities = [0.5f, 0.5f, 0.2f, 0.4f, 0.4f];
        var m = ClassificationMetrics.Compute(probabilities.AsSpan(0, 2), 2, [1], 1);
        Assert.Equal(1.0, m.Classes[0].PredictedShare);
        Assert.Equal(0.0, m.Accuracy);

        var three = ClassificationMetrics.Compute(probabilities.AsSpan(2), 3, [2], 0);
        Assert.Equal(1.0, three.Classes[1].PredictedShare);
    }

    [Fact]
    public void Given_no_rows_When_computing_Then_every_value_is_NaN_and_supports_are_zero()
    {
        var m = ClassificationMetrics.Compute([], 2, [], 1);

        Assert.All(m.Classes, c => Assert.Equal(0, c.Support));
        Assert.All(m.ToLong().Where(r => r.Metric != "support"), r => Assert.True(double.IsNaN(r.Value), $"{r.Class} {r.Metric} = {r.Value}"));
    }

    [Fact]
    public void Given_a_class_never_predicted_When_computing_Then_its_precision_and_f1_are_NaN_not_zero()
    {
        // Everything predicted 0: precision_1 = 0/0 -> NaN; recall_1 = 0/2 = 0; g-mean = sqrt(1 * 0) = 0.
        var m = ClassificationMetrics.Compute(Binary([0.1f, 0.2f, 0.3f, 0.4f]), 2, [0, 0, 1, 1], 1);

        Assert.True(double.IsNaN(m.Classes[1].Precision));
        Assert.True(double.IsNaN(m.Classes[1].F1));
        Assert.Equal(0.0, m.Classes[1].Recall);
        Assert.Equal(0.0, m.Classes[1].PredictedShare);
        Assert.Equal(0.0, m.GMean);
        Assert.Equal(0.5, m.BalancedAccuracy);
        Assert.Equal(1.0, m.RocAuc);
    }

    [Fact]
    public void Given_precision_and_recall_both_zero_When_computing_Then_f1_is_zero()
    {
        // Row 0 (y = 0) predicted 1, row 1 (y = 1) predicted 0: P_1 = 0/1, R_1 = 0/1.
        var m = ClassificationMetrics.Compute(Binary([0.9f, 0.1f]), 2, [0, 1], 1);

        Assert.Equal(0.0, m.Classes[1].F1);
        Assert.Equal(0.0, m.Classes[0].F1);
    }

    [Fact]
    public void Given_one_class_present_When_computing_Then_auc_is_NaN_and_balanced_accuracy_uses_that_class_only()
    {
        // Only negatives; two of four predicted 0: recall_0 = 1/2, class 1 absent -> recall NaN, AP NaN.
        var m = ClassificationMetrics.Compute(Binary([0.1f, 0.2f, 0.7f, 0.9f]), 2, [0, 0, 0, 0], 1);

        Assert.True(double.IsNaN(m.RocAuc));
        Assert.True(double.IsNaN(m.PrAuc));
        Assert.True(double.IsNaN(m.Classes[1].Recall));
        Assert.True(double.IsNaN(m.Classes[1].MeanLoss));
        Assert.Equal(0.0, m.Classes[1].Precision);
        Assert.Equal(0.5, m.BalancedAccuracy);
        Assert.Equal(0.5, m.GMean);
    }

    [Fact]
    public void Given_a_NaN_probability_When_computing_Then_the_rankings_are_NaN()
    {
        var m = ClassificationMetrics.Compute(Binary([0.1f, float.NaN, 0.8f]), 2, [0, 1, 1], 1);

        Assert.True(double.IsNaN(m.RocAuc));
        Assert.True(double.IsNaN(m.PrAuc));
    }

    [Fact]
    public void Given_a_metric_set_When_flattening_Then_names_and_order_are_stable()
    {
        var m = ClassificationMetrics.Compute(Binary(P1), 2, Labels, 1, Losses);

        var rows = m.ToLong().ToList();

        string[] perClass = ["support", "loss", "recall", "precision", "f1", "pred_share"];
        string[] overall = ["loss", "accuracy", "balanced_accuracy", "g_mean", "roc_auc", "pr_auc"];
        Assert.Equal(
            perClass.Select(n => ((int?)0, n)).Concat(perClass.Select(n => ((int?)1, n))).Concat(overall.Select(n => ((int?)null, n))),
            rows.Select(r => (r.Class, r.Metric)));
        Assert.Contains(((int?)1, "support", 3.0), rows);
        Assert.Contains(((int?)null, "roc_auc", m.RocAuc), rows);
    }

    [Fact]
    public void Given_inconsistent_shapes_When_computing_Then_the_argument_is_named()
    {
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(new float[5], 2, new int[3], 1)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute(new float[4], 2, [0, 2], 1)).ParamName);
        Assert.Equal("positiveClass", Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute(new float[4], 2, [0, 1], 2)).ParamName);
        Assert.Equal("lossPerSample", Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(new float[4], 2, [0, 1], 1, new double[3])).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute(new float[2], 1, [0, 0], 0)).ParamName);
        Assert.Equal("isPositive", Assert.Throws<ArgumentException>(() => ClassificationMetrics.RocAuc([1, 2], [true])).ParamName);
    }

    [Fact]
    public void Given_rank_inputs_with_one_side_missing_When_ranking_Then_roc_and_ap_follow_their_definitions()
    {
        Assert.True(double.IsNaN(ClassificationMetrics.RocAuc([0.1, 0.2], [false, false])));
        Assert.True(double.IsNaN(ClassificationMetrics.RocAuc([0.1, 0.2], [true, true])));
        Assert.True(double.IsNaN(ClassificationMetrics.AveragePrecision([0.1, 0.2], [false, false])));
        Assert.Equal(1.0, ClassificationMetrics.AveragePrecision([0.1, 0.2], [true, true]));
        Assert.True(double.IsNaN(ClassificationMetrics.RocAuc([], [])));
        Assert.True(double.IsNaN(ClassificationMetrics.RocAuc([double.NaN, 1], [true, false])));
    }
}
