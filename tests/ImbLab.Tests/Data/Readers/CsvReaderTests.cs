using ImbLab.Core;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

public sealed class CsvReaderTests
{
    private static RawTable ReadText(string text, ReadOptions? options = null, string extension = ".csv")
    {
        using var file = new ReaderFixtures.TempFile(extension, text);
        return TableReader.Read(file.FilePath, options);
    }

    [Theory]
    [InlineData(',')]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public void GivenADelimiter_WhenNotSpecified_ThenItIsDetectedFromTheHeader(char delimiter)
    {
        var text = string.Join('\n', new[] { "a,b,label", "1.5,x,yes", "2,y,no" }.Select(l => l.Replace(',', delimiter)));

        var table = ReadText(text);

        Assert.Equal(["a", "b"], table.Attributes.Select(a => a.Name));
        Assert.Equal([1.5, 0, 2, 1], table.Cells);
        Assert.Equal(["yes", "no"], table.ClassNames);
    }

    [Fact]
    public void GivenAGivenDelimiter_WhenRead_ThenDetectionIsOverridden()
    {
        var table = ReadText("a;b,c;label\n1;x,y;p\n2;z;q\n", new ReadOptions(Delimiter: ';'));

        Assert.Equal(["a", "b,c"], table.Attributes.Select(a => a.Name));
        Assert.Equal(["x,y", "z"], table.Attributes[1].Levels);
    }

    [Fact]
    public void GivenALabelColumnByNameOrIndex_WhenRead_ThenThatColumnIsTheClass()
    {
        const string text = "id,target,v\n1,b,0.5\n2,a,0.25\n3,b,1\n";

        var byName = ReadText(text, new ReadOptions(LabelColumn: "target"));
        var byIndex = ReadText(text, new ReadOptions(LabelColumn: "2"));
        var caseless = ReadText(text, new ReadOptions(LabelColumn: "TARGET"));

        foreach (var table in new[] { byName, byIndex, caseless })
        {
            Assert.Equal(["id", "v"], table.Attributes.Select(a => a.Name));
            Assert.Equal(["b", "a"], table.ClassNames);
            Assert.Equal([0, 1, 0], table.Labels);
        }
    }

    [Fact]
    public void GivenAnUnknownLabelColumn_WhenRead_ThenTheErrorListsTheColumns()
    {
        var e = Assert.Throws<DataFileException>(() => ReadText("a,b\n1,x\n2,y\n", new ReadOptions(LabelColumn: "9")));

        Assert.Contains("table.csv:1: label column '9' is neither a column name nor a 1-based index from 1 to 2; columns: 'a', 'b'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenMixedColumns_WhenRead_ThenKindsAreInferredAndLevelsFollowFirstAppearance()
    {
        var table = ReadText("n,s,label\n1e3,  z ,c1\nNA,a,c2\n-2,z,c1\n3,\"q, r\",c2\n");

        Assert.Equal(AttributeKind.Numeric, table.Attributes[0].Kind);
        Assert.Equal(AttributeKind.Nominal, table.Attributes[1].Kind);
        Assert.Equal(["z", "a", "q, r"], table.Attributes[1].Levels);
        Assert.Equal(1000, table.Cell(0, 0));
        Assert.True(double.IsNaN(table.Cell(1, 0)));
        Assert.Equal([2, 3, 4, 5], table.LineNumbers);
    }

    [Fact]
    public void GivenAQuotedFieldSpanningLines_WhenRead_ThenEachRowKeepsItsStartingLine()
    {
        var table = ReadText("a,b,label\n1,\"two\nlines\",x\n\n2,one,y\n", extension: ".txt");

        Assert.Equal([2, 5], table.LineNumbers);
        Assert.Equal("two\nlines", table.Attributes[1].Levels[0]);
    }

    [Fact]
    public void GivenATsvFile_WhenItAlsoHasCommas_ThenTabIsPreferredOnATie()
    {
        var table = ReadText("a,1\tb\tlabel\nx,2\t1\tp\ny\t2\tq\n", extension: ".tsv");

        Assert.Equal(["a,1", "b"], table.Attributes.Select(a => a.Name));
    }

    [Fact]
    public void GivenAHeaderOnly_WhenRead_ThenTheErrorSaysThereAreNoRows()
    {
        var e = Assert.Throws<DataFileException>(() => ReadText("a,b,label\n"));

        Assert.EndsWith("table.csv:1: no data rows after the header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnUnterminatedQuote_WhenRead_ThenItIsADataFileErrorWithALine()
    {
        var e = Assert.Throws<DataFileException>(() => ReadText("a,b,label\n1,\"open,x\n2,y,z\n"));

        Assert.Contains("malformed CSV", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Line);
    }
}
