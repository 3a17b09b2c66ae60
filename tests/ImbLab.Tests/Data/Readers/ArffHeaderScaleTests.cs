using System.Text;
using ImbLab.Core;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

/// <summary>
/// Complexity guards, not benchmarks: a header parsed in quadratic time took 14 s for 50,000 attributes and never
/// finished 100,000, while linear parsing takes well under a second. The 10 s bound is deliberately loose so a
/// busy machine cannot make it flaky; it fails only when parsing goes quadratic again.
/// </summary>
public sealed class ArffHeaderScaleTests
{
    private static string WideArff(int attributes)
    {
        var sb = new StringBuilder("@relation wide\n");
        for (var i = 1; i < attributes; i++) sb.Append("@attribute a").Append(i).Append(" real\n");
        sb.Append("@attribute class {p, n}\n@data\n");
        for (var r = 0; r < 2; r++)
        {
            for (var i = 1; i < attributes; i++) sb.Append(r).Append(',');
            sb.Append(r == 0 ? "p\n" : "n\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void GivenA100000AttributeHeader_WhenRead_ThenEveryAttributeIsRead()
    {
        // No time limit here (a loaded CI machine fails timed tests for reasons that are not the reader's); a quadratic
        // header parse would still show as this test taking minutes.
        using var file = new ReaderFixtures.TempFile(".arff", WideArff(ReaderText.MaxAttributes));

        var table = TableReader.Read(file.FilePath);

        Assert.Equal(ReaderText.MaxAttributes - 1, table.Attributes.Count);
    }

    [Fact]
    public void GivenMoreAttributesThanTheLimit_WhenRead_ThenTheFirstOneOverIsRefused()
    {
        using var file = new ReaderFixtures.TempFile(".dat", WideArff(ReaderText.MaxAttributes + 2));

        var e = Assert.Throws<DataFileException>(() => TableReader.Read(file.FilePath));

        Assert.EndsWith($"table.dat:{ReaderText.MaxAttributes + 3}: attribute {ReaderText.MaxAttributes + 2} is declared: at most 100000 input attributes and the class are supported (a weight per attribute and hidden unit would not fit in memory); select the columns to study before reading", e.Message, StringComparison.Ordinal);
    }
}
