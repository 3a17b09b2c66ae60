using ImbLab.Core;

namespace ImbLab.Data.Resampling;

/// <summary>
/// A resampled training part: row-major features (as many columns as the input), labels, and per row its origin: the
/// index of the input row it copies, or -1 for a synthetic row (SMOTE) that copies none. The study keeps per-sample
/// dynamics on the original rows through <see cref="Origin"/>.
/// </summary>
public sealed record ResampledSet(float[] Features, int[] Labels, int[] Origin)
{
    public int Rows => Labels.Length;

    /// <summary>The origin that marks a synthetic row.</summary>
    public const int Synthetic = -1;
}

/// <summary>
/// Data re-sampling of the encoded training part (never the test set: only the training rows are passed in), with the
/// class counts of imbalanced-learn's sampling_strategy='auto'. Every draw comes from <c>seed</c>, one derived stream
/// per method and class, so a class's rows do not depend on the other classes' draws.
/// </summary>
public static class Resampling
{
    /// <summary>SMOTE's neighbour count by default (Chawla et al. 2002; imbalanced-learn's k_neighbors).</summary>
    public const int DefaultSmoteNeighbours = 5;

    /// <summary>
    /// Random over-sampling ("not majority"): every class but the majority gets copies of its own rows, drawn uniformly
    /// with replacement, until it has the majority's count. The input rows come first, in order; the copies follow,
    /// class by class.
    /// </summary>
    public static ResampledSet RandomOver(ReadOnlySpan<float> features, int columns, ReadOnlySpan<int> labels, ulong seed)
    {
        var classes = Check(features, columns, labels);
        var gaps = classes.OverSamplingGaps();
        var origin = new int[labels.Length + gaps.Sum()];
        for (var i = 0; i < labels.Length; i++) origin[i] = i;
        var at = labels.Length;
        for (var c = 0; c < gaps.Length; c++)
        {
            if (gaps[c] == 0) continue;
            var rows = classes.Rows[c];
            var rng = new Rng(Rng.Derive(seed, "resampling/ros", c));
            for (var n = 0; n < gaps[c]; n++) origin[at++] = rows[rng.NextInt(rows.Length)];
        }
        return Copies(features, columns, labels, origin);
    }

    /// <summary>
    /// Random under-sampling ("not minority"): every class keeps a uniform random subset, without replacement, of the
    /// minority's count. The kept rows stay in their input order.
    /// </summary>
    public static ResampledSet RandomUnder(ReadOnlySpan<float> features, int columns, ReadOnlySpan<int> labels, ulong seed)
    {
        var classes = Check(features, columns, labels);
        var minority = classes.MinorityCount;
        var kept = new List<int>(minority * classes.Rows.Length);
        for (var c = 0; c < classes.Rows.Length; c++)
        {
            var rows = (int[])classes.Rows[c].Clone();
            if (rows.Length == 0) continue;
            // A partial Fisher-Yates shuffle: the first `minority` slots are a uniform subset.
            var rng = new Rng(Rng.Derive(seed, "resampling/rus", c));
            for (var i = 0; i < minority; i++)
            {
                var j = i + rng.NextInt(rows.Length - i);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }
            kept.AddRange(rows.AsSpan(0, minority));
        }
        var origin = kept.ToArray();
        Array.Sort(origin);
        return Copies(features, columns, labels, origin);
    }

