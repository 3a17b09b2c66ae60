using System.Text.RegularExpressions;
using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>KEEL's own 5-fold partitions, stored beside the whole file as &lt;name&gt;-5-&lt;k&gt;tra.dat / tst.dat.</summary>
public static partial class KeelPartitions
{
    private const int Folds = 5;

    /// <summary>The five (train, test) pairs beside <paramref name="datPath"/>, or none; a partial set is an error.</summary>
    public static IReadOnlyList<(string Train, string Test)> Find(string datPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(datPath)) ?? ".";
        var name = Path.GetFileNameWithoutExtension(datPath);
        var pairs = new List<(string Train, string Test)>(Folds);
        var missing = new List<string>();
        for (var k = 1; k <= Folds; k++)
        {
            var train = Path.Combine(directory, $"{name}-{Folds}-{k}tra.dat");
            var test = Path.Combine(directory, $"{name}-{Folds}-{k}tst.dat");
            if (!File.Exists(train)) missing.Add(Path.GetFileName(train));
            if (!File.Exists(test)) missing.Add(Path.GetFileName(test));
            pairs.Add((train, test));
        }
        if (missing.Count == 0) return pairs;
        if (missing.Count == 2 * Folds) return [];
        throw new DataFileException(datPath, null, null,
            $"incomplete KEEL 5-fold partition: {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} missing; all ten {name}-5-<k>tra.dat/tst.dat files (k = 1..5) or none are expected");
    }

    /// <summary>
    /// Reads a fold's two files into one table: training rows first, then test rows. Nominal levels (and
    /// class names) are merged by name because fold headers may list them differently; each row keeps its
    /// own file in <see cref="RawTable.RowSources"/> for error messages.
    /// </summary>
    public static (RawTable Table, int[] TrainRows, int[] TestRows) LoadFold(string trainPath, string testPath, ReadOptions options)
    {
        var train = ReadUnchecked(trainPath, options);
        var test = ReadUnchecked(testPath, options);
        ReaderText.RequireTwoClasses(train);
        if (train.Attributes.Count != test.Attributes.Count)
            throw new DataFileException(testPath, null, null,
                $"has {test.Attributes.Count} input attributes but the training file {trainPath} has {train.Attributes.Count}; a fold's files must share one schema");

        var width = train.Attributes.Count;
        var attributes = new AttributeInfo[width];
        var remaps = new int[width][];
        for (var j = 0; j < width; j++)
        {
            var a = train.Attributes[j];
            var b = test.Attributes[j];
            if (a.Name != b.Name || a.Kind != b.Kind)
                throw new DataFileException(testPath, null, null,
                    $"attribute {j + 1} is {ReaderText.Quote(b.Name)} ({b.Kind.ToString().ToLowerInvariant()}) but in the training file {trainPath} it is {ReaderText.Quote(a.Name)} ({a.Kind.ToString().ToLowerInvariant()})");
            var (levels, remap) = Merge(a.Levels, b.Levels);
            attributes[j] = a.Kind == AttributeKind.Nominal ? new AttributeInfo(a.Name, a.Kind, levels) : a;
            remaps[j] = remap;
        }
        var (classNames, classRemap) = Merge(train.ClassNames, test.ClassNames);

        var rows = train.Rows + test.Rows;
        var cells = new double[rows * width];
        train.Cells.CopyTo(cells, 0);
        for (var r = 0; r < test.Rows; r++)
            for (var j = 0; j < width; j++)
            {
                var v = test.Cell(r, j);
                cells[(train.Rows + r) * width + j] = attributes[j].Kind == AttributeKind.Nominal && !double.IsNaN(v) ? remaps[j][(int)v] : v;
            }
        var labels = new int[rows];
        train.Labels.CopyTo(labels, 0);
        for (var r = 0; r < test.Rows; r++) labels[train.Rows + r] = classRemap[test.Labels[r]];
        var lines = new int[rows];
        train.LineNumbers.CopyTo(lines, 0);
        test.LineNumbers.CopyTo(lines, train.Rows);
        var sources = new string[rows];
        Array.Fill(sources, trainPath, 0, train.Rows);
        Array.Fill(sources, testPath, train.Rows, test.Rows);

        var table = new RawTable(trainPath, DatasetName(trainPath), attributes, classNames, cells, labels, lines, sources);
        return (table, Enumerable.Range(0, train.Rows).ToArray(), Enumerable.Range(train.Rows, test.Rows).ToArray());
    }

    private static RawTable ReadUnchecked(string path, ReadOptions options)
    {
        // A test fold may legitimately hold a single class, which the format readers reject on their own.
        return TableReader.For(path) is CsvTableReader ? CsvTableReader.Parse(path, options) : ArffLikeParser.Parse(path, options);
    }

    /// <summary>Levels of <paramref name="first"/> in their order, then those only in <paramref name="second"/>; and where each of second's went.</summary>
    private static (string[] Levels, int[] SecondToMerged) Merge(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var merged = first.ToList();
        var remap = new int[second.Count];
        for (var i = 0; i < second.Count; i++)
        {
            var at = merged.IndexOf(second[i]);
            if (at < 0)
            {
                at = merged.Count;
                merged.Add(second[i]);
            }
            remap[i] = at;
        }
        return (merged.ToArray(), remap);
    }

    /// <summary>"abalone19-5-1tra" names the dataset "abalone19".</summary>
    private static string DatasetName(string trainPath)
    {
        var stem = Path.GetFileNameWithoutExtension(trainPath);
        var m = FoldSuffix().Match(stem);
        return m.Success ? stem[..m.Index] : stem;
    }

    [GeneratedRegex(@"-\d+-\d+(tra|tst)$", RegexOptions.CultureInvariant)]
    private static partial Regex FoldSuffix();
}
