using System.Numerics;
using ImbLab.Analysis;
using ImbLab.Core;
using ImbLab.Tests.Metrics;
using Xunit;

namespace ImbLab.Tests.Representations;

public sealed class SilhouetteTests
{
    [Fact]
    public void Given_four_points_on_a_line_When_computing_silhouettes_Then_they_are_the_hand_computed_values()
    {
        // Class 0 at 0 and 1, class 1 at 4 and 6.
        //   x=0: a = 1, b = (4 + 6)/2 = 5,   s = 4/5      x=1: a = 1, b = (3 + 5)/2 = 4,   s = 3/4
        //   x=4: a = 2, b = (4 + 3)/2 = 3.5, s = 3/7      x=6: a = 2, b = (6 + 5)/2 = 5.5, s = 7/11
        float[] x = [0, 1, 4, 6];
        int[] labels = [0, 0, 1, 1];

        var s = Silhouette.Samples(x, 4, 1, labels, 2);
        var summary = Silhouette.Summarize(s, labels, 2);

        double[] expected = [4.0 / 5, 3.0 / 4, 3.0 / 7, 7.0 / 11];
        for (var i = 0; i < 4; i++) MetricsAssert.Close(expected[i], s[i], 1e-14, $"s[{i}]");
        MetricsAssert.Close((4.0 / 5 + 3.0 / 4) / 2, summary.PerClassMean[0], 1e-14, "class 0");
        MetricsAssert.Close((3.0 / 7 + 7.0 / 11) / 2, summary.PerClassMean[1], 1e-14, "class 1");
        MetricsAssert.Close(expected.Average(), summary.Mean, 1e-14, "mean");
        MetricsAssert.Close((summary.PerClassMean[0] + summary.PerClassMean[1]) / 2, summary.UnweightedMean, 1e-14, "unweighted");
    }

    [Fact]
    public void Given_a_singleton_class_and_a_class_of_duplicates_Then_the_singleton_is_0_and_the_duplicates_are_exactly_1()
    {
        // Class 0: three copies of (1, 1); class 1: the single point (4, 5). Within distances are exactly 0
        // (the norms use the kernel's own FMA sequence), so a = 0, b = 5 and s = 1 exactly.
        float[] x = [1, 1, 1, 1, 1, 1, 4, 5];
        int[] labels = [0, 0, 0, 1];

        var s = Silhouette.Samples(x, 4, 2, labels, 2);

        Assert.Equal([1.0, 1.0, 1.0, 0.0], s);
    }

    [Fact]
    public void Given_one_class_present_or_a_non_finite_value_Then_every_silhouette_is_NaN()
    {
        Assert.All(Silhouette.Samples([0f, 1f, 2f], 3, 1, [1, 1, 1], 3), v => Assert.True(double.IsNaN(v)));
        Assert.All(Silhouette.Samples([0f, float.NaN, 2f], 3, 1, [0, 1, 1], 2), v => Assert.True(double.IsNaN(v)));
        Assert.All(Silhouette.Samples([0f, float.PositiveInfinity], 2, 1, [0, 1], 2), v => Assert.True(double.IsNaN(v)));
        Assert.Empty(Silhouette.Samples([], 0, 3, [], 2));
        var summary = Silhouette.Summarize([], [], 2);
        Assert.True(double.IsNaN(summary.Mean) && double.IsNaN(summary.UnweightedMean));
    }

