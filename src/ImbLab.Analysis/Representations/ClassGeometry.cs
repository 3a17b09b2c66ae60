namespace ImbLab.Analysis;

/// <summary>
/// Class geometry of one layer's features (neural-collapse measures, Papyan et al. 2020; CDNV, Galanti et al.
/// 2022). Undefined entries are NaN: rows and columns of absent classes, cosines of a centred mean of norm
/// 0, CDNV of identical means (including the diagonal), NC1 with fewer than 2 classes present or S_B = 0.
/// </summary>
/// <param name="Means">Means[c]: the mean of class c's rows (a NaN row when the class is absent).</param>
/// <param name="WithinVariance">Mean squared distance of class c's rows to their mean (Var_c of CDNV; 0 for one row).</param>
/// <param name="MeanDistance">||mu_i - mu_j||.</param>
/// <param name="MeanCosine">Cosine of (mu_i - mu_G) and (mu_j - mu_G), mu_G = the unweighted mean of the present
/// class means (the neural-collapse convention: the global mean of a balanced set, so a majority does not pull
/// the centre onto itself). With two classes the centred means are opposite, so the cosine is -1.</param>
/// <param name="Nc1">tr(S_W S_B^+) / C over the C classes present.</param>
/// <param name="Cdnv">(Var_i + Var_j) / (2 ||mu_i - mu_j||^2).</param>
public sealed record ClassGeometryResult(double[][] Means, double[] WithinVariance, double[,] MeanDistance, double[,] MeanCosine,
    double Nc1, double[,] Cdnv);

public static class ClassGeometry
{
    /// <summary>
    /// Eigenvalues of S_B at or below this fraction of the largest are treated as 0 by the pseudo-inverse
    /// (numpy.linalg.pinv's rcond). S_B has rank at most C - 1 and its null eigenvalues come out of any
    /// solver as rounding noise of ~1e-16 of the largest; 1e-10 removes them with a wide margin while keeping
    /// every genuine direction of separation.
    /// </summary>
    public const double PseudoInverseCutoff = 1e-10;

    /// <summary>
    /// Class means, within-class variances, distances and centred cosines of the means, NC1 and CDNV.
    /// S_W = (1/N) sum over samples of (x - mu_y)(x - mu_y)^T; S_B = (1/C) sum over present classes of
    /// (mu_c - mu_G)(mu_c - mu_G)^T. The pseudo-inverse of S_B is taken through its C x C Gram form
    /// G = M^T M / C (M = the d x C centred means): G and S_B share their non-zero eigenvalues, and each
    /// eigenvector v of G gives the unit eigenvector u = M v / sqrt(C lambda) of S_B. So
    /// tr(S_W S_B^+) = sum over kept lambda of u^T S_W u / lambda, in O(N d C + C^3) rather than O(d^3).
    /// </summary>
    public static ClassGeometryResult Compute(ReadOnlySpan<float> x, int rows, int dims, ReadOnlySpan<int> labels, int classes)
    {
        RepresentationInput.Check(x, rows, dims, labels, classes);
        var counts = RepresentationInput.Counts(labels, classes);

        var means = new double[classes][];
        for (var c = 0; c < classes; c++) means[c] = new double[dims];
        for (var i = 0; i < rows; i++)
        {
            var m = means[labels[i]];
            for (var k = 0; k < dims; k++) m[k] += x[i * dims + k];
        }
        for (var c = 0; c < classes; c++)
            for (var k = 0; k < dims; k++)
                means[c][k] = counts[c] > 0 ? means[c][k] / counts[c] : double.NaN;

        var variance = new double[classes];
        for (var i = 0; i < rows; i++)
        {
            var m = means[labels[i]];
            var s = 0.0;
            for (var k = 0; k < dims; k++)
            {
                var d = x[i * dims + k] - m[k];
                s += d * d;
            }
            variance[labels[i]] += s;
        }
        for (var c = 0; c < classes; c++) variance[c] = counts[c] > 0 ? variance[c] / counts[c] : double.NaN;

        var present = Enumerable.Range(0, classes).Where(c => counts[c] > 0).ToArray();
        var global = new double[dims];
        foreach (var c in present)
            for (var k = 0; k < dims; k++)
                global[k] += means[c][k];
        for (var k = 0; k < dims; k++) global[k] /= present.Length;
        var centred = new double[classes][];
        for (var c = 0; c < classes; c++)
        {
            centred[c] = new double[dims];
            for (var k = 0; k < dims; k++) centred[c][k] = means[c][k] - global[k];
        }

        var distance = new double[classes, classes];
        var cosine = new double[classes, classes];
        var cdnv = new double[classes, classes];
        for (var i = 0; i < classes; i++)
            for (var j = 0; j < classes; j++)
            {
                var squared = 0.0;
                double dot = 0, ni = 0, nj = 0;
                for (var k = 0; k < dims; k++)
                {
                    var d = means[i][k] - means[j][k];
                    squared += d * d;
                    dot += centred[i][k] * centred[j][k];
                    ni += centred[i][k] * centred[i][k];
                    nj += centred[j][k] * centred[j][k];
                }
                distance[i, j] = Math.Sqrt(squared);
                cosine[i, j] = ni > 0 && nj > 0 ? dot / Math.Sqrt(ni * nj) : double.NaN;
                cdnv[i, j] = squared > 0 ? (variance[i] + variance[j]) / (2 * squared) : double.NaN;
            }

        return new ClassGeometryResult(means, variance, distance, cosine, Nc1(x, rows, dims, labels, means, centred, present), cdnv);
    }

