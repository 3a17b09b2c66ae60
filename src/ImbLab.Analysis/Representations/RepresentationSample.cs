using ImbLab.Core;

namespace ImbLab.Analysis;

/// <summary>
/// Which rows of a split the representation measures look at when the split is too large for the O(n^2)
/// silhouette. Every class keeps a floor of rows, so a small minority is not drowned and a large one does not
/// crowd the others out (a silhouette needs at least two classes).
/// </summary>
public static class RepresentationSample
{
    /// <summary>
    /// All rows (0..n-1) when n &lt;= <paramref name="maxRows"/>. Otherwise exactly maxRows rows: each class c first
    /// gets its floor min(n_c, maxRows / (2 * classes)) (integer division), and the rest of the budget is shared in
    /// proportion to what each class has beyond its floor (largest remainders, ties to the lower class index). Each
    /// class is drawn without replacement from its own stream derived from <paramref name="seed"/>. Ascending row
    /// indices.
    /// </summary>
    public static int[] Stratified(ReadOnlySpan<int> labels, int classes, int maxRows, ulong seed)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "must be >= 1");
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "must be >= 1");
        RepresentationInput.CheckLabels(labels, labels.Length, classes);

        var rows = labels.Length;
        if (rows <= maxRows) return Enumerable.Range(0, rows).ToArray();

        var byClass = new List<int>[classes];
        for (var c = 0; c < classes; c++) byClass[c] = [];
        for (var i = 0; i < rows; i++) byClass[labels[i]].Add(i);

        var floorEach = maxRows / (2 * classes);
        var quota = new int[classes];
        var spare = new int[classes];
        for (var c = 0; c < classes; c++)
        {
            quota[c] = Math.Min(byClass[c].Count, floorEach);
            spare[c] = byClass[c].Count - quota[c];
        }
        // floors sum to <= maxRows / 2 < rows, so budget >= 0 and budget < the total spare: no class exceeds its count.
        var budget = maxRows - quota.Sum();
        var totalSpare = (long)rows - quota.Sum();
        var remainder = new long[classes];
        var given = 0;
        for (var c = 0; c < classes; c++)
        {
            // Exact integer arithmetic: budget * spare_c <= 2^31 * 2^31 fits in a long.
            var share = (long)budget * spare[c];
            var extra = (int)(share / totalSpare);
            remainder[c] = share % totalSpare;
            quota[c] += extra;
            given += extra;
        }
        var order = Enumerable.Range(0, classes).Where(c => spare[c] > 0)
            .OrderByDescending(c => remainder[c]).ThenBy(c => c).ToArray();
        for (var k = 0; given < budget; k++, given++) quota[order[k]]++;

        var chosen = new List<int>(maxRows);
        for (var c = 0; c < classes; c++)
        {
            var members = byClass[c].ToArray();
            if (quota[c] == members.Length) { chosen.AddRange(members); continue; }
            var rng = new Rng(Rng.Derive(seed, "representation-sample", c));
            // Partial Fisher-Yates: the first quota[c] slots are a uniform draw without replacement.
            for (var k = 0; k < quota[c]; k++)
            {
                var j = k + rng.NextInt(members.Length - k);
                (members[k], members[j]) = (members[j], members[k]);
            }
            chosen.AddRange(members.AsSpan(0, quota[c]));
        }
        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }
}
