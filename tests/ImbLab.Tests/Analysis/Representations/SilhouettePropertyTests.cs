using CsCheck;
using ImbLab.Analysis;
using ImbLab.Tests.Metrics;
using Xunit;

namespace ImbLab.Tests.Representations;

public sealed class SilhouettePropertyTests
{
    private const int Iterations = 150;

    internal sealed record Data(int Rows, int Dims, int Classes, float[] X, int[] Labels);

    // Coordinates on a quarter grid: duplicates and ties are common, and translations by integers stay exact in float32.
    private static Gen<Data> GenData(int maxRows) =>
        from classes in Gen.Int[2, 4]
        from rows in Gen.Int[2, maxRows]
        from dims in Gen.Int[1, 9]
        from x in Gen.Int[-32, 32].Select(i => i / 4f).Array[rows * dims]
        from labels in Gen.Int[0, classes - 1].Array[rows]
        select new Data(rows, dims, classes, x, labels);

    private static double[] Samples(Data d, float[]? x = null, int[]? labels = null, int threads = 1) =>
        Silhouette.Samples(x ?? d.X, d.Rows, d.Dims, labels ?? d.Labels, d.Classes, threads);

    private static bool TwoClasses(Data d) => d.Labels.Distinct().Count() >= 2;

    [Fact]
    public void Given_any_data_Then_every_silhouette_is_in_minus_one_to_one_or_all_are_NaN_with_one_class()
    {
        GenData(60).Sample(d =>
        {
            var s = Samples(d);
            if (!TwoClasses(d)) Assert.All(s, v => Assert.True(double.IsNaN(v)));
            else Assert.All(s, v => Assert.InRange(v, -1.0, 1.0));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_data_Then_the_kernel_matches_the_naive_reference()
    {
        GenData(60).Where(TwoClasses).Sample(d =>
        {
            var s = Samples(d);
            var expected = RepresentationData.NaiveSilhouette(d.X, d.Rows, d.Dims, d.Labels, d.Classes);
            for (var i = 0; i < d.Rows; i++) MetricsAssert.Close(expected[i], s[i], 1e-9, $"s[{i}]", 1e-12);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_data_When_translated_Then_the_silhouettes_do_not_change()
    {
        var gen = from d in GenData(60).Where(TwoClasses)
                  from shift in Gen.Int[-1000, 1000].Array[d.Dims]
                  select (d, shift);
        gen.Sample(t =>
        {
            var (d, shift) = t;
            var moved = d.X.Select((v, i) => v + shift[i % d.Dims]).ToArray();
            AssertClose(Samples(d), Samples(d, moved), 1e-9);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_data_When_rotated_and_uniformly_scaled_Then_the_silhouettes_do_not_change()
    {
        var gen = from d in GenData(60).Where(t => TwoClasses(t) && t.Dims >= 2)
                  from angle in Gen.Double[0, 2 * Math.PI]
                  from p in Gen.Int[0, d.Dims - 1]
                  from q in Gen.Int[0, d.Dims - 2].Select(v => v >= p ? v + 1 : v)
                  from scale in Gen.Double[0.1, 10]
                  select (d, angle, p, q, scale);
        gen.Sample(t =>
        {
            var (d, angle, p, q, scale) = t;
            var (sin, cos) = Math.SinCos(angle);
            var turned = (float[])d.X.Clone();
            for (var i = 0; i < d.Rows; i++)
            {
                double u = d.X[i * d.Dims + p], v = d.X[i * d.Dims + q];
                turned[i * d.Dims + p] = (float)(scale * (cos * u - sin * v));
                turned[i * d.Dims + q] = (float)(scale * (sin * u + cos * v));
                for (var k = 0; k < d.Dims; k++)
                    if (k != p && k != q) turned[i * d.Dims + k] = (float)(scale * d.X[i * d.Dims + k]);
            }
            // float32 rounding of the rotated coordinates (~6e-8 of 8) moves distances of >= 1/4 by < 1e-5.
            AssertClose(Samples(d), Samples(d, turned), 2e-5);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_data_When_scaled_by_a_power_of_two_Then_the_silhouettes_are_bitwise_identical()
    {
        var gen = from d in GenData(60).Where(TwoClasses)
                  from e in Gen.Int[-6, 6]
                  select (d, e);
        gen.Sample(t =>
        {
            var (d, e) = t;
            var factor = MathF.ScaleB(1f, e);
            Assert.Equal(Samples(d), Samples(d, d.X.Select(v => v * factor).ToArray()));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_data_When_the_rows_are_permuted_Then_the_silhouettes_are_permuted_alike()
    {
        var gen = from d in GenData(60).Where(TwoClasses)
                  from order in Gen.Shuffle(Enumerable.Range(0, d.Rows).ToArray())
                  select (d, order);
        gen.Sample(t =>
        {
            var (d, order) = t;
            var x = new float[d.X.Length];
            for (var i = 0; i < d.Rows; i++) Array.Copy(d.X, order[i] * d.Dims, x, i * d.Dims, d.Dims);
            var labels = order.Select(i => d.Labels[i]).ToArray();
            var original = Samples(d);
            AssertClose(order.Select(i => original[i]).ToArray(), Samples(d, x, labels), 1e-12);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Given_any_data_over_several_row_blocks_Then_the_thread_count_does_not_change_a_bit()
    {
        GenData(400).Where(TwoClasses).Sample(d =>
        {
            var one = Samples(d, threads: 1);
            Assert.Equal(one, Samples(d, threads: 2));
            Assert.Equal(one, Samples(d, threads: 3));
        }, iter: 40, threads: 1);
    }

    private static void AssertClose(double[] expected, double[] actual, double absolute)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) MetricsAssert.Close(expected[i], actual[i], 0, $"s[{i}]", absolute);
    }
}
