namespace ImbLab.Study.Store;

/// <summary>One metric value in long format. Class is null for whole-split metrics; NaN means undefined.</summary>
internal readonly record struct MetricRecord(int Step, double Epoch, string Split, int? Class, string Metric, double Value);

/// <summary>
/// Per-sample signals of one split at one checkpoint, in the order of <see cref="SplitSamples.RowIds"/>:
/// probability of the true class, margin (true logit minus the largest other logit) and correctness (argmax).
/// </summary>
internal sealed record SampleSignals(int Step, double Epoch, string Split, float[] TrueClassProbability, float[] Margin, bool[] Correct);

/// <summary>Which rows of the dataset a split of a run holds, and their labels.</summary>
internal sealed record SplitSamples(string Split, int[] RowIds, int[] Labels);

/// <summary>Everything one finished run produced: written to the store in one transaction.</summary>
internal sealed class RunRecords
{
    public List<MetricRecord> Metrics { get; } = [];
    public List<SampleSignals> Signals { get; } = [];
    public List<SplitSamples> Samples { get; } = [];
}
