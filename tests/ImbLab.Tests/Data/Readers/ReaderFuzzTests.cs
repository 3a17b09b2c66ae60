using System.Globalization;
using System.Text;
using CsCheck;
using ImbLab.Core;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

/// <summary>
/// Whatever the bytes, a reader either returns a consistent table or throws a one-line <see cref="DataFileException"/>,
/// and a table that is read encodes either to finite features or to a one-line <see cref="ImbLabException"/>.
/// </summary>
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
        EncodesOrRejectsCleanly(table);
    }

    /// <summary>No NaN or infinity may reach the engine: imputed, standardised and one-hot features are all finite.</summary>
    private static void EncodesOrRejectsCleanly(RawTable table)
    {
        var rows = Enumerable.Range(0, table.Rows).ToArray();
        EncodedSet set;
        try
        {
            set = TableEncoder.Fit(table, rows, MissingPolicy.Impute).Transform(table, rows);
        }
        catch (ImbLabException e)
        {
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        Assert.All(set.Features, f => Assert.True(float.IsFinite(f), $"feature {f} is not finite"));
    }

    /// <summary>Tokens that broke or bent the readers: infinities, glued markers, huge exponents, delimiters, blank lines.</summary>
    private static readonly string[] Tokens =
    [
        "inf", "-Infinity", "+INF", "\u221e", "<null>", "<null>0.12", "?", "NA", "NaN", "1e307", "-1e308", "1e400", "1e-400",
        "1.517X5118", "nega", "", "\n", "\n\n", "\r\n", ",", ",,", ";", "\t", "|", "'", "\"", "{", "}", "%",
        "@data\n", "@attribute z real\n", new string('9', 400),
    ];

    /// <summary>A valid 30-row table (enough rows for the stray-cell and one-row-class rules to apply) in each format.</summary>
    private static string Generated(string extension)
    {
        var rows = Enumerable.Range(0, 30).Select(r => string.Join(extension == ".csv" ? "," : ", ",
            (r * 1.5).ToString(CultureInfo.InvariantCulture), r % 3 == 0 ? "u" : "v", (r * r / 7.0).ToString("R", CultureInfo.InvariantCulture),
            r % 4 == 0 ? "positive" : "negative"));
        var header = extension == ".csv"
            ? "x,c,y,Class\n"
            : "@relation g\n@attribute x real [0, 100]\n@attribute c {u, v}\n@attribute y real\n@attribute Class {positive, negative}\n" +
              (extension == ".dat" ? "@inputs x, c, y\n@outputs Class\n" : "") + "@data\n";
        return header + string.Join("\n", rows) + "\n";
    }

    /// <summary>Edits of a valid text: insert or substitute a token, delete a run, cut the file short, or flip a byte of its UTF-8.</summary>
    private static Gen<byte[]> TokenMutations(string original)
    {
        var edit = Gen.Select(Gen.Int[0, 4], Gen.Int[0, original.Length], Gen.Int[0, Tokens.Length - 1], Gen.Byte);
        return edit.Array[1, 6].Select(edits =>
        {
            var text = new StringBuilder(original);
            var flips = new List<(int At, byte Mask)>();
            foreach (var (op, at, token, mask) in edits)
            {
                var i = Math.Min(at, text.Length);
                switch (op)
                {
                    case 0: text.Insert(i, Tokens[token]); break;
                    case 1 when i < text.Length: text.Remove(i, 1).Insert(i, Tokens[token]); break;
                    case 2: text.Remove(i, Math.Min(1 + token % 8, text.Length - i)); break;
                    case 3: text.Length = i; break;
                    case 4: flips.Add((at, mask)); break;
                }
            }
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            foreach (var (at, mask) in flips)
                if (bytes.Length > 0) bytes[at % bytes.Length] ^= mask;
            return bytes;
        });
    }

    /// <summary>Edits a valid file: replace, insert or delete a character, or cut the file short.</summary>
    private static Gen<byte[]> Mutations(string fixture)
    {
        var original = File.ReadAllText(ReaderFixtures.Path(fixture));
        var edit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, original.Length], Gen.Char[Alphabet]);
        return edit.Array[1, 6].Select(edits =>
        {
            var text = new StringBuilder(original);
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
            return Encoding.UTF8.GetBytes(text.ToString());
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

    [Theory]
    [InlineData(".dat")]
    [InlineData(".arff")]
    [InlineData(".csv")]
    public void GivenTokenMutationsOfTheSampleFile_WhenReadAndEncoded_ThenOnlyOneLineImbLabExceptionsEscape(string extension) =>
        TokenMutations(File.ReadAllText(ReaderFixtures.Path("sample" + extension))).Sample(bytes => ReadsOrRejectsCleanly(extension, bytes), iter: 400, threads: 1);

    [Theory]
    [InlineData(".dat")]
    [InlineData(".arff")]
    [InlineData(".csv")]
    public void GivenTokenMutationsOfA30RowFile_WhenReadAndEncoded_ThenOnlyOneLineImbLabExceptionsEscape(string extension) =>
        TokenMutations(Generated(extension)).Sample(bytes => ReadsOrRejectsCleanly(extension, bytes), iter: 400, threads: 1);
}
