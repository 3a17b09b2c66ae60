using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ImbLab.Analysis;

/// <summary>The SIMD path of the distance kernel; tests pin each one, production takes <see cref="ClassDistanceSums.Best"/>.</summary>
internal enum DistancePath
{
    Vector256,
    VectorT,
}

/// <summary>
/// For every row i and class c, the sum over the rows j of class c of the Euclidean distance ||x_i - x_j||:
/// everything the exact silhouette needs, in O(n^2 d / 2) time and O(n d + n^2 / 64) memory.
///
/// How, and why:
/// - Squared distances by the Gram trick n_i + n_j - 2 x_i.x_j, so the O(n^2 d) part is a matrix product.
///   The products run in double on the input centred on its column means (in double): in float32 the
///   cancellation in the Gram trick loses ~1e-7 of ||x||^2, which for tight clusters far from the origin is
///   a large part of a within-class distance. Centring makes the result translation invariant.
/// - The norms are computed with the very same fused multiply-add sequence as each lane of the product, so
///   x_i.x_i == n_i bit for bit and the distance of a row to itself (or to an exact duplicate) is exactly 0.
/// - Rows are sorted by class and each class padded to whole panels of 8; a panel is packed as dims x 8
///   contiguous doubles. A padding row has norm -infinity: its squared distances are -inf, clamped to 0, so
///   it adds exactly nothing and no masking is needed.
/// - Each pair is computed once (the matrix is symmetric). A task is a block of up to 64 rows of class A; it
///   computes their distances to every row of the classes B > A and to the rows of A up to the end of its
///   own block. The tile's row sums give its rows' sums; its column sums go to a per-task buffer, and a
///   final pass adds those buffers to each row in task order. Every sum is made in an order fixed by the
///   data alone, so the result does not depend on the thread count.
/// </summary>
internal static unsafe class ClassDistanceSums
{
    private const int PanelWidth = 8;
    private const int RowGroup = 4;
    private const int BlockPanels = 8;

    public static DistancePath Best =>
        Vector256.IsHardwareAccelerated || !Vector.IsHardwareAccelerated ? DistancePath.Vector256 : DistancePath.VectorT;

    /// <summary>sums[i * classes + c]. Input must be finite (the caller checks).</summary>
    public static double[] Compute(ReadOnlySpan<float> x, int rows, int dims, ReadOnlySpan<int> labels, int classes,
        int threads, DistancePath path)
    {
        var sums = new double[rows * classes];
        if (rows == 0) return sums;
        if (path == DistancePath.VectorT && 4 % Vector<double>.Count != 0)
            throw new PlatformNotSupportedException($"the Vector<T> path needs 2 or 4 double lanes, this machine has {Vector<double>.Count}");

        var mean = new double[dims];
        for (var i = 0; i < rows; i++)
            for (var k = 0; k < dims; k++)
                mean[k] += x[i * dims + k];
        for (var k = 0; k < dims; k++) mean[k] /= rows;

        // Sorted, padded positions: class c occupies panels [panelStart[c], panelStart[c + 1]).
        var counts = RepresentationInput.Counts(labels, classes);
        var panelStart = new int[classes + 1];
        for (var c = 0; c < classes; c++)
            panelStart[c + 1] = panelStart[c] + (counts[c] + PanelWidth - 1) / PanelWidth;
        var positions = panelStart[classes] * PanelWidth;
        var rowOf = new int[positions];
        Array.Fill(rowOf, -1);
        var left = new double[positions * dims];
        var norm = new double[positions];
        Array.Fill(norm, double.NegativeInfinity);
        var right = new double[positions * dims];
        var fill = new int[classes];
        for (var i = 0; i < rows; i++)
        {
            var pos = panelStart[labels[i]] * PanelWidth + fill[labels[i]]++;
            rowOf[pos] = i;
            var panel = pos / PanelWidth;
            var lane = pos % PanelWidth;
            var n = 0.0;
            for (var k = 0; k < dims; k++)
            {
                var v = x[i * dims + k] - mean[k];
                left[pos * dims + k] = v;
                right[(panel * dims + k) * PanelWidth + lane] = v;
                n = Math.FusedMultiplyAdd(v, v, n);
            }
            norm[pos] = n;
        }

        var tasks = new List<(int Class, int From, int To)>();
        var firstTask = new int[classes + 1];
        for (var c = 0; c < classes; c++)
        {
            firstTask[c] = tasks.Count;
            for (var p = panelStart[c]; p < panelStart[c + 1]; p += BlockPanels)
                tasks.Add((c, p, Math.Min(p + BlockPanels, panelStart[c + 1])));
        }
        firstTask[classes] = tasks.Count;

        // About 128 KB of packed columns per chunk, so a chunk stays in L2 while the row groups of a block reuse it.
        var panelsPerChunk = Math.Max(1, 131072 / (PanelWidth * sizeof(double) * dims));
        var rowSums = new double[positions * classes];
        var columnSums = new double[tasks.Count][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };

        fixed (double* pLeft = left, pNorm = norm, pRight = right, pRowSums = rowSums)
        {
            var ctx = new Context(pLeft, pNorm, pRight, pRowSums, dims, classes, panelStart, panelsPerChunk, path);
            void Run(int t) => columnSums[t] = RunTask(ctx, tasks[t].Class, tasks[t].From, tasks[t].To, positions);
            if (options.MaxDegreeOfParallelism == 1 || tasks.Count == 1)
                for (var t = 0; t < tasks.Count; t++) Run(t);
            else
                Parallel.For(0, tasks.Count, options, Run);
        }

        for (var pos = 0; pos < positions; pos++)
        {
            var i = rowOf[pos];
            if (i < 0) continue;
            var own = labels[i];
            var ownTask = firstTask[own] + (pos / PanelWidth - panelStart[own]) / BlockPanels;
            for (var c = 0; c < classes; c++)
            {
                double s;
                if (c > own) s = rowSums[pos * classes + c];
                else
                {
                    // Class c's tasks that computed this row as a column: all of them for c < own; the later blocks for c == own.
                    s = c == own ? rowSums[pos * classes + c] : 0;
                    for (var t = c == own ? ownTask + 1 : firstTask[c]; t < firstTask[c + 1]; t++) s += columnSums[t][pos];
                }
                sums[i * classes + c] = s;
            }
        }
        return sums;
    }