    private static double Nc1(ReadOnlySpan<float> x, int rows, int dims, ReadOnlySpan<int> labels, double[][] means, double[][] centred,
        int[] present)
    {
        var c = present.Length;
        if (c < 2) return double.NaN;
        var gram = new double[c, c];
        for (var a = 0; a < c; a++)
            for (var b = 0; b <= a; b++)
            {
                var s = 0.0;
                for (var k = 0; k < dims; k++) s += centred[present[a]][k] * centred[present[b]][k];
                gram[a, b] = gram[b, a] = s / c;
            }
        var eigen = SymmetricEigen.Jacobi(gram);
        var largest = eigen.Values[^1];
        if (!(largest > 0)) return double.NaN;

        var directions = new List<(double[] U, double Lambda)>();
        for (var e = 0; e < c; e++)
        {
            var lambda = eigen.Values[e];
            if (lambda <= PseudoInverseCutoff * largest) continue;
            var u = new double[dims];
            var norm = Math.Sqrt(c * lambda);
            for (var a = 0; a < c; a++)
            {
                var w = eigen.Vectors[a, e] / norm;
                for (var k = 0; k < dims; k++) u[k] += w * centred[present[a]][k];
            }
            directions.Add((u, lambda));
        }

        // u^T S_W u = (1/N) sum over samples of ((x - mu_y) . u)^2.
        var quadratic = new double[directions.Count];
        var centredRow = new double[dims];
        for (var i = 0; i < rows; i++)
        {
            var m = means[labels[i]];
            for (var k = 0; k < dims; k++) centredRow[k] = x[i * dims + k] - m[k];
            for (var e = 0; e < directions.Count; e++)
            {
                var u = directions[e].U;
                var p = 0.0;
                for (var k = 0; k < dims; k++) p += centredRow[k] * u[k];
                quadratic[e] += p * p;
            }
        }
        var trace = 0.0;
        for (var e = 0; e < directions.Count; e++) trace += quadratic[e] / rows / directions[e].Lambda;
        return trace / c;
    }

    /// <summary>
    /// The output layer per class: the L2 norm of its weight row and its bias (minority collapse, Fang et al.
    /// 2021: the minority's classifier row shrinks). <paramref name="weights"/>: classes x inputs, row-major
    /// (torch nn.Linear layout, as Mlp.Weights(lastLayer) gives).
    /// </summary>
    public static (double[] WeightNorm, double[] Bias) Classifier(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int classes, int inputs)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "must be >= 1");
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "must be >= 1");
        if ((long)classes * inputs != weights.Length)
            throw new ArgumentException($"weights has {weights.Length} values, expected classes x inputs = {classes} x {inputs}", nameof(weights));
        if (bias.Length != classes)
            throw new ArgumentException($"bias has {bias.Length} values, expected {classes}", nameof(bias));
        var norm = new double[classes];
        var b = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            var s = 0.0;
            foreach (var w in weights.Slice(c * inputs, inputs)) s += (double)w * w;
            norm[c] = Math.Sqrt(s);
            b[c] = bias[c];
        }
        return (norm, b);
    }
}
