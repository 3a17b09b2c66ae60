namespace ImbLab.Analysis;

/// <summary>
/// Argument checks shared by the representation measures. These are programming errors of the caller (the
/// monitor passes its own buffers), not user-fixable problems, so they throw Argument exceptions.
/// </summary>
internal static class RepresentationInput
{
    public static void Check(ReadOnlySpan<float> x, int rows, int dims, ReadOnlySpan<int> labels, int classes)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be >= 0");
        if (dims < 1) throw new ArgumentOutOfRangeException(nameof(dims), dims, "must be >= 1");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "must be >= 1");
        if ((long)rows * dims != x.Length)
            throw new ArgumentException($"x has {x.Length} values, expected rows x dims = {rows} x {dims}", nameof(x));
        CheckLabels(labels, rows, classes);
    }

    public static void CheckLabels(ReadOnlySpan<int> labels, int rows, int classes)
    {
        if (labels.Length != rows)
            throw new ArgumentException($"labels has {labels.Length} entries, expected {rows}", nameof(labels));
        for (var i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label of row {i} is outside [0, {classes})");
    }

    public static int[] Counts(ReadOnlySpan<int> labels, int classes)
    {
        var counts = new int[classes];
        foreach (var y in labels) counts[y]++;
        return counts;
    }

    public static bool AllFinite(ReadOnlySpan<float> x)
    {
        foreach (var v in x)
            if (!float.IsFinite(v))
                return false;
        return true;
    }
}
