using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>The minority and majority roles of a two-class training part, shared by planning and sampling.</summary>
internal static class BinaryTrainingPart
{
    public static void RequireCounts(IReadOnlyList<int> trainCounts)
    {
        if (trainCounts.Count == 0) throw new ArgumentException("at least one class count is required", nameof(trainCounts));
    }

    /// <summary>(n_min, n_maj) available to <paramref name="protocol"/>, which needs two classes with rows of each.</summary>
    public static (int Minority, int Majority) Counts(string protocol, IReadOnlyList<int> counts)
    {
        if (counts.Count != 2)
            throw new InfeasibleException(
                $"{Settings.Mention(Settings.Protocols)}: {protocol} needs exactly 2 classes; the training part has {counts.Count} ({ProtocolText.JoinCounts(counts)}); " +
                "only natural works with another number of classes");
        var (mi, ma) = Roles(counts);
        if (counts[mi] == 0)
            throw new InfeasibleException(
                $"{Settings.Mention(Settings.Protocols)}: {protocol} needs rows of both classes; the training part has {ProtocolText.JoinCounts(counts)}");
        return (counts[mi], counts[ma]);
    }

    /// <summary>The class indices of the minority and majority roles of two classes.</summary>
    public static (int Minority, int Majority) Roles(IReadOnlyList<int> counts)
    {
        var mi = counts.Minority();
        return (mi, 1 - mi);
    }
}
