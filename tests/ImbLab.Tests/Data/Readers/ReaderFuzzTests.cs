using CsCheck;
using ImbLab.Core;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

/// <summary>Whatever the bytes, a reader either returns a consistent table or throws a <see cref="DataFileException"/>.</summary>
public sealed class ReaderFuzzTests
{
    private const string Alphabet = ",;|\t\n\r {}[]@?<>'\"%\\-+.eE0123456789aAbnull";

    private static void ReadsOrRejectsCleanly(string extension, byte[] content)
    {
        using var file = new ReaderFixtures.TempFile(extension, content);
        RawTable table;
        try
        {
            table = TableReader.Read(file.FilePath);
        }
        catch (DataFileException e)
        {
            Assert.StartsWith(file.FilePath, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        Assert.True(table.Rows > 0);
        Assert.True(table.ClassCounts().Count(c => c > 0) >= 2);
        Assert.All(table.Labels, y => Assert.InRange(y, 0, table.ClassNames.Count - 1));
        for (var j = 0; j < table.Attributes.Count; j++)
        {
            var a = table.Attributes[j];
            for (var r = 0; r < table.Rows; r++)
            {
                var v = table.Cell(r, j);
                if (a.Kind == AttributeKind.Nominal && !double.IsNaN(v)) Assert.InRange((int)v, 0, a.Levels.Count - 1);
                if (a.Kind == AttributeKind.Numeric) Assert.False(double.IsInfinity(v));
            }
        }
        Assert.True(table.LineNumbers.Zip(table.LineNumbers.Skip(1)).All(p => p.First < p.Second), "line numbers increase");
    }

    /// <summary>Edits a valid file: replace, insert or delete a character, or cut the file short.</summary>
    private static Gen<byte[]> Mutations(string fixture)
    {
        var original = File.ReadAllText(ReaderFixtures.Path(fixture));
        var edit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, original.Length], Gen.Char[Alphabet]);
        return edit.Array[1, 6].Select(edits =>
        {
            var text = new System.Text.StringBuilder(original);
            foreach (var (op, at, c) in edits)
            {
                var i = Math.Min(at, text.Length);
                switch (op)
                {
                    case 0 when i < text.Length: text[i] = c; break;
                    case 1: text.Insert(i, c); break;
                    case 2 when i < text.Length: text.Remove(i, 1); break;
                    case 3: text.Length = i; break;
                }
            }
            return System.Text.Encoding.UTF8.GetBytes(text.ToString());
        });
    }

    [Theory]
    [InlineData(".dat")]
    [InlineData(".arff")]
    [InlineData(".csv")]
    public void GivenRandomBytes_WhenRead_ThenOnlyDataFileExceptionsEscape(string extension) =>
        Gen.Byte.Array[0, 200].Sample(bytes => ReadsOrRejectsCleanly(extension, bytes), iter: 300, threads: 1);

    [Theory]
    [InlineData(".dat")]
    [InlineData(".arff")]
    [InlineData(".csv")]
    public void GivenMutationsOfAValidFile_WhenRead_ThenOnlyDataFileExceptionsEscape(string extension) =>
        Mutations("sample" + extension).Sample(bytes => ReadsOrRejectsCleanly(extension, bytes), iter: 600, threads: 1);
}
