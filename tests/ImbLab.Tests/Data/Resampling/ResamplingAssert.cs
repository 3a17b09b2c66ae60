using ImbLab.Data.Resampling;
using Xunit;

namespace ImbLab.Tests.Data;

/// <summary>What every resampled set must satisfy, checked from the input rows alone (the neighbours recomputed here by a plain double-precision sort, independently of the code under test).</summary>
internal static class ResamplingAssert
{
    /// <summary>The input rows come first, unchanged and in order, each its own origin.</summary>
    public static void OriginalsFirst(ResampledSet result, float[] features, int columns, int[] labels)
    {
        Assert.Equal(result.Labels.Length * columns, result.Features.Length);
        Assert.Equal(result.Labels.Length, result.Origin.Length);
        Assert.Equal(features, result.Features.AsSpan(0, features.Length).ToArray());
        Assert.Equal(labels, result.Labels.AsSpan(0, labels.Length).ToArray());
        Assert.Equal(Enumerable.Range(0, labels.Length), result.Origin.AsSpan(0, labels.Length).ToArray());
    }

    /// <summary>Every row with an origin is an exact copy of that input row, label included.</summary>
    public static void CopiesOfTheirOrigin(ResampledSet result, float[] features, int columns, int[] labels)
    {
        for (var i = 0; i < result.Rows; i++)
        {
            var o = result.Origin[i];
            Assert.InRange(o, 0, labels.Length - 1);
            Assert.Equal(labels[o], result.Labels[i]);
            Assert.Equal(features.AsSpan(o * columns, columns).ToArray(), result.Features.AsSpan(i * columns, columns).ToArray());
        }
    }

    /// <summary>
    /// Every synthetic row (origin -1) is x + u (x' - x) with u in [0, 1], x a row of its class and x' one of x's k nearest
    /// neighbours in the class, on the columns outside the one-hot groups (within float32 rounding: the u that fits best
    /// is solved for); and each one-hot group holds one category, one of those most frequent among x's neighbours.
    /// </summary>
    public static void SyntheticOnSegments(ResampledSet result, float[] features, int columns, int[] labels, int k, IReadOnlyList<(int Start, int Length)> groups)
    {
        var inGroup = new bool[columns];
        foreach (var (s, l) in groups)
            for (var j = s; j < s + l; j++) inGroup[j] = true;
        var numeric = Enumerable.Range(0, columns).Where(j => !inGroup[j]).ToArray();
        double F(int row, int j) => features[row * columns + j];

        var neighboursOf = new Dictionary<int, int[]>();
        int[] Neighbours(int row)
        {
            if (neighboursOf.TryGetValue(row, out var found)) return found;
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == labels[row] && i != row);
            found = [.. members.OrderBy(i => Enumerable.Range(0, columns).Sum(j => (F(i, j) - F(row, j)) * (F(i, j) - F(row, j)))).ThenBy(i => i).Take(k)];
            neighboursOf[row] = found;
            return found;
        }

        var synthetic = 0;
        for (var r = 0; r < result.Rows; r++)
        {
            if (result.Origin[r] != ResampledSet.Synthetic) continue;
            synthetic++;
            var y = result.Labels[r];
            var row = result.Features.AsSpan(r * columns, columns).ToArray();
            foreach (var (s, l) in groups)
            {
                var group = row.AsSpan(s, l).ToArray();
                Assert.Equal((1, l - 1), (group.Count(v => v == 1f), group.Count(v => v == 0f)));
            }
            var explained = false;
            for (var x = 0; x < labels.Length && !explained; x++)
            {
                if (labels[x] != y) continue;
                foreach (var n in Neighbours(x))
                {
                    if (!OnSegment(row, x, n) || !CategoriesFromVote(row, x)) continue;
                    explained = true;
                    break;
                }
            }
            Assert.True(explained, $"synthetic row {r} of class {y} lies on no segment between a class row and one of its {k} neighbours (with their categories)");
        }
        Assert.True(synthetic > 0, "no synthetic row to check");

        bool OnSegment(float[] row, int x, int n)
        {
            double dot = 0, norm = 0;
            foreach (var j in numeric)
            {
                var d = F(n, j) - F(x, j);
                dot += (row[j] - F(x, j)) * d;
                norm += d * d;
            }
            var u = norm == 0 ? 0 : Math.Clamp(dot / norm, 0, 1);
            return numeric.All(j => Math.Abs(F(x, j) + u * (F(n, j) - F(x, j)) - row[j]) <= 1e-6 * (1 + Math.Abs(F(x, j)) + Math.Abs(F(n, j))));
        }

        bool CategoriesFromVote(float[] row, int x)
        {
            foreach (var (s, l) in groups)
            {
                var votes = new int[l];
                foreach (var n in Neighbours(x))
                    for (var j = 0; j < l; j++)
                        if (F(n, s + j) == 1) votes[j]++;
                var chosen = Array.IndexOf(row, 1f, s, l) - s;
                if (votes[chosen] != votes.Max()) return false;
            }
            return true;
        }
    }
}
