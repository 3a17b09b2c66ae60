using ImbLab.Core;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

/// <summary>
/// One contract every reader passes: the fixtures sample.&lt;ext&gt;, missing.&lt;ext&gt; and bad-*.&lt;ext&gt; hold the
/// same content in each format, with data rows on the same source lines (the CSV fixture pads with blank lines
/// for that), so every reader must produce the same table and the same errors.
/// </summary>
public abstract class ReaderContract
{
    private static readonly double[] ExpectedCells =
    [
        1, 0, 0.5,
        2, 1, 150,
        3, 2, -1.0E-3,
        4, 0, 7.25,
        5, 1, 0,
        9, 0, 250,
    ];

    private static readonly int[] ExpectedLines = [9, 10, 11, 12, 13, 14];

    protected abstract string Extension { get; }

    /// <summary>Formats with a declared schema report unknown nominal values; CSV infers the levels instead.</summary>
    protected virtual bool DeclaresTypes => true;

    /// <summary>private protected: the reader types are internal, and xunit needs the test classes public.</summary>
    private protected abstract ITableReader Reader { get; }

    private RawTable Read(string stem, ReadOptions? options = null) => Reader.Read(ReaderFixtures.Path(stem + Extension), options ?? new ReadOptions());

    private DataFileException ReadBad(string stem)
    {
        var e = Assert.Throws<DataFileException>(() => Read(stem));
        Assert.Contains("bad-" + stem.Split('-', 2)[1] + Extension, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void GivenTheSampleFile_WhenRead_ThenTheTableMatchesTheSharedExpectation()
    {
        var table = Read("sample");

        Assert.Equal("sample", table.Name);
        Assert.Equal(["size", "colour", "weight"], table.Attributes.Select(a => a.Name));
        Assert.Equal([AttributeKind.Numeric, AttributeKind.Nominal, AttributeKind.Numeric], table.Attributes.Select(a => a.Kind));
        Assert.Equal(["red", "green", "blue"], table.Attributes[1].Levels);
        Assert.Empty(table.Attributes[0].Levels);
        Assert.Equal(["positive", "negative"], table.ClassNames);
        Assert.Equal(ExpectedCells, table.Cells);
        Assert.Equal([0, 1, 1, 1, 0, 1], table.Labels);
        Assert.Equal(ExpectedLines, table.LineNumbers);
        Assert.Null(table.RowSources);
        Assert.Equal(ReaderFixtures.Path("sample" + Extension), table.Source);
    }

    [Fact]
    public void GivenTheSampleFile_WhenTheLabelIsTheFirstColumn_ThenTheOtherColumnsAreInputs()
    {
        var byIndex = Read("sample", new ReadOptions(LabelColumn: "2"));
        var byName = Read("sample", new ReadOptions(LabelColumn: "colour"));

        foreach (var table in new[] { byIndex, byName })
        {
            Assert.Equal(["size", "weight", "Class"], table.Attributes.Select(a => a.Name));
            Assert.Equal(["red", "green", "blue"], table.ClassNames);
            Assert.Equal([0, 1, 2, 0, 1, 0], table.Labels);
        }
    }

    [Fact]
    public void GivenMissingValues_WhenRead_ThenTheyAreNaNAndTheRestIsIntact()
    {
        var table = Read("missing");

        Assert.True(double.IsNaN(table.Cell(1, 2)));
        Assert.True(double.IsNaN(table.Cell(2, 1)));
        Assert.True(double.IsNaN(table.Cell(4, 0)));
        var missing = table.Cells.Count(double.IsNaN);
        Assert.Equal(Extension == ".csv" ? 4 : 3, missing); // the CSV fixture also spells one as NaN
        Assert.Equal(1, table.Cell(0, 0));
        Assert.Equal(AttributeKind.Numeric, table.Attributes[0].Kind);
        Assert.Equal(AttributeKind.Nominal, table.Attributes[1].Kind);
    }

    [Fact]
    public void GivenATruncatedLastRow_WhenRead_ThenTheErrorNamesTheLineAndTheFieldCounts()
    {
        var e = ReadBad("bad-truncated");
        Assert.Equal(14, e.Line);
        Assert.Contains(":14: found 2 fields, expected 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenARowWithTooManyFields_WhenRead_ThenTheErrorNamesTheLineAndTheFieldCounts()
    {
        var e = ReadBad("bad-fieldcount");
        Assert.Contains(":10: found 5 fields, expected 4", e.Message, StringComparison.Ordinal);
    }

    /// <summary>CSV infers types, but a column numeric in all cells but one is a stray value there too, not a nominal column.</summary>
    [Fact]
    public void GivenANonNumericValue_WhenRead_ThenEveryReaderRejectsItWithLineColumnAndValue()
    {
        var e = ReadBad("bad-nonnumeric");
        Assert.Contains(":11:1: non-numeric value 'x3' for numeric attribute 'size'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnUnknownNominalValue_WhenRead_ThenADeclaredSchemaListsTheAcceptedLevels()
    {
        if (!DeclaresTypes)
        {
            var table = Read("bad-unknownnominal");
            Assert.Equal(["red", "green", "blue", "purple"], table.Attributes[1].Levels);
            return;
        }
        var e = ReadBad("bad-unknownnominal");
        Assert.Contains(":12:2: unknown value 'purple' for nominal attribute 'colour'; accepted: 'red', 'green', 'blue'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnEmptyFile_WhenRead_ThenTheErrorSaysSo()
    {
        var e = ReadBad("bad-empty");
        Assert.EndsWith("bad-empty" + Extension + ": the file is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenASingleClass_WhenRead_ThenTheErrorNamesIt()
    {
        var e = ReadBad("bad-singleclass");
        Assert.Contains("a single class ('negative') occurs in the 6 data rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAMissingClassLabel_WhenRead_ThenTheErrorNamesLineAndColumn()
    {
        var e = ReadBad("bad-missinglabel");
        Assert.Contains(":13:4: missing class label", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenBinaryGarbage_WhenRead_ThenItIsNotATextFile()
    {
        var e = ReadBad("bad-binary");
        Assert.Contains("not a text file (NUL byte at offset 5)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenInvalidUtf8_WhenRead_ThenItIsNotATextFileAndTheLineIsNamed()
    {
        var e = ReadBad("bad-invalidutf8");
        Assert.Contains("not a text file (invalid UTF-8 at offset", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void GivenTheReader_WhenAskedForItsExtensions_ThenTheFixtureExtensionIsOne()
    {
        Assert.Contains(Extension, Reader.Extensions);
        Assert.Same(Reader.GetType(), TableReader.For(ReaderFixtures.Path("sample" + Extension)).GetType());
    }
}

public sealed class KeelReaderContractTests : ReaderContract
{
    private protected override ITableReader Reader { get; } = new KeelReader();

    protected override string Extension => ".dat";
}

public sealed class ArffReaderContractTests : ReaderContract
{
    private protected override ITableReader Reader { get; } = new ArffReader();

    protected override string Extension => ".arff";
}

public sealed class CsvReaderContractTests : ReaderContract
{
    private protected override ITableReader Reader { get; } = new CsvTableReader();

    protected override string Extension => ".csv";

    protected override bool DeclaresTypes => false;
}
