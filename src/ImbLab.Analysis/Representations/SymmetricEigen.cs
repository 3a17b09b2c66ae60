namespace ImbLab.Analysis;

/// <summary>Eigenvalues (ascending) and the matching unit eigenvectors, as the columns of an n x n matrix.</summary>
internal sealed record EigenDecomposition(double[] Values, double[,] Vectors);

/// <summary>
/// Cyclic Jacobi eigensolver for small dense symmetric matrices (used on C x C matrices here; fine up to a
/// few hundred). Jacobi rather than Householder + QL because it is short, has no special cases, and is
/// accurate to a small multiple of machine epsilon relative to ||A||, which is what a pseudo-inverse cutoff
/// needs.
/// </summary>
internal static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    public static EigenDecomposition Jacobi(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n) throw new ArgumentException($"matrix is {n} x {matrix.GetLength(1)}, not square", nameof(matrix));
        var a = (double[,])matrix.Clone();
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
                if (a[i, j] != a[j, i] && !(double.IsNaN(a[i, j]) && double.IsNaN(a[j, i])))
                    throw new ArgumentException($"matrix is not symmetric at ({i}, {j})", nameof(matrix));
        var v = new double[n, n];
        for (var i = 0; i < n; i++) v[i, i] = 1;

        for (var sweep = 0; sweep < MaxSweeps; sweep++)
        {
            var off = 0.0;
            var scale = 0.0;
            for (var i = 0; i < n; i++)
            {
                scale += a[i, i] * a[i, i];
                for (var j = i + 1; j < n; j++) off += a[i, j] * a[i, j];
            }
            scale += 2 * off;
            if (off <= 1e-32 * scale || double.IsNaN(off)) break;

            for (var p = 0; p < n - 1; p++)
                for (var q = p + 1; q < n; q++)
                {
                    var apq = a[p, q];
                    if (apq == 0) continue;
                    // The rotation that zeroes a[p, q]: t = tan(theta), the smaller root, for stability.
                    var theta = (a[q, q] - a[p, p]) / (2 * apq);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var akp = a[k, p];
                        var akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var apk = a[p, k];
                        var aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    a[p, q] = a[q, p] = 0;
                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k, p];
                        var vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
        }

        var order = Enumerable.Range(0, n).OrderBy(i => a[i, i]).ThenBy(i => i).ToArray();
        var values = new double[n];
        var vectors = new double[n, n];
        for (var k = 0; k < n; k++)
        {
            values[k] = a[order[k], order[k]];
            for (var i = 0; i < n; i++) vectors[i, k] = v[i, order[k]];
        }
        return new EigenDecomposition(values, vectors);
    }
}