    private sealed class Context(double* left, double* norm, double* right, double* rowSums, int dims, int classes, int[] panelStart,
        int panelsPerChunk, DistancePath path)
    {
        public readonly double* Left = left, Norm = norm, Right = right, RowSums = rowSums;
        public readonly int Dims = dims, Classes = classes, PanelsPerChunk = panelsPerChunk;
        public readonly int[] PanelStart = panelStart;
        public readonly DistancePath Path = path;
    }

    /// <summary>The rows of panels [from, to) of class a against their columns; returns the task's column sums (by position).</summary>
    private static double[] RunTask(Context ctx, int a, int from, int to, int positions)
    {
        var columns = new double[positions];
        var r0 = from * PanelWidth;
        var r1 = to * PanelWidth;
        // One 4-lane accumulator per row (as doubles, whatever the path).
        var acc = stackalloc double[BlockPanels * PanelWidth * 4];
        fixed (double* pColumns = columns)
        {
            for (var b = a; b < ctx.Classes; b++)
            {
                var p0 = ctx.PanelStart[b];
                var p1 = ctx.PanelStart[b + 1];
                if (p0 == p1) continue;
                new Span<double>(acc, (r1 - r0) * 4).Clear();
                if (b > a) Range(ctx, r0, r1, p0, p1, acc, pColumns);
                else
                {
                    // Within class a: the earlier blocks (their rows get these as column sums) and this block's own square.
                    Range(ctx, r0, r1, p0, from, acc, pColumns);
                    Range(ctx, r0, r1, from, to, acc, null);
                }
                for (var r = r0; r < r1; r++)
                {
                    var s = acc + (r - r0) * 4;
                    ctx.RowSums[r * ctx.Classes + b] = ((s[0] + s[1]) + s[2]) + s[3];
                }
            }
        }
        return columns;
    }

    private static void Range(Context ctx, int r0, int r1, int panelFrom, int panelTo, double* acc, double* columns)
    {
        for (var chunk = panelFrom; chunk < panelTo; chunk += ctx.PanelsPerChunk)
        {
            var chunkEnd = Math.Min(panelTo, chunk + ctx.PanelsPerChunk);
            for (var r = r0; r < r1; r += RowGroup)
            {
                if (ctx.Path == DistancePath.Vector256) Tiles256(ctx, r, chunk, chunkEnd, acc + (r - r0) * 4, columns);
                else TilesVectorT(ctx, r, chunk, chunkEnd, acc + (r - r0) * 4, columns);
            }
        }
    }

