namespace ImbLab.Core.Results;

/// <summary>The split names a run records under: written to stores, exports and reports, so they never change.</summary>
public static class Splits
{
    public const string Train = "train";
    public const string Test = "test";

    /// <summary>Each training sample as it was presented in its mini-batch, before the update (--dynamics-from training).</summary>
    public const string TrainPresented = "train_presented";

    /// <summary>The validation split threshold and early-stop carve from the training part (docs/remedies.md).</summary>
    public const string Validation = "validation";
}

/// <summary>The metric names of the metrics table (per class, and per split when the class is null).</summary>
public static class MetricNames
{
    public const string Support = "support";
    public const string Loss = "loss";
    public const string Recall = "recall";
    public const string Precision = "precision";
    public const string F1 = "f1";
    public const string PredShare = "pred_share";
    public const string Accuracy = "accuracy";
    public const string BalancedAccuracy = "balanced_accuracy";
    public const string GMean = "g_mean";
    public const string RocAuc = "roc_auc";
    public const string PrAuc = "pr_auc";

    /// <summary>threshold: the offset d taken from the minority's logit, chosen on the validation split (docs/remedies.md).</summary>
    public const string ThresholdOffset = "threshold_offset";
}

/// <summary>A class's role in a run, from its training counts (never from its label).</summary>
public static class Roles
{
    public const string Minority = "minority";
    public const string Majority = "majority";
    public const string Other = "other";
}
