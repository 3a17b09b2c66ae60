using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>
/// Realises a target on the training rows, the same way for every protocol: a seeded random subset without
/// replacement per class, sorted ascending. Each class is shuffled once by its own stream and its first n rows
/// kept, so with the same seed a smaller count of a class takes a subset of a larger count's rows (nested levels).
/// </summary>
internal static class TargetSampler
{
    public static int[] Sample(ImbalanceTarget target, IReadOnlyList<int> trainRows, IReadOnlyList<int> labels, ulong seed)
    {
        var classCount = 0;
        foreach (var y in labels) classCount = Math.Max(classCount, y + 1);
        var rowsByClass = new List<int>[classCount];
        for (var c = 0; c < classCount; c++) rowsByClass[c] = [];
        var sortedRows = trainRows.ToArray();
        Array.Sort(sortedRows);
        for (var i = 0; i < sortedRows.Length; i++)
        {
            var row = sortedRows[i];
            if (row < 0 || row >= labels.Count)
                throw new ArgumentOutOfRangeException(nameof(trainRows), row, $"row is outside the {labels.Count} labelled rows");
            if (i > 0 && sortedRows[i - 1] == row) throw new ArgumentException($"training row {row} is listed twice", nameof(trainRows));
            rowsByClass[labels[row]].Add(row);
        }
        var counts = rowsByClass.Select(r => r.Count).ToArray();

        if (counts.Length != 2)
        {
            // Only natural plans for other than two classes, and its target is the whole training part.
            if (counts.Length > 0 && target.MinorityCount == counts[counts.Minority()] && target.MajorityCount == counts[counts.Majority()])
                return sortedRows;
            throw new InfeasibleException(
                $"imbalance target {target.Level} needs exactly 2 classes; the training part has {counts.Length} ({ProtocolText.JoinCounts(counts)})");
        }

        var (mi, ma) = BinaryTrainingPart.Roles(counts);
        if (target.MinorityCount < 0 || target.MinorityCount > counts[mi] || target.MajorityCount < 0 || target.MajorityCount > counts[ma])
            throw new InfeasibleException(
                $"imbalance target {target.Level} asks for {target.MinorityCount} minority / {target.MajorityCount} majority rows; " +
                $"the training part has {counts[mi]} / {counts[ma]}");

        var kept = new List<int>(target.MinorityCount + target.MajorityCount);
        foreach (var (c, n) in new[] { (mi, target.MinorityCount), (ma, target.MajorityCount) })
        {
            var rows = rowsByClass[c].ToArray();
            new Rng(Rng.Derive(seed, "protocol/subset", c)).Shuffle(rows.AsSpan());
            kept.AddRange(rows.AsSpan(0, n));
        }
        kept.Sort();
        return [.. kept];
    }
}
