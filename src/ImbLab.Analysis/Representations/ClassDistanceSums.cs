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
/// everything the exact silhouette needs, in O(n^2 d) time and O(n c + n d) memory.
///
/// How, and why:
/// - Squared distances by the Gram trick n_i + n_j - 2 x_i.x_j, so the O(n^2 d) part is a matrix product.
///   The products run in double (the float32 input is centred on its column means, in double, first):
///   in float32 the cancellation in the Gram trick loses ~1e-7 of ||x||^2, which for tight clusters far from
///   the origin is a large part of a within-class distance. Centring makes the result translation invariant
///   and keeps the norms small.
/// - The norms are computed with the very same fused multiply-add sequence as each lane of the product, so
///   x_i.x_i == n_i bit for bit and the distance of a row to itself (or to an exact duplicate) is exactly 0.
/// - Columns are sorted by class and packed in panels of 8 columns (dims x 8 doubles, contiguous), each
///   class padded to whole panels. A padding column has norm -infinity: its squared distance is -inf,
///   clamped to 0, so it adds exactly nothing and no masking is needed.
/// - Work is split over blocks of 64 rows; each row's sums are made by one thread in a fixed order (class,
///   then column chunk, then panel, then lane), so the result does not depend on the thread count.
/// </summary>
internal static unsafe class ClassDistanceSums
{
    private const int PanelWidth = 8;
    private const int RowGroup = 4;
    private const int BlockRows = 64;

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

        // Row side: centred rows in the original order, padded to whole groups of 4 with zero rows whose results are dropped.
        var paddedRows = (rows + RowGroup - 1) / RowGroup * RowGroup;
        var left = new double[paddedRows * dims];
        var leftNorm = new double[paddedRows];
        for (var i = 0; i < rows; i++)
        {
            var n = 0.0;
            for (var k = 0; k < dims; k++)
            {
                var v = x[i * dims + k] - mean[k];
                left[i * dims + k] = v;
                n = Math.FusedMultiplyAdd(v, v, n);
            }
            leftNorm[i] = n;
        }

        // Column side: rows grouped by class, each class padded to whole panels.
        var counts = RepresentationInput.Counts(labels, classes);
        var panelStart = new int[classes + 1];
        for (var c = 0; c < classes; c++)
            panelStart[c + 1] = panelStart[c] + (counts[c] + PanelWidth - 1) / PanelWidth;
        var totalPanels = panelStart[classes];
        var right = new double[totalPanels * PanelWidth * dims];
        var rightNorm = new double[totalPanels * PanelWidth];
        Array.Fill(rightNorm, double.NegativeInfinity);
        var fill = new int[classes];
        for (var j = 0; j < rows; j++)
        {
            var c = labels[j];
            var column = panelStart[c] * PanelWidth + fill[c]++;
            var panel = column / PanelWidth;
            var lane = column % PanelWidth;
            var n = 0.0;
            for (var k = 0; k < dims; k++)
            {
                var v = left[j * dims + k];
                right[(panel * dims + k) * PanelWidth + lane] = v;
                n = Math.FusedMultiplyAdd(v, v, n);
            }
            rightNorm[column] = n;
        }

