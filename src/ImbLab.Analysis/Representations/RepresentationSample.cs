using ImbLab.Core;

namespace ImbLab.Analysis;

/// <summary>
/// Which rows of a split the representation measures look at when the split is too large for the O(n^2)
/// silhouette. The minority is never subsampled: at IR 129 it has a few dozen rows and each one matters.
/// </summary>
public static class RepresentationSample
{
    /// <summary>
    /// All rows (0..n-1) when n &lt;= <paramref name="maxRows"/>. Otherwise every row of
    /// <paramref name="minorityClass"/>, and from the other classes maxRows - n_min rows in all, shared in
    /// proportion to their counts (largest remainders, ties to the lower class index) and drawn without
    /// replacement, each class from its own stream derived from <paramref name="seed"/>. When the minority
    /// alone has maxRows rows or more, only its rows. Ascending row indices.
    /// </summary>
    public static int[] Stratified(ReadOnlySpan<int> labels, int classes, int minorityClass, int maxRows, ulong seed)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "must be >= 1");
        if ((uint)minorityClass >= (uint)classes)
            throw new ArgumentOutOfRangeException(nameof(minorityClass), minorityClass, $"must be in [0, {classes})");
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "must be >= 1");
        RepresentationInput.CheckLabels(labels, labels.Length, classes);

        var rows = labels.Length;
        if (rows <= maxRows) return Enumerable.Range(0, rows).ToArray();

        var byClass = new List<int>[classes];
        for (var c = 0; c < classes; c++) byClass[c] = [];
        for (var i = 0; i < rows; i++) byClass[labels[i]].Add(i);

        var budget = maxRows - byClass[minorityClass].Count;
        var chosen = new List<int>(Math.Max(maxRows, byClass[minorityClass].Count));
        chosen.AddRange(byClass[minorityClass]);
        if (budget > 0)
        {
            var others = rows - byClass[minorityClass].Count;
            var quota = new int[classes];
            var remainder = new long[classes];
            var given = 0;
            for (var c = 0; c < classes; c++)
            {
                if (c == minorityClass) continue;
                // Exact integer arithmetic: budget * n_c <= 2^31 * 2^31 fits in a long.
                var share = (long)budget * byClass[c].Count;
                quota[c] = (int)(share / others);
                remainder[c] = share % others;
                given += quota[c];
            }
            // Largest remainder first; budget < others, so no class gets more than it has.
            var order = Enumerable.Range(0, classes).Where(c => c != minorityClass)
                .OrderByDescending(c => remainder[c]).ThenBy(c => c).ToArray();
            for (var k = 0; given < budget; k++, given++) quota[order[k]]++;

            for (var c = 0; c < classes; c++)
            {
                if (c == minorityClass || quota[c] == 0) continue;
                var members = byClass[c].ToArray();
                var rng = new Rng(Rng.Derive(seed, "representation-sample", c));
                // Partial Fisher-Yates: the first quota[c] slots are a uniform draw without replacement.
                for (var k = 0; k < quota[c]; k++)
                {
                    var j = k + rng.NextInt(members.Length - k);
                    (members[k], members[j]) = (members[j], members[k]);
                }
                chosen.AddRange(members.AsSpan(0, quota[c]));
            }
        }
        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }
}
