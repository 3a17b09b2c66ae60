using CsCheck;
using ImbLab.Analysis;
using ImbLab.Tests.Metrics;
using Xunit;

namespace ImbLab.Tests.Representations;

public sealed class SymmetricEigenTests
{
    [Fact]
    public void Given_a_two_by_two_matrix_Then_the_eigenpairs_are_the_hand_computed_ones()
    {
        // [[2, 1], [1, 2]]: eigenvalue 1 along (1, -1), 3 along (1, 1).
        var e = SymmetricEigen.Jacobi(new double[,] { { 2, 1 }, { 1, 2 } });

        MetricsAssert.Close(1, e.Values[0], 1e-15, "lambda 0");
        MetricsAssert.Close(3, e.Values[1], 1e-15, "lambda 1");
        MetricsAssert.Close(-1, e.Vectors[0, 0] / e.Vectors[1, 0], 1e-15, "v0 direction");
        MetricsAssert.Close(1, e.Vectors[0, 1] / e.Vectors[1, 1], 1e-15, "v1 direction");
    }

    [Fact]
    public void Given_a_diagonal_matrix_Then_the_values_are_its_sorted_diagonal()
    {
        var e = SymmetricEigen.Jacobi(new double[,] { { 3, 0, 0 }, { 0, -1, 0 }, { 0, 0, 2 } });

        Assert.Equal([-1.0, 2.0, 3.0], e.Values);
    }

    [Fact]
    public void Given_a_non_symmetric_matrix_Then_it_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Jacobi(new double[,] { { 1, 2 }, { 0, 1 } }));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Jacobi(new double[2, 3]));
    }

    private static readonly Gen<double[,]> GenSymmetric =
        from n in Gen.Int[1, 24]
        from cells in Gen.Double[-10, 10].Array[n * n]
        from rank in Gen.Int[0, n]
        select Build(n, cells, rank);

    // Either a full random symmetric matrix (rank = n) or a low-rank PSD one, B B^T with B n x rank: repeated zero eigenvalues.
    private static double[,] Build(int n, double[] cells, int rank)
    {
        var a = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                if (rank == n) a[i, j] = cells[Math.Min(i, j) * n + Math.Max(i, j)];
                else
                    for (var k = 0; k < rank; k++) a[i, j] += cells[i * n + k] * cells[j * n + k];
            }
        return a;
    }

    [Fact]
    public void Given_any_symmetric_matrix_Then_A_V_equals_V_Lambda_with_orthonormal_V_and_ascending_values()
    {
        GenSymmetric.Sample(a =>
        {
            var n = a.GetLength(0);
            var e = SymmetricEigen.Jacobi(a);

            var scale = 0.0;
            foreach (var v in a) scale = Math.Max(scale, Math.Abs(v));
            var tolerance = 1e-12 * n * Math.Max(scale, 1);
            for (var k = 0; k + 1 < n; k++) Assert.True(e.Values[k] <= e.Values[k + 1], "ascending");
            for (var i = 0; i < n; i++)
                for (var k = 0; k < n; k++)
                {
                    var av = 0.0;
                    for (var j = 0; j < n; j++) av += a[i, j] * e.Vectors[j, k];
                    Assert.True(Math.Abs(av - e.Values[k] * e.Vectors[i, k]) <= tolerance, $"residual at ({i}, {k})");
                    var dot = 0.0;
                    for (var j = 0; j < n; j++) dot += e.Vectors[j, i] * e.Vectors[j, k];
                    Assert.True(Math.Abs(dot - (i == k ? 1 : 0)) <= 1e-12, $"V^T V at ({i}, {k})");
                }
        }, iter: 200, threads: 1);
    }
}
