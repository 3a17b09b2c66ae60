namespace ImbLab.Data.Resampling;

/// <summary>
/// The training rows grouped by label, and imbalanced-learn's sampling_strategy='auto' targets on them. Only labels
/// that occur are classes (as imbalanced-learn knows only the labels in y): a label value no row has is ignored.
/// </summary>
internal sealed class ClassRows
{
    private ClassRows(int[][] rows) => Rows = rows;

    /// <summary>Row indices of each label value, ascending (empty for a value no row has).</summary>
    public int[][] Rows { get; }

    public int Count(int c) => Rows[c].Length;

    public static ClassRows Of(ReadOnlySpan<int> labels)
    {
        if (labels.IsEmpty) throw new ArgumentException("at least one training row is required", nameof(labels));
        var width = 0;
        foreach (var y in labels)
        {
            if (y < 0) throw new ArgumentOutOfRangeException(nameof(labels), y, "labels are class indices from 0");
            width = Math.Max(width, y + 1);
        }
        var counts = new int[width];
        foreach (var y in labels) counts[y]++;
        var rows = new int[width][];
        for (var c = 0; c < width; c++) rows[c] = new int[counts[c]];
        Array.Clear(counts);
        for (var i = 0; i < labels.Length; i++) rows[labels[i]][counts[labels[i]]++] = i;
        return new ClassRows(rows);
    }

    public int MajorityCount => Rows.Max(r => r.Length);

    public int MinorityCount => Rows.Where(r => r.Length > 0).Min(r => r.Length);

    /// <summary>
    /// 'auto' for over-sampling ("not majority"): rows to add to each class so it reaches the majority count (0 for the
    /// majority, for a class tied with it and for an absent label).
    /// </summary>
    public int[] OverSamplingGaps()
    {
        var majority = MajorityCount;
        return Rows.Select(r => r.Length == 0 ? 0 : majority - r.Length).ToArray();
    }
}