    /// <summary>
    /// SMOTE (Chawla et al. 2002) as imbalanced-learn's SMOTE / SMOTE-NC: every class but the majority gets synthetic
    /// rows until it has the majority's count. Each synthetic row picks one (row x, neighbour x') pair uniformly among
    /// the class's rows and their <paramref name="k"/> nearest neighbours in the class (exact, Euclidean on the encoded
    /// features) and is x + u (x' - x), u ~ U[0, 1); then each one-hot group in <paramref name="oneHotGroups"/> (the
    /// encoded columns of one nominal attribute) is set to the category most frequent among x's k neighbours, a tie
    /// going to one of the tied categories uniformly at random. The input rows come first, then the synthetic rows
    /// (origin -1), class by class.
    /// </summary>
    /// <exception cref="InfeasibleException">A class to over-sample has k rows or fewer (see <see cref="SmoteProblem"/>).</exception>
    public static ResampledSet Smote(
        ReadOnlySpan<float> features, int columns, ReadOnlySpan<int> labels, int k, IReadOnlyList<(int Start, int Length)> oneHotGroups, ulong seed)
    {
        var classes = Check(features, columns, labels);
        CheckGroups(oneHotGroups, columns);
        if (SmoteProblem(classes.Rows.Select(r => r.Length).ToArray(), k) is { } problem) throw new InfeasibleException(problem);
        var gaps = classes.OverSamplingGaps();
        var rows = labels.Length + gaps.Sum();
        var output = new float[rows * columns];
        var outLabels = new int[rows];
        var origin = new int[rows];
        features.CopyTo(output);
        labels.CopyTo(outLabels);
        for (var i = 0; i < labels.Length; i++) origin[i] = i;
        var at = labels.Length;
        for (var c = 0; c < gaps.Length; c++)
        {
            if (gaps[c] == 0) continue;
            var members = classes.Rows[c];
            var neighbours = NearestNeighbours.Within(features, columns, members, k);
            var rng = new Rng(Rng.Derive(seed, "resampling/smote", c));
            var votes = new int[oneHotGroups.Count == 0 ? 0 : oneHotGroups.Max(g => g.Length)];
            for (var n = 0; n < gaps[c]; n++, at++)
            {
                var pair = rng.NextInt(members.Length * k);
                var x = features.Slice(members[pair / k] * columns, columns);
                var near = features.Slice(members[neighbours[pair]] * columns, columns);
                var u = rng.NextDouble();
                var target = output.AsSpan(at * columns, columns);
                for (var j = 0; j < columns; j++) target[j] = (float)(x[j] + u * (near[j] - (double)x[j]));
                foreach (var (start, length) in oneHotGroups)
                {
                    var counts = votes.AsSpan(0, length);
                    counts.Clear();
                    foreach (var m in neighbours.AsSpan(pair / k * k, k))
                    {
                        var category = features.Slice(members[m] * columns + start, length).IndexOf(1f);
                        if (category >= 0) counts[category]++;
                    }
                    var group = target.Slice(start, length);
                    group.Clear();
                    group[Mode(counts, rng)] = 1f;
                }
                outLabels[at] = c;
                origin[at] = ResampledSet.Synthetic;
            }
        }
        return new ResampledSet(output, outLabels, origin);
    }

    /// <summary>
    /// Why SMOTE with <paramref name="k"/> neighbours cannot run on training rows with these class counts, or null when it
    /// can: every class it over-samples (all but the majority) needs at least k + 1 rows, so each of its rows has k
    /// others to interpolate towards. imbalanced-learn refuses the same case (its neighbour search raises); the tool
    /// does not shrink k behind the user's back, since k is part of the run's config. For the study's plan, before any
    /// training.
    /// </summary>
    public static string? SmoteProblem(IReadOnlyList<int> classCounts, int k)
    {
        if (k < 1) return $"SMOTE needs k >= 1 neighbours; found k = {k}";
        if (classCounts.Count == 0) return null; // no class, nothing to over-sample
        var majority = classCounts.Max();
        for (var c = 0; c < classCounts.Count; c++)
        {
            var n = classCounts[c];
            if (n == 0 || n == majority || n > k) continue;
            var fix = n >= 2 ? $"k <= {n - 1}, or random over-sampling" : "random over-sampling (SMOTE needs 2 rows of a class to interpolate)";
            return $"SMOTE with k = {k} needs at least {k + 1} training rows in every class it over-samples; class {c} has {n}; accepted: {fix}";
        }
        return null;
    }

    /// <summary>The most frequent category; among ties one uniformly at random (imbalanced-learn 0.10's SMOTE-NC breaks ties at random too).</summary>
    private static int Mode(ReadOnlySpan<int> counts, Rng rng)
    {
        var best = 0;
        var ties = 1;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
                ties = 1;
            }
            else if (counts[i] == counts[best]) ties++;
        }
        if (ties == 1) return best;
        var pick = rng.NextInt(ties);
        for (var i = 0; i < counts.Length; i++)
            if (counts[i] == counts[best] && pick-- == 0) return i;
        throw new InvalidOperationException("unreachable: a tied category was counted");
    }

    private static ClassRows Check(ReadOnlySpan<float> features, int columns, ReadOnlySpan<int> labels)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "at least one feature column is required");
        if (features.Length != (long)labels.Length * columns)
            throw new ArgumentException($"features has {features.Length} values, expected {labels.Length} rows x {columns} columns", nameof(features));
        return ClassRows.Of(labels);
    }

    private static void CheckGroups(IReadOnlyList<(int Start, int Length)> groups, int columns)
    {
        var taken = new bool[columns];
        foreach (var (start, length) in groups)
        {
            if (length < 1 || start < 0 || start + length > columns)
                throw new ArgumentException($"one-hot group ({start}, {length}) is outside the {columns} columns", nameof(groups));
            for (var j = start; j < start + length; j++)
            {
                if (taken[j]) throw new ArgumentException($"column {j} is in two one-hot groups", nameof(groups));
                taken[j] = true;
            }
        }
    }

    private static ResampledSet Copies(ReadOnlySpan<float> features, int columns, ReadOnlySpan<int> labels, int[] origin)
    {
        var output = new float[origin.Length * columns];
        var outLabels = new int[origin.Length];
        for (var i = 0; i < origin.Length; i++)
        {
            features.Slice(origin[i] * columns, columns).CopyTo(output.AsSpan(i * columns, columns));
            outLabels[i] = labels[origin[i]];
        }
        return new ResampledSet(output, outLabels, origin);
    }
}