        // About 128 KB of packed columns per chunk, so a chunk stays in L2 while the row groups of a block reuse it.
        var panelsPerChunk = Math.Max(1, 131072 / (PanelWidth * sizeof(double) * dims));
        var blocks = (paddedRows + BlockRows - 1) / BlockRows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };

        fixed (double* pLeft = left, pLeftNorm = leftNorm, pRight = right, pRightNorm = rightNorm, pSums = sums)
        {
            var ctx = new Context(pLeft, pLeftNorm, pRight, pRightNorm, pSums, rows, paddedRows, dims, classes, panelStart, panelsPerChunk);
            if (options.MaxDegreeOfParallelism == 1 || blocks == 1)
            {
                for (var b = 0; b < blocks; b++) RunBlock(ctx, b, path);
            }
            else
            {
                Parallel.For(0, blocks, options, b => RunBlock(ctx, b, path));
            }
        }
        return sums;
    }

    private sealed class Context(double* left, double* leftNorm, double* right, double* rightNorm, double* sums,
        int rows, int paddedRows, int dims, int classes, int[] panelStart, int panelsPerChunk)
    {
        public readonly double* Left = left, LeftNorm = leftNorm, Right = right, RightNorm = rightNorm, Sums = sums;
        public readonly int Rows = rows, PaddedRows = paddedRows, Dims = dims, Classes = classes, PanelsPerChunk = panelsPerChunk;
        public readonly int[] PanelStart = panelStart;
    }

    private static void RunBlock(Context ctx, int block, DistancePath path)
    {
        var r0 = block * BlockRows;
        var r1 = Math.Min(ctx.PaddedRows, r0 + BlockRows);
        // One accumulator of PanelWidth/2 lanes per row, as doubles (4 per row whatever the path).
        var acc = stackalloc double[BlockRows * 4];
        for (var c = 0; c < ctx.Classes; c++)
        {
            var p0 = ctx.PanelStart[c];
            var p1 = ctx.PanelStart[c + 1];
            if (p0 == p1) continue;
            new Span<double>(acc, BlockRows * 4).Clear();
            for (var chunk = p0; chunk < p1; chunk += ctx.PanelsPerChunk)
            {
                var chunkEnd = Math.Min(p1, chunk + ctx.PanelsPerChunk);
                for (var r = r0; r < r1; r += RowGroup)
                {
                    var rowAcc = acc + (r - r0) * 4;
                    if (path == DistancePath.Vector256) Tiles256(ctx, r, chunk, chunkEnd, rowAcc);
                    else TilesVectorT(ctx, r, chunk, chunkEnd, rowAcc);
                }
            }
            for (var r = r0; r < Math.Min(r1, ctx.Rows); r++)
            {
                var a = acc + (r - r0) * 4;
                ctx.Sums[r * ctx.Classes + c] = ((a[0] + a[1]) + a[2]) + a[3];
            }
        }
    }

    /// <summary>4 rows x 8 columns per tile: 8 accumulators in registers, two column loads and four broadcasts per dimension.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles256(Context ctx, int row, int panelFrom, int panelTo, double* rowAcc)
    {
        var dims = ctx.Dims;
        var a0 = ctx.Left + row * dims;
        var a1 = a0 + dims;
        var a2 = a1 + dims;
        var a3 = a2 + dims;
        var n0 = Vector256.Create(ctx.LeftNorm[row]);
        var n1 = Vector256.Create(ctx.LeftNorm[row + 1]);
        var n2 = Vector256.Create(ctx.LeftNorm[row + 2]);
        var n3 = Vector256.Create(ctx.LeftNorm[row + 3]);
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
            var m0 = Vector256.Load(ctx.RightNorm + p * PanelWidth);
            var m1 = Vector256.Load(ctx.RightNorm + p * PanelWidth + 4);
            s0 += Distance(c00, n0 + m0, minusTwo);
            s0 += Distance(c01, n0 + m1, minusTwo);
            s1 += Distance(c10, n1 + m0, minusTwo);
            s1 += Distance(c11, n1 + m1, minusTwo);
            s2 += Distance(c20, n2 + m0, minusTwo);
            s2 += Distance(c21, n2 + m1, minusTwo);
            s3 += Distance(c30, n3 + m0, minusTwo);
            s3 += Distance(c31, n3 + m1, minusTwo);
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
    /// lands in accumulator lane l mod 4 and the columns of a panel are added in order, exactly as in
    /// <see cref="Tiles256"/>, so the two paths agree bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TilesVectorT(Context ctx, int row, int panelFrom, int panelTo, double* rowAcc)
    {
        var dims = ctx.Dims;
        var w = Vector<double>.Count;
        var minusTwo = new Vector<double>(-2.0);
        for (var q = 0; q < RowGroup; q++)
        {
            var a = ctx.Left + (row + q) * dims;
            var n = new Vector<double>(ctx.LeftNorm[row + q]);
            var s = rowAcc + q * 4;
            for (var p = panelFrom; p < panelTo; p++)
            {
                var panel = ctx.Right + p * dims * PanelWidth;
                for (var v = 0; v < PanelWidth; v += w)
                {
                    var dot = Vector<double>.Zero;
                    for (var k = 0; k < dims; k++)
                        dot = Vector.FusedMultiplyAdd(new Vector<double>(a[k]), Vector.Load(panel + k * PanelWidth + v), dot);
                    var norms = n + Vector.Load(ctx.RightNorm + p * PanelWidth + v);
                    var d = Vector.SquareRoot(Vector.Max(Vector.FusedMultiplyAdd(dot, minusTwo, norms), Vector<double>.Zero));
                    // Lane l of this vector holds column (v + l) of the panel; it belongs in accumulator lane (v + l) mod 4.
                    var target = s + v % 4;
                    (Vector.Load(target) + d).Store(target);
                }
            }
        }
    }
}
