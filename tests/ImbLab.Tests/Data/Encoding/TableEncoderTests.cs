using System.Text.Json;
using ImbLab.Core;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;
using ImbLab.Tests.Readers;
using Xunit;

namespace ImbLab.Tests.Data.Encoding;

public sealed class TableEncoderTests
{
    private static readonly AttributeInfo Num = new("x", AttributeKind.Numeric, []);
    private static readonly AttributeInfo Colour = new("colour", AttributeKind.Nominal, ["red", "green", "blue"]);

    /// <summary>Columns x (numeric) and colour (nominal), four rows on lines 10..13 of "t.csv".</summary>
    private static RawTable Table(double[] x, double[] colour, IReadOnlyList<string>? sources = null)
    {
        var cells = new double[x.Length * 2];
        for (var r = 0; r < x.Length; r++)
        {
            cells[2 * r] = x[r];
            cells[2 * r + 1] = colour[r];
        }
        return new RawTable("t.csv", "t", [Num, Colour], ["a", "b"], cells, Enumerable.Range(0, x.Length).Select(r => r % 2).ToArray(),
            Enumerable.Range(10, x.Length).ToArray(), sources);
    }

    [Fact]
    public void GivenNumericTrainingRows_WhenFitted_ThenStandardisationUsesTheirMeanAndPopulationStd()
    {
        var table = Table([1, 2, 3, 10], [0, 1, 2, 0]);
        var encoder = TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Error);

