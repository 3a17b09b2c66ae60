using ImbLab.Core.Results;
namespace ImbLab.Core;

/// <summary>
/// What one class went through on one split at one moment. Undefined values are NaN, never a sentinel number.
/// </summary>
/// <param name="Class">The class index (into the table's class names).</param>
/// <param name="Support">Rows whose true label is this class.</param>
/// <param name="MeanLoss">Mean per-sample loss over the rows of this class; NaN when <paramref name="Support"/> is 0.</param>
/// <param name="Recall">TP / support; NaN when <paramref name="Support"/> is 0.</param>
/// <param name="Precision">TP / (rows predicted as this class); NaN when nothing is predicted as this class.</param>
/// <param name="F1">2PR / (P + R); NaN when P or R is NaN; 0 when P + R = 0.</param>
/// <param name="PredictedShare">Rows predicted as this class / all rows; NaN when there are no rows.</param>
public sealed record ClassMetrics(int Class, int Support, double MeanLoss, double Recall, double Precision, double F1, double PredictedShare);

/// <summary>
/// Per-class and overall classification metrics of one set of predictions. Conventions (see
/// <see cref="ClassificationMetrics.Compute"/>): undefined is NaN; with 0 rows every value is NaN and every support 0.
/// </summary>
/// <param name="Classes">One entry per class, in class order, including classes with no support.</param>
/// <param name="MeanLoss">Mean per-sample loss over all rows.</param>
/// <param name="Accuracy">Correct / rows.</param>
/// <param name="BalancedAccuracy">Mean recall over the classes present (support &gt; 0), as scikit-learn's balanced_accuracy_score.</param>
/// <param name="GMean">(Product of recalls over the classes present)^(1 / number present); binary with both present: sqrt(TPR * TNR).</param>
/// <param name="RocAuc">P(s+ &gt; s-) + 0.5 P(s+ = s-); NaN unless both sides are present. Macro one-vs-rest for C &gt; 2.</param>
/// <param name="PrAuc">scikit-learn's average precision of the positive class; NaN without positives. Macro one-vs-rest for C &gt; 2.</param>
public sealed record MetricSet(
    IReadOnlyList<ClassMetrics> Classes,
    double MeanLoss,
    double Accuracy,
    double BalancedAccuracy,
    double GMean,
    double RocAuc,
    double PrAuc)
{
    /// <summary>
    /// The metrics in long format with stable names (the store and the CSV export key on them). Per class, in class
    /// order (Class = c): "support", "loss", "recall", "precision", "f1", "pred_share"; then overall (Class = null):
    /// "loss", "accuracy", "balanced_accuracy", "g_mean", "roc_auc", "pr_auc". NaN values are kept, not dropped,
    /// so every record has the same shape.
    /// </summary>
    public IEnumerable<(int? Class, string Metric, double Value)> ToLong()
    {
        foreach (var c in Classes)
        {
            yield return (c.Class, MetricNames.Support, c.Support);
            yield return (c.Class, MetricNames.Loss, c.MeanLoss);
            yield return (c.Class, MetricNames.Recall, c.Recall);
            yield return (c.Class, MetricNames.Precision, c.Precision);
            yield return (c.Class, MetricNames.F1, c.F1);
            yield return (c.Class, MetricNames.PredShare, c.PredictedShare);
        }
        yield return (null, MetricNames.Loss, MeanLoss);
        yield return (null, MetricNames.Accuracy, Accuracy);
        yield return (null, MetricNames.BalancedAccuracy, BalancedAccuracy);
        yield return (null, MetricNames.GMean, GMean);
        yield return (null, MetricNames.RocAuc, RocAuc);
        yield return (null, MetricNames.PrAuc, PrAuc);
    }
}
