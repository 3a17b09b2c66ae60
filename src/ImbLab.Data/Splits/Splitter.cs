using ImbLab.Core;

namespace ImbLab.Data;

/// <summary>
/// One train/test partition of a table's rows. Row numbers index the label list the split was made from;
/// both arrays are sorted ascending and disjoint. Hold-out splits are repeat 0, fold 0.
/// </summary>
public sealed record DataSplit(int Repeat, int Fold, int[] TrainRows, int[] TestRows);

/// <summary>
/// Stratified splits of a label vector. Labels are class indices (0 or more); a class index that never
/// occurs is simply absent. Every random choice comes from its own <see cref="Rng.Derive"/> stream, one per
/// class (and per repeat), so the rows one class sends to the test part do not depend on the other classes.
/// </summary>
internal static class Splitter
{
    /// <summary>
    /// A stratified hold-out split. Class c with n_c rows sends round(n_c * testFraction) rows to the test part,
    /// rounding halves away from zero, then clamped to [1, n_c - 1] so that a class with at least 2 rows is
    /// present in both parts. A class with a single row keeps it in the training part (a test part cannot
    /// measure a class the model never saw).
    /// </summary>
    public static DataSplit HoldOut(IReadOnlyList<int> labels, double testFraction, ulong seed)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must be strictly between 0 and 1");
        var byClass = RowsByClass(labels);
        var train = new List<int>(labels.Count);
        var test = new List<int>(labels.Count);
        for (var c = 0; c < byClass.Length; c++)
        {
            var rows = byClass[c];
            var n = rows.Length;
            if (n == 0) continue;
            var nTest = n < 2 ? 0 : Math.Clamp((int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero), 1, n - 1);
            new Rng(Rng.Derive(seed, "split/holdout", c)).Shuffle(rows.AsSpan());
            test.AddRange(rows.AsSpan(0, nTest));
            train.AddRange(rows.AsSpan(nTest));
        }
        return new DataSplit(0, 0, Sorted(train), Sorted(test));
    }

    /// <summary>
    /// Stratified k-fold: <paramref name="k"/> splits whose test parts are disjoint and cover every row.
    /// Identical to repeat 0 of <see cref="RepeatedStratifiedKFold"/> with the same seed.
    /// </summary>
    public static IReadOnlyList<DataSplit> StratifiedKFold(
        IReadOnlyList<int> labels, int k, ulong seed, IReadOnlyList<string>? classNames = null)
    {
        CheckFolds(labels, k, classNames);
        return FoldsOfRepeat(labels, k, 0, seed);
    }

    /// <summary>Stratified k-fold repeated <paramref name="repeats"/> times, each repeat shuffled by its own stream.</summary>
    public static IReadOnlyList<DataSplit> RepeatedStratifiedKFold(
        IReadOnlyList<int> labels, int k, int repeats, ulong seed, IReadOnlyList<string>? classNames = null)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "must be at least 1");
        CheckFolds(labels, k, classNames);
        var splits = new List<DataSplit>(k * repeats);
        for (var r = 0; r < repeats; r++) splits.AddRange(FoldsOfRepeat(labels, k, r, seed));
        return splits;
    }

    private static void CheckFolds(IReadOnlyList<int> labels, int k, IReadOnlyList<string>? classNames)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "must be at least 2");
        var byClass = RowsByClass(labels);
        for (var c = 0; c < byClass.Length; c++)
        {
            var n = byClass[c].Length;
            if (n > 0 && n < k)
            {
                var name = classNames is not null && c < classNames.Count ? $"class '{classNames[c]}' (index {c})" : $"class {c}";
                throw new InfeasibleException(
                    $"{k}-fold stratified split needs at least {k} rows per class, but {name} has {n}; use fewer folds (at most {n}) or a hold-out split");
            }
        }
    }

    /// <summary>
    /// Deals rows to folds the way scikit-learn's StratifiedKFold allocates them: classes in order of first
    /// appearance, one running round-robin counter over all of them (so class c starts at the fold where the
    /// previous class stopped). Per-class fold sizes then differ by at most one, and so do whole fold sizes;
    /// the per-class sizes match scikit-learn's exactly, only which rows go where differs (other RNG).
    /// </summary>
    private static List<DataSplit> FoldsOfRepeat(IReadOnlyList<int> labels, int k, int repeat, ulong seed)
    {
        var byClass = RowsByClass(labels);
        var foldOf = new int[labels.Count];
        var dealt = 0;
        foreach (var c in ClassesByFirstAppearance(labels))
        {
            var rows = byClass[c];
            new Rng(Rng.Derive(seed, "split/kfold", repeat, c)).Shuffle(rows.AsSpan());
            foreach (var row in rows) foldOf[row] = dealt++ % k;
        }

        var splits = new List<DataSplit>(k);
        for (var f = 0; f < k; f++)
        {
            var train = new List<int>();
            var test = new List<int>();
            for (var row = 0; row < foldOf.Length; row++) (foldOf[row] == f ? test : train).Add(row);
            splits.Add(new DataSplit(repeat, f, [.. train], [.. test]));
        }
        return splits;
    }

    /// <summary>Rows of each class, ascending; index = class.</summary>
    internal static int[][] RowsByClass(IReadOnlyList<int> labels)
    {
        var classCount = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0) throw new ArgumentException($"label at row {i} is {labels[i]}; class indices are 0 or more", nameof(labels));
            classCount = Math.Max(classCount, labels[i] + 1);
        }
        var lists = new List<int>[classCount];
        for (var c = 0; c < classCount; c++) lists[c] = [];
        for (var i = 0; i < labels.Count; i++) lists[labels[i]].Add(i);
        return [.. lists.Select(l => l.ToArray())];
    }

    private static List<int> ClassesByFirstAppearance(IReadOnlyList<int> labels)
    {
        var seen = new HashSet<int>();
        var order = new List<int>();
        foreach (var y in labels)
            if (seen.Add(y)) order.Add(y);
        return order;
    }

    private static int[] Sorted(List<int> rows)
    {
        rows.Sort();
        return [.. rows];
    }
}
