using System.Security.Cryptography;
using ImbLab.Core;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

public sealed class TableReaderTests
{
    [Fact]
    public void GivenAnUnknownExtension_WhenRead_ThenTheErrorListsTheAcceptedOnes()
    {
        using var file = new ReaderFixtures.TempFile(".xlsx", "a,b\n1,2\n");

        var e = Assert.Throws<DataFileException>(() => TableReader.Read(file.FilePath));

        Assert.Contains("table.xlsx: unknown file extension '.xlsx'; accepted: .dat (KEEL); .arff (ARFF); .csv, .tsv, .txt (CSV)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAMissingFile_WhenRead_ThenTheErrorSaysNotFound()
    {
        var e = Assert.Throws<DataFileException>(() => TableReader.Read("/nonexistent/dir/data.csv"));

        Assert.Equal("/nonexistent/dir/data.csv: file not found", e.Message);
    }

    [Fact]
    public void GivenUpperCaseExtensions_WhenRead_ThenTheyDispatchLikeLowerCase()
    {
        using var file = new ReaderFixtures.TempFile(".ARFF", File.ReadAllText(ReaderFixtures.Path("sample.arff")));

        Assert.Equal(6, TableReader.Read(file.FilePath).Rows);
    }

    [Fact]
    public void GivenFiles_WhenFingerprinted_ThenItIsTheSha256OfTheirConcatenatedBytes()
    {
        var a = ReaderFixtures.Path("sample.dat");
        var b = ReaderFixtures.Path("sample.csv");
        var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(a).Concat(File.ReadAllBytes(b)).ToArray()));

        Assert.Equal(expected, DatasetFingerprint.Of(a, b));
        Assert.NotEqual(DatasetFingerprint.Of(a, b), DatasetFingerprint.Of(b, a));
        Assert.Matches("^[0-9a-f]{64}$", DatasetFingerprint.Of(a));
    }

    [Fact]
    public void GivenArffStringAndDateAttributes_WhenRead_ThenTheyAreRefusedByName()
    {
        using var s = new ReaderFixtures.TempFile(".arff", "@relation r\n@attribute note string\n@attribute c {a,b}\n@data\n'x',a\n");
        using var d = new ReaderFixtures.TempFile(".arff", "@relation r\n@attribute when date \"yyyy-MM-dd\"\n@attribute c {a,b}\n@data\n");

        var es = Assert.Throws<DataFileException>(() => TableReader.Read(s.FilePath));
        var ed = Assert.Throws<DataFileException>(() => TableReader.Read(d.FilePath));

        Assert.Contains("table.arff:2: attribute 'note' has type string, which is not supported; accepted: real, numeric, integer or {level, ...}", es.Message, StringComparison.Ordinal);
        Assert.Contains(":2: attribute 'when' has type date", ed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAHeaderWithoutData_WhenRead_ThenTheErrorSaysThereIsNoDataLine()
    {
        using var file = new ReaderFixtures.TempFile(".dat", "@relation r\n@attribute a real\n@attribute c {x,y}\n");

        var e = Assert.Throws<DataFileException>(() => TableReader.Read(file.FilePath));

        Assert.EndsWith("table.dat: no @data line: the header never ends, so there are no data rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenKeelHeaderVariants_WhenRead_ThenRangesInputsAndOutputsAreTolerated()
    {
        const string text = "@relation not_the_file_name\r\n@attribute a real[0.0,1.0]\n@attribute b integer [1, 3]\r\n" +
                            "@attribute c {p, q}\n@attribute Class{positive,negative}\n@input a1,,c\n@outputs Class\n@data\r\n" +
                            "5.0E-4, 7,p,positive  \r\n-1.5894573e-8,2, q, negative";
        using var file = new ReaderFixtures.TempFile(".dat", text);

        var table = TableReader.Read(file.FilePath);

        Assert.Equal("table", table.Name);
        Assert.Equal(["a", "b", "c"], table.Attributes.Select(a => a.Name));
        Assert.Equal([5.0E-4, 7, 0, -1.5894573e-8, 2, 1], table.Cells); // 7 is outside [1, 3]: ranges are informative
        Assert.Equal([9, 10], table.LineNumbers);
        Assert.Equal([0, 1], table.Labels);
    }

    [Fact]
    public void GivenALongNominalDeclaration_WhenAValueIsUnknown_ThenTheAcceptedListIsTruncated()
    {
        var levels = string.Join(",", Enumerable.Range(0, 30).Select(i => "v" + i));
        using var file = new ReaderFixtures.TempFile(".arff", $"@relation r\n@attribute a {{{levels}}}\n@attribute c {{x,y}}\n@data\nv1,x\nzz,y\n");

        var e = Assert.Throws<DataFileException>(() => TableReader.Read(file.FilePath));

        Assert.Contains(":6:1: unknown value 'zz' for nominal attribute 'a'; accepted: 'v0', 'v1',", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("'v11', ... (18 more)", e.Message, StringComparison.Ordinal);
    }
}
