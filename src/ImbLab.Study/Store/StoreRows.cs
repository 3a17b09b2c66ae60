namespace ImbLab.Study.Store;

/// <summary>A dataset as the store describes it: identity, shape and class counts of the whole file.</summary>
internal sealed record DatasetRow(
    string DatasetId,
    string Name,
    string Source,
    string Fingerprint,
    int Rows,
    int Attributes,
    int NumericAttributes,
    int NominalAttributes,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<int> ClassCounts,
    string DetailsJson);

/// <summary>One run's identity, resolved config and realised counts.</summary>
internal sealed record RunRow(
    string RunId,
    string StudyId,
    string DatasetId,
    string ConfigHash,
    string ConfigJson,
    long Seed,
    int SeedIndex,
    string Protocol,
    string Level,
    double? RequestedIr,
    int SplitRepeat,
    int SplitFold,
    int MinorityClass,
    IReadOnlyList<int> TrainCounts,
    IReadOnlyList<int> TestCounts,
    string Status,
    string StartedAt,
    string? FinishedAt,
    double? TrainSeconds,
    string ImbLabVersion)
{
    public double? RealisedIr
    {
        get
        {
            var min = TrainCounts.Count == 0 ? 0 : TrainCounts.Min();
            return min == 0 ? null : (double)TrainCounts.Max() / min;
        }
    }
}