        var std = Math.Sqrt(2.0 / 3.0);
        Assert.Equal(2.0, encoder.Means[0], 12);
        Assert.Equal(std, encoder.Scales[0], 12);
        var set = encoder.Transform(table, [0, 3]);
        Assert.Equal(4, set.FeatureCount);
        Assert.Equal((float)(-1 / std), set.Features[0], 6);
        Assert.Equal((float)(8 / std), set.Features[4], 6);
        Assert.Equal([0, 3], set.RowIds);
        Assert.Equal([0, 1], set.Labels);
        Assert.Equal(2, set.ClassCount);
    }

    [Fact]
    public void GivenDifferentTestRows_WhenFitted_ThenTheStatisticsDoNotChange()
    {
        var a = TableEncoder.Fit(Table([1, 2, 3, 10], [0, 1, 2, 0]), [0, 1, 2], MissingPolicy.Error);
        var b = TableEncoder.Fit(Table([1, 2, 3, -500], [0, 1, 2, 2]), [0, 1, 2], MissingPolicy.Error);

        Assert.Equal(a.Means, b.Means);
        Assert.Equal(a.Scales, b.Scales);
    }

    [Fact]
    public void GivenANominalAttribute_WhenTransformed_ThenItIsOneHotOverTheDeclaredLevels()
    {
        var table = Table([1, 2, 3, 4], [0, 0, 1, 2]);
        var encoder = TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Error); // "blue" never occurs in training

        Assert.Equal(["x", "colour=red", "colour=green", "colour=blue"], encoder.FeatureNames);
        var set = encoder.Transform(table, [0, 2, 3]);
        Assert.Equal([1f, 0f, 0f], set.Features[1..4]);
        Assert.Equal([0f, 1f, 0f], set.Features[5..8]);
        Assert.Equal([0f, 0f, 1f], set.Features[9..12]);
    }

    [Fact]
    public void GivenAConstantTrainingColumn_WhenTransformed_ThenItBecomesZeroAndTheScaleIsOne()
    {
        var table = Table([5, 5, 5, 6], [0, 0, 1, 2]);
        var encoder = TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Error);

        Assert.Equal(1.0, encoder.Scales[0]);
        var set = encoder.Transform(table, [0, 3]);
        Assert.Equal(0f, set.Features[0]);
        Assert.Equal(1f, set.Features[4]);
    }

    [Fact]
    public void GivenMissingCellsAndImpute_WhenTransformed_ThenNumericGetsTheMeanAndNominalTheModeWithTiesToTheLowestLevel()
    {
        // Training colours: green, blue, missing -> a tie between green (1) and blue (2) goes to green.
        var table = Table([1, double.NaN, 3, double.NaN], [1, 2, double.NaN, double.NaN]);
        var encoder = TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Impute);

        Assert.Equal(2.0, encoder.Means[0], 12);
        Assert.Equal(1.0, encoder.Scales[0], 12);
        var set = encoder.Transform(table, [1, 2, 3]);
        Assert.Equal([0f, 0f, 0f, 1f], set.Features[0..4]);
        Assert.Equal([1f, 0f, 1f, 0f], set.Features[4..8]);
        Assert.Equal([0f, 0f, 1f, 0f], set.Features[8..12]);
    }

    [Fact]
    public void GivenAMissingTestCellAndPolicyError_WhenFitted_ThenTheErrorNamesItsFileLineColumnAndSuggestsImpute()
    {
        var table = Table([1, 2, 3, double.NaN], [0, 1, 2, double.NaN], ["tra.dat", "tra.dat", "tra.dat", "tst.dat"]);

        var e = Assert.Throws<DataFileException>(() => TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Error));

        Assert.Equal("tst.dat:13:1: missing value for attribute 'x'; use impute to fill missing values with the training mean (numeric) or mode (nominal)", e.Message);
        Assert.Equal("tst.dat:13:1: missing value for attribute 'x'; use --impute to fill missing values with the training mean (numeric) or mode (nominal)", ImbLab.Cli.OptionNames.Render(e));
    }

    [Fact]
    public void GivenATrainingColumnWithNoValues_WhenFittedWithImpute_ThenTheErrorNamesTheAttribute()
    {
        var table = Table([1, 2, 3, 4], [double.NaN, double.NaN, double.NaN, 0]);

        var e = Assert.Throws<DataFileException>(() => TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Impute));

        Assert.Contains("attribute 'colour' is missing in every training row", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenValuesWhoseSumOverflows_WhenFitted_ThenTheyStandardiseToFiniteFeatures()
    {
        // 1e308 + 1e308 is infinite in double: the plain sum made the mean infinite and the column NaN.
        var table = Table([1e308, 1e308, 1, 2], [0, 1, 2, 0]);

        var encoder = TableEncoder.Fit(table, [0, 1, 2, 3], MissingPolicy.Error);
        var set = encoder.Transform(table, [0, 1, 2, 3]);

        AssertRelative(5e307, encoder.Means[0], 1e-12);
        AssertRelative(5e307, encoder.Scales[0], 1e-12);
        Assert.Equal([1f, 1f, -1f, -1f], Enumerable.Range(0, 4).Select(r => set.Features[r * 4]));
    }

    [Fact]
    public void GivenValuesWhoseSquaresOverflow_WhenFitted_ThenTheStdIsFiniteAndTheFeaturesKeepTheirSpread()
    {
        // The sum is 0, but (1e200)^2 overflows: the std became infinite and every feature 0.
        var table = Table([1e200, -1e200, 0, 0], [0, 1, 2, 0]);

        var encoder = TableEncoder.Fit(table, [0, 1, 2, 3], MissingPolicy.Error);
        var set = encoder.Transform(table, [0, 1, 2, 3]);

        Assert.Equal(0.0, encoder.Means[0]);
        AssertRelative(Math.Sqrt(0.5) * 1e200, encoder.Scales[0], 1e-12);
        Assert.Equal((float)Math.Sqrt(2), set.Features[0], 6);
        Assert.Equal(-(float)Math.Sqrt(2), set.Features[4], 6);
    }

    [Fact]
    public void GivenATestValueBeyondFloat32AfterStandardising_WhenTransformed_ThenTheErrorNamesFileLineAndColumn()
    {
        var table = Table([1, 2, 3, 1e300], [0, 1, 2, 0], ["tra.dat", "tra.dat", "tra.dat", "tst.dat"]);
        var encoder = TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Error);

        var e = Assert.Throws<DataFileException>(() => encoder.Transform(table, [0, 3]));

        Assert.StartsWith("tst.dat:13:1: value 1E+300 of attribute 'x' is 1.22E+300 training standard deviations from the training mean 2, beyond what a float32 feature holds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnInfiniteTrainingCell_WhenFitted_ThenTheNonFiniteMeanIsRefusedNamingTheColumn()
    {
        // Readers never produce one; a table built in code can, and must not train on a NaN column.
        var table = Table([1, double.PositiveInfinity, 3, 4], [0, 1, 2, 0]);

        var e = Assert.Throws<DataFileException>(() => TableEncoder.Fit(table, [0, 1, 2], MissingPolicy.Error));

        Assert.Equal(1, e.Column);
        Assert.StartsWith("t.csv:1: attribute 'x' has a non-finite training mean", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnIdentifierLikeNominalColumn_WhenFitted_ThenTooManyFeaturesAreRefusedNamingIt()
    {
        var id = new AttributeInfo("id", AttributeKind.Nominal, Enumerable.Range(0, ReaderText.MaxAttributes + 1).Select(i => "r" + i).ToArray());
        var table = new RawTable("ids.csv", "ids", [Num, id], ["a", "b"], [1, 0, 2, 1], [0, 1], [2, 3]);

        var e = Assert.Throws<DataFileException>(() => TableEncoder.Fit(table, [0, 1], MissingPolicy.Error));

        Assert.StartsWith("ids.csv:2: encoding gives 100002 features, more than the 100000 supported; attribute 'id' alone is one-hot encoded into 100001 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAbalone19_WhenEncoded_ThenItMatchesScikitLearnsStandardScalerAndOneHotEncoder()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(ReaderFixtures.Path("encoder_goldens_abalone19.json")));
        var root = golden.RootElement;
        var table = TableReader.Read(Path.Combine(ReaderFixtures.KeelCorpus(), "abalone19", "abalone19.dat"));
        var train = Enumerable.Range(0, table.Rows).Where(i => i % 3 != 0).ToArray();
        Assert.Equal(root.GetProperty("train_row_count").GetInt32(), train.Length);

        var encoder = TableEncoder.Fit(table, train, MissingPolicy.Error);

        Assert.Equal(root.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()), encoder.FeatureNames);
        var means = root.GetProperty("attribute_means").EnumerateArray().ToArray();
        var scales = root.GetProperty("attribute_scales").EnumerateArray().ToArray();
        for (var j = 0; j < table.Attributes.Count; j++)
        {
            if (means[j].ValueKind == JsonValueKind.Null) continue;
            AssertRelative(means[j].GetDouble(), encoder.Means[j], 1e-12);
            AssertRelative(scales[j].GetDouble(), encoder.Scales[j], 1e-12);
        }
        var rows = root.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var set = encoder.Transform(table, rows);
        var expected = root.GetProperty("encoded").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        Assert.Equal(expected.Length, set.Features.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - set.Features[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])),
                $"feature {i}: expected {expected[i]}, got {set.Features[i]}");
    }

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected), $"expected {expected}, got {actual}");
}
