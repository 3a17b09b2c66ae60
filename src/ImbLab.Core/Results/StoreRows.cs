namespace ImbLab.Core.Results;

/// <summary>A dataset as the store describes it: identity, shape and class counts of the whole file.</summary>
public sealed record DatasetRow(
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
public sealed record RunRow(
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
    /// <summary>The run's remedy as its canonical text (docs/remedies.md); "none" for plain training and for stores older than version 5.</summary>
    public string Remedy { get; init; } = "none";

    /// <summary>The largest class other than the run's minority (ties: lower index), so balanced runs keep their roles.</summary>
    public int MajorityClass
    {
        get
        {
            var best = -1;
            for (var c = 0; c < TrainCounts.Count; c++)
                if (c != MinorityClass && (best < 0 || TrainCounts[c] > TrainCounts[best])) best = c;
            return best;
        }
    }

    /// <summary>A class's role in this run: minority, majority (see <see cref="MajorityClass"/>) or other.</summary>
    public string RoleOf(int cls) => cls == MinorityClass ? Roles.Minority : cls == MajorityClass ? Roles.Majority : Roles.Other;

    public double? RealisedIr
    {
        get
        {
            var min = TrainCounts.Count == 0 ? 0 : TrainCounts.Min();
            return min == 0 ? null : (double)TrainCounts.Max() / min;
        }
    }
}