    [Fact]
    public void Given_mismatched_arguments_Then_they_are_refused_with_the_parameter_named()
    {
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => Silhouette.Samples([0f, 1f], 2, 1, [0, 2], 2)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Silhouette.Samples([0f, 1f, 2f], 2, 1, [0, 1], 2)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => Silhouette.Samples([0f, 1f], 2, 1, [0], 2)).ParamName);
    }

    [Theory]
    [InlineData(37, 1, 2)]
    [InlineData(203, 7, 3)]
    [InlineData(333, 33, 4)]
    public void Given_random_data_When_computing_silhouettes_Then_they_match_a_naive_double_reference(int rows, int dims, int classes)
    {
        var (x, labels) = RepresentationData.Random(rows, dims, classes, seed: (ulong)rows);

        var s = Silhouette.Samples(x, rows, dims, labels, classes);

        var expected = RepresentationData.NaiveSilhouette(x, rows, dims, labels, classes);
        for (var i = 0; i < rows; i++) MetricsAssert.Close(expected[i], s[i], 1e-10, $"s[{i}]", 1e-12);
    }

    [Fact]
    public void Given_any_thread_count_Then_the_silhouettes_are_bitwise_identical()
    {
        var (x, labels) = RepresentationData.Random(1000, 8, 3, seed: 7);

        var one = Silhouette.Samples(x, 1000, 8, labels, 3, threads: 1);

        foreach (var threads in new[] { 2, 3, 0 })
            Assert.Equal(one, Silhouette.Samples(x, 1000, 8, labels, 3, threads));
    }

    [Fact]
    public void Given_the_Vector256_and_the_VectorT_paths_Then_they_agree_bit_for_bit()
    {
        var (x, labels) = RepresentationData.Random(301, 19, 3, seed: 11);
        if (4 % Vector<double>.Count != 0)
        {
            // A machine whose Vector<double> has 8 lanes: the portable path refuses rather than mis-adding.
            Assert.Throws<PlatformNotSupportedException>(() => Silhouette.Samples(x, 301, 19, labels, 3, 2, DistancePath.VectorT));
            return;
        }

        var wide = Silhouette.Samples(x, 301, 19, labels, 3, 2, DistancePath.Vector256);
        var portable = Silhouette.Samples(x, 301, 19, labels, 3, 2, DistancePath.VectorT);

        Assert.Equal(wide, portable);
    }

    [Fact]
    public void Given_a_class_with_no_rows_Then_it_is_ignored_and_its_summary_is_NaN()
    {
        var (x, labels) = RepresentationData.Random(90, 4, 2, seed: 3);
        var shifted = labels.Select(y => y == 1 ? 2 : 0).ToArray();

        var two = Silhouette.Samples(x, 90, 4, labels, 2);
        var three = Silhouette.Samples(x, 90, 4, shifted, 3);
        var summary = Silhouette.Summarize(three, shifted, 3);

        Assert.Equal(two, three);
        Assert.True(double.IsNaN(summary.PerClassMean[1]));
        MetricsAssert.Close((summary.PerClassMean[0] + summary.PerClassMean[2]) / 2, summary.UnweightedMean, 1e-15, "unweighted");
    }
}

/// <summary>Random test matrices and an obviously correct O(n^2 d) silhouette to check the kernel against.</summary>
internal static class RepresentationData
{
    public static (float[] X, int[] Labels) Random(int rows, int dims, int classes, ulong seed)
    {
        var rng = new Rng(seed);
        var centres = Enumerable.Range(0, classes * dims).Select(_ => 2 * rng.NextGaussian()).ToArray();
        var labels = Enumerable.Range(0, rows).Select(i => i < classes ? i : rng.NextInt(classes)).ToArray();
        var x = new float[rows * dims];
        for (var i = 0; i < rows; i++)
            for (var k = 0; k < dims; k++)
                x[i * dims + k] = (float)(centres[labels[i] * dims + k] + rng.NextGaussian());
        return (x, labels);
    }

    public static double[] NaiveSilhouette(float[] x, int rows, int dims, int[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (var y in labels) counts[y]++;
        var s = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var sums = new double[classes];
            for (var j = 0; j < rows; j++)
            {
                var d2 = 0.0;
                for (var k = 0; k < dims; k++)
                {
                    var d = (double)x[i * dims + k] - x[j * dims + k];
                    d2 += d * d;
                }
                sums[labels[j]] += Math.Sqrt(d2);
            }
            var own = labels[i];
            if (counts[own] == 1) continue;
            var a = sums[own] / (counts[own] - 1);
            var b = Enumerable.Range(0, classes).Where(c => c != own && counts[c] > 0).Min(c => sums[c] / counts[c]);
            s[i] = Math.Max(a, b) > 0 ? (b - a) / Math.Max(a, b) : 0;
        }
        return s;
    }
}