    /// <summary>
    /// 4 rows x 8 columns per tile: 8 accumulators in registers, two column loads and four broadcasts per
    /// dimension. Adds each distance to its row's accumulator and, when <paramref name="columns"/> is given,
    /// the 4 rows' sum ((r0 + r1) + r2) + r3 to each column's entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles256(Context ctx, int row, int panelFrom, int panelTo, double* rowAcc, double* columns)
    {
        var dims = ctx.Dims;
        var a0 = ctx.Left + row * dims;
        var a1 = a0 + dims;
        var a2 = a1 + dims;
        var a3 = a2 + dims;
        var n0 = Vector256.Create(ctx.Norm[row]);
        var n1 = Vector256.Create(ctx.Norm[row + 1]);
        var n2 = Vector256.Create(ctx.Norm[row + 2]);
        var n3 = Vector256.Create(ctx.Norm[row + 3]);
        var s0 = Vector256.Load(rowAcc);
        var s1 = Vector256.Load(rowAcc + 4);
        var s2 = Vector256.Load(rowAcc + 8);
        var s3 = Vector256.Load(rowAcc + 12);
        var minusTwo = Vector256.Create(-2.0);
        for (var p = panelFrom; p < panelTo; p++)
        {
            var y = ctx.Right + p * dims * PanelWidth;
            Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<double> c20 = default, c21 = default, c30 = default, c31 = default;
            for (var k = 0; k < dims; k++, y += PanelWidth)
            {
                var y0 = Vector256.Load(y);
                var y1 = Vector256.Load(y + 4);
                var b = Vector256.Create(a0[k]);
                c00 = Vector256.FusedMultiplyAdd(b, y0, c00);
                c01 = Vector256.FusedMultiplyAdd(b, y1, c01);
                b = Vector256.Create(a1[k]);
                c10 = Vector256.FusedMultiplyAdd(b, y0, c10);
                c11 = Vector256.FusedMultiplyAdd(b, y1, c11);
                b = Vector256.Create(a2[k]);
                c20 = Vector256.FusedMultiplyAdd(b, y0, c20);
                c21 = Vector256.FusedMultiplyAdd(b, y1, c21);
                b = Vector256.Create(a3[k]);
                c30 = Vector256.FusedMultiplyAdd(b, y0, c30);
                c31 = Vector256.FusedMultiplyAdd(b, y1, c31);
            }
            var m0 = Vector256.Load(ctx.Norm + p * PanelWidth);
            var m1 = Vector256.Load(ctx.Norm + p * PanelWidth + 4);
            var d00 = Distance(c00, n0 + m0, minusTwo);
            var d01 = Distance(c01, n0 + m1, minusTwo);
            var d10 = Distance(c10, n1 + m0, minusTwo);
            var d11 = Distance(c11, n1 + m1, minusTwo);
            var d20 = Distance(c20, n2 + m0, minusTwo);
            var d21 = Distance(c21, n2 + m1, minusTwo);
            var d30 = Distance(c30, n3 + m0, minusTwo);
            var d31 = Distance(c31, n3 + m1, minusTwo);
            s0 = s0 + d00 + d01;
            s1 = s1 + d10 + d11;
            s2 = s2 + d20 + d21;
            s3 = s3 + d30 + d31;
            if (columns != null)
            {
                var target = columns + p * PanelWidth;
                (Vector256.Load(target) + (((d00 + d10) + d20) + d30)).Store(target);
                (Vector256.Load(target + 4) + (((d01 + d11) + d21) + d31)).Store(target + 4);
            }
        }
        s0.Store(rowAcc);
        s1.Store(rowAcc + 4);
        s2.Store(rowAcc + 8);
        s3.Store(rowAcc + 12);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Distance(Vector256<double> dot, Vector256<double> norms, Vector256<double> minusTwo) =>
        Vector256.Sqrt(Vector256.Max(Vector256.FusedMultiplyAdd(dot, minusTwo, norms), Vector256<double>.Zero));

    /// <summary>
    /// The portable path: one Vector&lt;double&gt; (2 or 4 lanes) of columns at a time. Column l of a panel always
    /// lands in accumulator lane l mod 4, the columns of a panel are added in order and the column sums
    /// are made in the same order as in <see cref="Tiles256"/>, so the two paths agree bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TilesVectorT(Context ctx, int row, int panelFrom, int panelTo, double* rowAcc, double* columns)
    {
        var dims = ctx.Dims;
        var w = Vector<double>.Count;
        var minusTwo = new Vector<double>(-2.0);
        var d = stackalloc Vector<double>[RowGroup];
        for (var p = panelFrom; p < panelTo; p++)
        {
            var panel = ctx.Right + p * dims * PanelWidth;
            for (var v = 0; v < PanelWidth; v += w)
            {
                var norms = Vector.Load(ctx.Norm + p * PanelWidth + v);
                for (var q = 0; q < RowGroup; q++)
                {
                    var a = ctx.Left + (row + q) * dims;
                    var dot = Vector<double>.Zero;
                    for (var k = 0; k < dims; k++)
                        dot = Vector.FusedMultiplyAdd(new Vector<double>(a[k]), Vector.Load(panel + k * PanelWidth + v), dot);
                    var both = new Vector<double>(ctx.Norm[row + q]) + norms;
                    d[q] = Vector.SquareRoot(Vector.Max(Vector.FusedMultiplyAdd(dot, minusTwo, both), Vector<double>.Zero));
                    var target = rowAcc + q * 4 + v % 4;
                    (Vector.Load(target) + d[q]).Store(target);
                }
                if (columns != null)
                {
                    var target = columns + p * PanelWidth + v;
                    (Vector.Load(target) + (((d[0] + d[1]) + d[2]) + d[3])).Store(target);
                }
            }
        }
    }
}
