using System.Globalization;
using ImbLab.Core;
using ImbLab.Data.Readers;
using Xunit;

namespace ImbLab.Tests.Readers;

/// <summary>Every file of the KEEL corpus (data/keel/) against its MANIFEST.tsv and against its own folds.</summary>
public sealed class KeelCorpusTests
{
    private sealed record ManifestRow(string Name, int Instances, int Attributes, int Numeric, int Nominal, string MinorityLabel, int MinorityCount, int MajorityCount);

    private static List<ManifestRow> Manifest(string corpus)
    {
        var lines = File.ReadAllLines(Path.Combine(corpus, "MANIFEST.tsv"));
        var header = lines[0].Split('\t');
        int Col(string name) => Array.IndexOf(header, name);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(f => new ManifestRow(
            f[Col("name")], Int(f[Col("instances")]), Int(f[Col("attributes")]), Int(f[Col("numeric_attrs")]), Int(f[Col("nominal_attrs")]),
            f[Col("minority_label")], Int(f[Col("minority_count")]), Int(f[Col("majority_count")]))).ToList();
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void GivenTheWholeCorpus_WhenEveryFileIsRead_ThenCountsSchemasAndFoldsMatchTheManifest()
    {
        var corpus = ReaderFixtures.KeelCorpus();
        var manifest = Manifest(corpus);
        var problems = new List<string>();
        var files = 0;
        foreach (var m in manifest)
        {
            var dat = Path.Combine(corpus, m.Name, m.Name + ".dat");
            var whole = TableReader.Read(dat);
            files++;
            var counts = whole.ClassCounts();
            if (whole.Rows != m.Instances) problems.Add($"{m.Name}: {whole.Rows} rows, manifest {m.Instances}");
            if (counts.Length != 2) problems.Add($"{m.Name}: {counts.Length} classes");
            var minority = ((IReadOnlyList<int>)counts).Minority();
            var majority = ((IReadOnlyList<int>)counts).Majority();
            if (counts[minority] != m.MinorityCount || counts[majority] != m.MajorityCount || whole.ClassNames[minority] != m.MinorityLabel)
                problems.Add($"{m.Name}: minority {whole.ClassNames[minority]}={counts[minority]}, majority {counts[majority]}; manifest {m.MinorityLabel}={m.MinorityCount}/{m.MajorityCount}");
            var nominal = whole.Attributes.Count(a => a.Kind == AttributeKind.Nominal);
            if (whole.Attributes.Count != m.Attributes || nominal != m.Nominal || whole.Attributes.Count - nominal != m.Numeric)
                problems.Add($"{m.Name}: {whole.Attributes.Count} attributes ({nominal} nominal), manifest {m.Attributes} ({m.Nominal} nominal)");
            if (whole.Name != m.Name) problems.Add($"{m.Name}: table named {whole.Name}");

            var wholeRows = RowKeys(whole, Enumerable.Range(0, whole.Rows));
            var folds = KeelPartitions.Find(dat);
            if (folds.Count != 5) problems.Add($"{m.Name}: {folds.Count} folds");
            for (var k = 0; k < folds.Count; k++)
            {
                var (table, train, test) = KeelPartitions.LoadFold(folds[k].Train, folds[k].Test, new ReadOptions());
                files += 2;
                if (table.Name != m.Name) problems.Add($"{m.Name} fold {k + 1}: table named {table.Name}");
                if (train.Length + test.Length != table.Rows || test[0] != train.Length)
                    problems.Add($"{m.Name} fold {k + 1}: train/test rows do not partition the fold table");
                if (table.SourceOf(test[0]) != folds[k].Test || table.SourceOf(0) != folds[k].Train)
                    problems.Add($"{m.Name} fold {k + 1}: row sources wrong");
                var defective = m.Name == "abalone9-18" && k == 0; // documented in the corpus README
                var sameRows = RowKeys(table, train.Concat(test)).SequenceEqual(wholeRows);
                if (defective == sameRows)
                    problems.Add($"{m.Name} fold {k + 1}: tra+tst {(sameRows ? "unexpectedly equals" : "differs from")} the whole file ({table.Rows} vs {whole.Rows} rows)");
            }
        }

        Assert.Equal(924, files);
        Assert.Empty(problems);
    }

    /// <summary>Rows as sorted text keys (nominal cells by level name), so a multiset comparison survives level reordering between headers.</summary>
    private static string[] RowKeys(RawTable table, IEnumerable<int> rows)
    {
        var keys = rows.Select(r =>
        {
            var parts = new string[table.Attributes.Count + 1];
            for (var j = 0; j < table.Attributes.Count; j++)
            {
                var v = table.Cell(r, j);
                parts[j] = table.Attributes[j].Kind == AttributeKind.Nominal ? table.Attributes[j].Levels[(int)v] : v.ToString("R", CultureInfo.InvariantCulture);
            }
            parts[^1] = table.ClassNames[table.Labels[r]];
            return string.Join(',', parts);
        }).ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }
}
