using System.Globalization;
using System.Text.Json;
using ImbLab.Analysis;
using ImbLab.Tests.Metrics;
using Xunit;

namespace ImbLab.Tests.Representations;

/// <summary>
/// Silhouette and ClassGeometry against scikit-learn / numpy, from the fixture written by
/// tools/reference/representation_goldens.py (float32 inputs, float64 reference math).
/// </summary>
public sealed class RepresentationGoldenTests
{
    private const double Relative = 1e-6;
    private const double Absolute = 1e-9;

    private static readonly Lazy<JsonElement> Fixture = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Representations", "representation_goldens.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    });

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Value.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    internal sealed record Case(string Name, int Rows, int Dims, int Classes, float[] X, int[] Labels, JsonElement Expected);

    internal static Case Load(string name)
    {
        var c = Fixture.Value.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        return new Case(name, c.GetProperty("rows").GetInt32(), c.GetProperty("dims").GetInt32(), c.GetProperty("classes").GetInt32(),
            c.GetProperty("x").EnumerateArray().Select(v => float.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray(),
            c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
            c.GetProperty("expected"));
    }

    private static double[] Doubles(JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    [Fact]
    public void Given_the_fixture_Then_it_covers_the_cases_the_brief_asks_for()
    {
        var names = Fixture.Value.GetProperty("cases").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray();
        Assert.True(names.Length >= 10);
        Assert.Contains("singleton_class", names);
        Assert.Contains("imbalance_1pct", names);
        Assert.Contains("duplicates", names);
        Assert.Contains("dims1", names);
        Assert.Contains("dims64", names);
        Assert.Contains("abalone19_encoded", names);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_a_case_When_computing_silhouettes_Then_they_match_sklearn(string name)
    {
        var c = Load(name);

        var samples = Silhouette.Samples(c.X, c.Rows, c.Dims, c.Labels, c.Classes);
        var summary = Silhouette.Summarize(samples, c.Labels, c.Classes);

        var expected = Doubles(c.Expected, "silhouette");
        Assert.Equal(expected.Length, samples.Length);
        for (var i = 0; i < expected.Length; i++)
            MetricsAssert.Close(expected[i], samples[i], Relative, $"{name} s[{i}]", Absolute);
        MetricsAssert.Close(c.Expected.GetProperty("silhouette_score").GetDouble(), summary.Mean, Relative, $"{name} score", Absolute);
        MetricsAssert.Close(c.Expected.GetProperty("unweighted_mean").GetDouble(), summary.UnweightedMean, Relative, $"{name} unweighted", Absolute);
        var perClass = Doubles(c.Expected, "per_class_mean");
        for (var k = 0; k < c.Classes; k++)
            MetricsAssert.Close(perClass[k], summary.PerClassMean[k], Relative, $"{name} per-class[{k}]", Absolute);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_a_case_When_computing_class_geometry_Then_it_matches_numpy(string name)
    {
        var c = Load(name);

        var g = ClassGeometry.Compute(c.X, c.Rows, c.Dims, c.Labels, c.Classes);

        var means = Doubles(c.Expected, "means");
        for (var k = 0; k < c.Classes; k++)
            for (var d = 0; d < c.Dims; d++)
                MetricsAssert.Close(means[k * c.Dims + d], g.Means[k][d], Relative, $"{name} mean[{k}][{d}]", Absolute);
        var variance = Doubles(c.Expected, "within_variance");
        for (var k = 0; k < c.Classes; k++)
            MetricsAssert.Close(variance[k], g.WithinVariance[k], Relative, $"{name} var[{k}]", Absolute);
        AssertMatrix(Doubles(c.Expected, "mean_distance"), g.MeanDistance, $"{name} distance");
        AssertMatrix(Doubles(c.Expected, "mean_cosine"), g.MeanCosine, $"{name} cosine");
        AssertMatrix(Doubles(c.Expected, "cdnv"), g.Cdnv, $"{name} cdnv");
        MetricsAssert.Close(c.Expected.GetProperty("nc1").GetDouble(), g.Nc1, Relative, $"{name} nc1", Absolute);
    }

    private static void AssertMatrix(double[] expected, double[,] actual, string what)
    {
        var n = actual.GetLength(0);
        Assert.Equal(expected.Length, n * n);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                MetricsAssert.Close(expected[i * n + j], actual[i, j], Relative, $"{what}[{i},{j}]", Absolute);
    }
}
