namespace ImbLab.Core.Results;

/// <summary>One metric value in long format. Class is null for whole-split metrics; NaN means undefined.</summary>
public readonly record struct MetricRecord(int Step, double Epoch, string Split, int? Class, string Metric, double Value);

/// <summary>
/// Per-sample signals of one split at one checkpoint, in the order of <see cref="SplitSamples.RowIds"/>:
/// probability of the true class, margin (true logit minus the largest other logit) and correctness (argmax).
/// </summary>
public sealed record SampleSignals(int Step, double Epoch, string Split, float[] TrueClassProbability, float[] Margin, bool[] Correct);

/// <summary>Which rows of the dataset a split of a run holds, and their labels.</summary>
public sealed record SplitSamples(string Split, int[] RowIds, int[] Labels);

/// <summary>
/// A gradient-competition value at a checkpoint. Layer: the parameter layer (0 = first hidden layer's weights and
/// biases, ..., last = the output layer), null for the whole network. Class / OtherClass: the class, or the pair
/// for pairwise metrics (cosine), null for whole-gradient metrics.
/// </summary>
public readonly record struct GradientRecord(int Step, double Epoch, int? Layer, int? Class, int? OtherClass, string Metric, double Value);

/// <summary>
/// A representation-separability value at a checkpoint. Layer 0 is the encoded input space, 1..H the hidden layers
/// (after the activation), H+1 the output layer (its weights and biases: minority collapse). Rows is how many
/// samples the measure used (all, or a stratified subsample that keeps every minority sample).
/// </summary>
public readonly record struct RepresentationRecord(int Step, double Epoch, string Split, int Layer, int? Class, int? OtherClass, string Metric, double Value, int Rows);

/// <summary>The hidden activations of one layer on one split at one checkpoint (recorded on request only: they are large).</summary>
public sealed record ActivationSnapshot(int Step, double Epoch, string Split, int Layer, int[] RowIds, int Width, float[] Values);

/// <summary>Everything one finished run produced: written to the store in one transaction.</summary>
public sealed class RunRecords
{
    public List<MetricRecord> Metrics { get; } = [];
    public List<SampleSignals> Signals { get; } = [];
    public List<SplitSamples> Samples { get; } = [];
    public List<GradientRecord> Gradients { get; } = [];
    public List<RepresentationRecord> Representations { get; } = [];
    public List<ActivationSnapshot> Activations { get; } = [];

    /// <summary>Set when training diverged: the run is stored as 'diverged' with what was recorded before.</summary>
    public Divergence? Diverged { get; set; }
}

/// <summary>Where a run diverged: its batch loss became non-finite (updates done before that batch), or its outputs at a checkpoint did (updates done before the checkpoint); and the 1-based epoch of the update.</summary>
public sealed record Divergence(int Step, int Epoch);

/// <summary>
/// One stated finding for a dataset and protocol of a study: the claim, the verdict its written rule gives, and the
/// numbers behind it (effect with its interval across seeds, a p-value where a test applies, NaN where none does).
/// </summary>
public sealed record FindingRow(
    string StudyId,
    string Dataset,
    string Protocol,
    string Finding,
    string Statement,
    string Verdict,
    double Effect,
    double CiLow,
    double CiHigh,
    double PValue,
    int N,
    string DetailsJson)
{
    /// <summary>The remedy of the runs the finding is about ("none" for plain training and for stores older than version 5).</summary>
    public string Remedy { get; init; } = "none";
}
