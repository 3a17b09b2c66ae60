using ImbLab.Analysis;
using ImbLab.Tests.Metrics;
using Xunit;

namespace ImbLab.Tests.Representations;

public sealed class ClassGeometryTests
{
    [Fact]
    public void Given_two_classes_spread_along_their_separation_Then_the_measures_are_the_hand_computed_values()
    {
        // Class 0 at (-1, 0) and (1, 0), class 1 at (3, 0) and (5, 0): means (0, 0) and (4, 0), Var = 1 each.
        // S_W = diag(1, 0); mu_G = (2, 0), centred means (-2, 0), (2, 0); S_B = diag(4, 0), S_B^+ = diag(1/4, 0);
        // tr(S_W S_B^+) = 1/4, NC1 = 1/8. CDNV = (1 + 1) / (2 * 16) = 1/16. The centred means are opposite: cos = -1.
        float[] x = [-1, 0, 1, 0, 3, 0, 5, 0];
        int[] labels = [0, 0, 1, 1];

        var g = ClassGeometry.Compute(x, 4, 2, labels, 2);

        Assert.Equal([0.0, 0.0], g.Means[0]);
        Assert.Equal([4.0, 0.0], g.Means[1]);
        Assert.Equal([1.0, 1.0], g.WithinVariance);
        Assert.Equal(4.0, g.MeanDistance[0, 1]);
        Assert.Equal(0.0, g.MeanDistance[1, 1]);
        MetricsAssert.Close(-1, g.MeanCosine[0, 1], 1e-15, "cos");
        MetricsAssert.Close(1, g.MeanCosine[1, 1], 1e-15, "cos diagonal");
        MetricsAssert.Close(1.0 / 16, g.Cdnv[1, 0], 1e-15, "cdnv");
        Assert.True(double.IsNaN(g.Cdnv[0, 0]), "CDNV of a class with itself is undefined");
        MetricsAssert.Close(1.0 / 8, g.Nc1, 1e-12, "nc1");
    }

    [Fact]
    public void Given_three_classes_in_a_plane_Then_nc1_uses_the_two_dimensional_between_class_space()
    {
        // Means at the corners (0,0), (6,0), (0,6) of a triangle with within-class noise only along x.
        // mu_G = (2, 2); centred means (-2,-2), (4,-2), (-2,4); S_B = (1/3) sum = [[8, -4], [-4, 8]].
        // S_W = diag(1, 0) (each row is +-1 from its mean along x). S_B^+ = S_B^-1 = (1/48) [[8, 4], [4, 8]].
        // tr(S_W S_B^-1) = 8/48 = 1/6; NC1 = 1/18.
        float[] x = [-1, 0, 1, 0, 5, 0, 7, 0, -1, 6, 1, 6];
        int[] labels = [0, 0, 1, 1, 2, 2];

        var g = ClassGeometry.Compute(x, 6, 2, labels, 3);

        MetricsAssert.Close(1.0 / 18, g.Nc1, 1e-12, "nc1");
        MetricsAssert.Close(6, g.MeanDistance[0, 2], 1e-15, "distance");
        MetricsAssert.Close(Math.Sqrt(72), g.MeanDistance[1, 2], 1e-15, "distance");
    }

    [Fact]
    public void Given_an_absent_class_or_identical_means_Then_the_undefined_entries_are_NaN()
    {
        float[] x = [0, 1, 2, 3];

        var absent = ClassGeometry.Compute(x, 4, 1, [0, 0, 2, 2], 3);
        var single = ClassGeometry.Compute(x, 4, 1, [1, 1, 1, 1], 2);
        var identical = ClassGeometry.Compute([0, 2, 2, 0], 4, 1, [0, 0, 1, 1], 2);

        Assert.True(double.IsNaN(absent.Means[1][0]) && double.IsNaN(absent.WithinVariance[1]));
        Assert.True(double.IsNaN(absent.MeanDistance[0, 1]) && double.IsNaN(absent.MeanCosine[1, 2]) && double.IsNaN(absent.Cdnv[2, 1]));
        Assert.Equal(2.0, absent.MeanDistance[0, 2]);
        Assert.False(double.IsNaN(absent.Nc1));
        Assert.True(double.IsNaN(single.Nc1), "NC1 needs two classes");
        Assert.True(double.IsNaN(single.MeanCosine[1, 1]), "a lone class's centred mean is 0");
        Assert.True(double.IsNaN(identical.Nc1), "S_B = 0");
        Assert.True(double.IsNaN(identical.Cdnv[0, 1]));
        Assert.Equal(0.0, identical.MeanDistance[0, 1]);
    }

    [Fact]
    public void Given_output_layer_weights_Then_the_norms_and_biases_are_per_class()
    {
        // Rows (3, 4), (0, 0), (1, -1): norms 5, 0, sqrt(2).
        float[] weights = [3, 4, 0, 0, 1, -1];
        float[] bias = [0.5f, -0.25f, 2];

        var (norm, b) = ClassGeometry.Classifier(weights, bias, 3, 2);

        Assert.Equal([5.0, 0.0, Math.Sqrt(2)], norm);
        Assert.Equal([0.5, -0.25, 2.0], b);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => ClassGeometry.Classifier(weights, bias, 2, 2)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => ClassGeometry.Classifier(weights, [1f], 3, 2)).ParamName);
    }
}
