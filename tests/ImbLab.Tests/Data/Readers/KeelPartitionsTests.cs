using ImbLab.Core;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

public sealed class KeelPartitionsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "imblab-folds-" + Guid.NewGuid().ToString("N"));

    public KeelPartitionsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Keel(string levels, string classes, params string[] rows) =>
        $"@relation d\n@attribute x real [0, 9]\n@attribute s {{{levels}}}\n@attribute Class {{{classes}}}\n@inputs x, s\n@outputs Class\n@data\n{string.Join("\n", rows)}\n";

    [Fact]
    public void GivenNoFoldFiles_WhenFound_ThenTheListIsEmpty()
    {
        var dat = Write("d.dat", Keel("a, b", "positive, negative", "1,a,positive", "2,b,negative"));

        Assert.Empty(KeelPartitions.Find(dat));
    }

    [Fact]
    public void GivenAPartialSet_WhenFound_ThenTheErrorListsTheMissingFiles()
    {
        var dat = Write("d.dat", "");
        for (var k = 1; k <= 5; k++)
        {
            Write($"d-5-{k}tra.dat", "");
            if (k != 3) Write($"d-5-{k}tst.dat", "");
        }

        var e = Assert.Throws<DataFileException>(() => KeelPartitions.Find(dat));

        Assert.Contains("d.dat: incomplete KEEL 5-fold partition: d-5-3tst.dat is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenFoldHeadersThatOrderLevelsDifferently_WhenLoaded_ThenLevelsAreMergedByName()
    {
        var train = Write("d-5-1tra.dat", Keel("a, b", "positive, negative", "1,a,positive", "2,b,negative", "3,a,negative"));
        var test = Write("d-5-1tst.dat", Keel("b, a, c", "negative, positive", "4,c,negative", "5,a,positive"));

        var (table, trainRows, testRows) = KeelPartitions.LoadFold(train, test, new ReadOptions());

        Assert.Equal("d", table.Name);
        Assert.Equal(["a", "b", "c"], table.Attributes[1].Levels);
        Assert.Equal(["positive", "negative"], table.ClassNames);
        Assert.Equal([1, 0, 2, 1, 3, 0, 4, 2, 5, 0], table.Cells);
        Assert.Equal([0, 1, 1, 1, 0], table.Labels);
        Assert.Equal([0, 1, 2], trainRows);
        Assert.Equal([3, 4], testRows);
        Assert.Equal([8, 9, 10, 8, 9], table.LineNumbers);
        Assert.Equal([train, train, train, test, test], table.RowSources);
    }

    [Fact]
    public void GivenASingleClassTestFold_WhenLoaded_ThenItIsAccepted()
    {
        var train = Write("d-5-1tra.dat", Keel("a, b", "positive, negative", "1,a,positive", "2,b,negative"));
        var test = Write("d-5-1tst.dat", Keel("a, b", "positive, negative", "4,b,negative"));

        Assert.Equal(3, KeelPartitions.LoadFold(train, test, new ReadOptions()).Table.Rows);
    }

    [Fact]
    public void GivenFoldsWithDifferentAttributes_WhenLoaded_ThenTheErrorNamesBoth()
    {
        var train = Write("d-5-1tra.dat", Keel("a, b", "positive, negative", "1,a,positive", "2,b,negative"));
        var test = Write("d-5-1tst.dat", Keel("a, b", "positive, negative", "1,a,positive").Replace("attribute x real", "attribute y real"));

        var e = Assert.Throws<DataFileException>(() => KeelPartitions.LoadFold(train, test, new ReadOptions()));

        Assert.Contains("d-5-1tst.dat: attribute 1 is 'y' (numeric) but in the training file", e.Message, StringComparison.Ordinal);
        Assert.Contains("d-5-1tra.dat it is 'x' (numeric)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAMissingValueInTheTestFile_WhenEncodedStrictly_ThenTheErrorNamesTheTestFileAndItsLine()
    {
        var train = Write("d-5-1tra.dat", Keel("a, b", "positive, negative", "1,a,positive", "2,b,negative"));
        var test = Write("d-5-1tst.dat", Keel("a, b", "positive, negative", "4,b,negative", "<null>,a,positive"));
        var (table, trainRows, _) = KeelPartitions.LoadFold(train, test, new ReadOptions());

        var e = Assert.Throws<DataFileException>(() => TableEncoder.Fit(table, trainRows, MissingPolicy.Error));

        Assert.StartsWith(test + ":9:1: missing value for attribute 'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenABadRowInTheTestFile_WhenLoaded_ThenTheErrorNamesTheTestFile()
    {
        var train = Write("d-5-1tra.dat", Keel("a, b", "positive, negative", "1,a,positive", "2,b,negative"));
        var test = Write("d-5-1tst.dat", Keel("a, b", "positive, negative", "4,b,negative", "5,zz,positive"));

        var e = Assert.Throws<DataFileException>(() => KeelPartitions.LoadFold(train, test, new ReadOptions()));

        Assert.StartsWith(test + ":9:2: unknown value 'zz'", e.Message, StringComparison.Ordinal);
    }
}
