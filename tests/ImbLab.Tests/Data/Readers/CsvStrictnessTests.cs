using System.Text;
using ImbLab.Core;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

/// <summary>CSV infers its schema, so it must refuse what the declared formats refuse instead of silently changing the schema.</summary>
public sealed class CsvStrictnessTests
{
    private static RawTable ReadText(string text, ReadOptions? options = null, string extension = ".csv")
    {
        using var file = new ReaderFixtures.TempFile(extension, text);
        return TableReader.Read(file.FilePath, options);
    }

    /// <summary>"x,y,label" then <paramref name="rows"/> rows (lines 2..): x = row index + 0.5, y = a/b, labels alternate; <paramref name="edit"/> may rewrite a row.</summary>
    private static string Table(int rows, Func<int, string[], string[]>? edit = null)
    {
        var sb = new StringBuilder("x,y,label\n");
        for (var r = 0; r < rows; r++)
        {
            string[] fields = [(r + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), r % 3 == 0 ? "a" : "b", r % 2 == 0 ? "negative" : "positive"];
            sb.AppendLine(string.Join(',', edit?.Invoke(r, fields) ?? fields));
        }
        return sb.ToString();
    }

    [Fact]
    public void GivenANumericColumnWithAFewStrayCells_WhenRead_ThenTheErrorNamesTheFirstCellsAndTheCount()
    {
        var stray = new Dictionary<int, string> { [10] = "<null>0.12", [40] = "1.517X5118", [41] = "?x", [90] = "abc" };
        var text = Table(100, (r, f) => stray.TryGetValue(r, out var s) ? [s, f[1], f[2]] : f);

        var e = Assert.Throws<DataFileException>(() => ReadText(text));

        Assert.Equal(12, e.Line);
        Assert.Equal(1, e.Column);
        Assert.EndsWith("table.csv:12:1: non-numeric value '<null>0.12' for numeric attribute 'x': 96 of its 100 non-missing cells are finite numbers and 4 are not " +
                        "(line 12 '<null>0.12', line 42 '1.517X5118', line 43 '?x', ...); accepted: finite numbers, or empty, ?, NA, NaN or <null> for a missing value; " +
                        "if the column is categorical, declare it with --nominal 'x'", ImbLab.Cli.OptionNames.Render(e), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    [InlineData("+INF")]
    [InlineData("1e400")]
    public void GivenANonFiniteNumberInANumericColumn_WhenRead_ThenTheCellIsNamed(string token)
    {
        var text = Table(30, (r, f) => r == 7 ? [token, f[1], f[2]] : f);

        var e = Assert.Throws<DataFileException>(() => ReadText(text));

        Assert.Contains($"table.csv:9:1: non-finite value '{token}' for numeric attribute 'x': 29 of its 30 non-missing cells are finite numbers and 1 is not (line 9 '{token}')", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAColumnWithManyWords_WhenRead_ThenItIsNominalAsBefore()
    {
        // 4 words in 10 cells: more than the 2-to-1 majority a stray-cell error needs, so the column is categorical.
        var text = Table(10, (r, f) => r < 4 ? ["w" + r, f[1], f[2]] : f);

        var table = ReadText(text);

        Assert.Equal(AttributeKind.Nominal, table.Attributes[0].Kind);
        Assert.Equal(10, table.Attributes[0].Levels.Count);
    }

    [Fact]
    public void GivenNominalColumnsByNameOrIndex_WhenRead_ThenThoseColumnsAreNominalEvenWithStrayCells()
    {
        var text = Table(30, (r, f) => r == 3 ? ["inf", f[1], f[2]] : f);

        var byName = ReadText(text, new ReadOptions(NominalColumns: ["x"]));
        var byIndex = ReadText(text, new ReadOptions(NominalColumns: ["1"]));

        foreach (var table in new[] { byName, byIndex })
        {
            Assert.Equal(AttributeKind.Nominal, table.Attributes[0].Kind);
            Assert.Equal(["0.5", "1.5", "2.5", "inf"], table.Attributes[0].Levels.Take(4));
            Assert.Equal(3, table.Cell(3, 0));
        }
        var plain = ReadText(Table(30), new ReadOptions(NominalColumns: ["X"]));
        Assert.Equal(AttributeKind.Nominal, plain.Attributes[0].Kind);
    }

    [Fact]
    public void GivenAnUnknownNominalColumn_WhenRead_ThenTheErrorListsTheColumns()
    {
        var e = Assert.Throws<DataFileException>(() => ReadText(Table(30), new ReadOptions(NominalColumns: ["z"])));

        Assert.EndsWith("table.csv:1: nominal column 'z' is neither a column name nor a 1-based index from 1 to 3; columns: 'x', 'y', 'label'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenANumericLastColumnAndNoLabelColumn_WhenRead_ThenTheLabelIsRefusedAsContinuous()
    {
        var sb = new StringBuilder("a,b,x\n");
        for (var r = 0; r < 100; r++) sb.AppendLine($"{r},{(r % 2 == 0 ? "u" : "v")},{r % 32}.25");

        var e = Assert.Throws<DataFileException>(() => ReadText(sb.ToString()));

        Assert.EndsWith("table.csv:1:3: label column 'x' looks continuous: 32 distinct numeric values in 100 rows; give the label column with --label-column (or, if these numbers are class codes, declare it with --nominal)", ImbLab.Cli.OptionNames.Render(e), StringComparison.Ordinal);
        var declared = ReadText(sb.ToString(), new ReadOptions(NominalColumns: ["x"]));
        Assert.Equal(32, declared.ClassNames.Count);
        var chosen = ReadText(sb.ToString(), new ReadOptions(LabelColumn: "b"));
        Assert.Equal(["u", "v"], chosen.ClassNames);
    }

    [Theory]
    [InlineData("0,1,0,1,1,0", true)]
    [InlineData("1,2,3,1,2,3,1,2,3", true)]
    [InlineData("1,2,3,4,1,2", false)]
    [InlineData("7,8,9", false)]
    public void GivenNumericLabels_WhenJudged_ThenRepeatedCodesAreClassesAndMostlyDistinctValuesAreNot(string values, bool categorical)
    {
        var labels = values.Split(',');

        Assert.Equal(!categorical, CsvTableReader.LooksContinuous(labels.Distinct().ToList(), labels.Length));
    }

    [Fact]
    public void GivenATruncatedLabel_WhenRead_ThenTheOneRowClassIsRefusedWithItsLineAndTheOtherCounts()
    {
        var text = Table(40, (r, f) => r == 25 ? [f[0], f[1], "nega"] : f);

        var e = Assert.Throws<DataFileException>(() => ReadText(text));

        Assert.Equal(27, e.Line);
        Assert.EndsWith("table.csv:27: class 'nega' occurs in this row only; the other classes have 'negative' 20, 'positive' 19 rows; " +
                        "every class needs at least 2 rows (one to train on, one to test), so this is most likely a mistyped or truncated label", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".dat")]
    [InlineData(".arff")]
    public void GivenADeclaredClassInASingleRow_WhenReadAsKeelOrArff_ThenItIsRefusedTheSameWay(string extension)
    {
        var sb = new StringBuilder("@relation r\n@attribute x real\n@attribute Class {positive, negative, rare}\n@data\n");
        for (var r = 0; r < 30; r++) sb.AppendLine($"{r},{(r == 12 ? "rare" : r % 2 == 0 ? "negative" : "positive")}");

        var e = Assert.Throws<DataFileException>(() => ReadText(sb.ToString(), extension: extension));

        Assert.EndsWith($"table{extension}:17: class 'rare' occurs in this row only; the other classes have 'positive' 15, 'negative' 14 rows; " +
                        "every class needs at least 2 rows (one to train on, one to test), so this is most likely a mistyped or truncated label", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenASmallHandMadeTable_WhenAClassHasOneRow_ThenItIsAccepted()
    {
        var table = ReadText(Table(19, (r, f) => r == 5 ? [f[0], f[1], "other"] : f));

        Assert.Equal(3, table.ClassNames.Count);
    }

    [Fact]
    public void GivenMoreColumnsThanTheLimit_WhenRead_ThenTheHeaderIsRefused()
    {
        var columns = ReaderText.MaxAttributes + 2;
        var header = string.Join(',', Enumerable.Range(0, columns).Select(i => "c" + i));
        var row = string.Join(',', Enumerable.Repeat("1", columns));

        var e = Assert.Throws<DataFileException>(() => ReadText($"{header}\n{row}\n{row}\n"));

        Assert.EndsWith($"table.csv:1: the header has {columns} columns: at most 100000 input attributes and the class are supported (a weight per attribute and hidden unit would not fit in memory); select the columns to study before reading", e.Message, StringComparison.Ordinal);
    }
}
