using System.Numerics;
using System.Runtime.CompilerServices;

namespace ImbLab.Data.Resampling;

/// <summary>
/// Exact k nearest neighbours by Euclidean distance among a set of rows (brute force). Distances are summed in float64
/// over the float32 features widened first, so every squared difference is exact and the ranking is scikit-learn's
/// (which works in float64 on the same values) except for ties within rounding. A row is never its own neighbour;
/// equal distances go to the lower row, so a duplicate row is a neighbour at distance 0.
/// </summary>
internal static class NearestNeighbours
{
    /// <summary>
    /// For each of <paramref name="rows"/> (indices into row-major <paramref name="features"/>), the positions in
    /// <paramref name="rows"/> of its <paramref name="k"/> nearest other rows, nearest first: row i's at [i k, (i + 1) k).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per run, its loop is the whole cost
    public static int[] Within(ReadOnlySpan<float> features, int columns, ReadOnlySpan<int> rows, int k)
    {
        if (k < 1 || k > rows.Length - 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"needs 1 <= k <= {rows.Length - 1} for {rows.Length} rows");
        // The rows gathered once, contiguous: the inner loop then streams through memory in order.
        var x = new float[rows.Length * columns];
        for (var i = 0; i < rows.Length; i++) features.Slice(rows[i] * columns, columns).CopyTo(x.AsSpan(i * columns, columns));

        var result = new int[rows.Length * k];
        var bestDistance = new double[k];
        var bestIndex = new int[k];
        for (var i = 0; i < rows.Length; i++)
        {
            var a = x.AsSpan(i * columns, columns);
            var found = 0;
            for (var j = 0; j < rows.Length; j++)
            {
                if (j == i) continue;
                var d = SquaredDistance(a, x.AsSpan(j * columns, columns));
                // Strictly closer than the current k-th, so among equal distances the lower j (seen first) stays.
                if (found == k && d >= bestDistance[k - 1]) continue;
                var at = found < k ? found++ : k - 1;
                while (at > 0 && bestDistance[at - 1] > d)
                {
                    bestDistance[at] = bestDistance[at - 1];
                    bestIndex[at] = bestIndex[at - 1];
                    at--;
                }
                bestDistance[at] = d;
                bestIndex[at] = j;
            }
            bestIndex.CopyTo(result.AsSpan(i * k, k));
        }
        return result;
    }

    /// <summary>Squared Euclidean distance in float64: each float32 lane is widened before the difference, so the squares are exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<double>.Zero;
        var j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; j <= a.Length - Vector<float>.Count; j += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(a[j..]), out var aLow, out var aHigh);
                Vector.Widen(new Vector<float>(b[j..]), out var bLow, out var bHigh);
                var low = aLow - bLow;
                var high = aHigh - bHigh;
                sum += low * low + high * high;
            }
        }
        var s = Vector.Sum(sum);
        for (; j < a.Length; j++)
        {
            var d = (double)a[j] - b[j];
            s += d * d;
        }
        return s;
    }
}
