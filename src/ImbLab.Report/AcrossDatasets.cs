using ImbLab.Analysis.Statistics;

namespace ImbLab.Report;

/// <summary>
/// Comparisons across datasets on a per-dataset summary (final minority test recall, mean over runs): two
/// conditions by Wilcoxon signed-rank, three or more by Friedman with Holm-adjusted pairwise Wilcoxon post-hoc.
/// Families: each protocol across its IR levels, and each IR level across protocols; with per-dataset IR grids, each
/// protocol's lowest against its highest level of every dataset. The tests are the shared ones
/// of ImbLab.Analysis.Statistics (scipy 1.10's conventions).
/// </summary>
internal static class AcrossDatasets
{
    public static AcrossSection Of(ReportInputs inputs, IReadOnlyDictionary<RunGroup, GroupSweep> measures)
    {
        var datasets = inputs.Data.Datasets.Select(d => d.DatasetId).ToList();
        if (datasets.Count < AcrossSection.MinDatasets) return new AcrossSection(datasets.Count, []);
        var recall = inputs.Groups.ToDictionary(g => (g.Protocol, g.Level, g.Dataset.DatasetId), g => measures[g].Measures["test_recall"].Mean);

        var families = new List<(string Title, List<(string Label, string Protocol, string Level)> Conditions)>();
        var levels = inputs.Groups.GroupBy(g => (g.Protocol, g.Level)).Select(g => (g.Key.Protocol, g.Key.Level, g.First().LevelLabel, Ir: g.Average(x => x.Ir))).ToList();
        foreach (var p in levels.GroupBy(l => l.Protocol))
            families.Add(($"{p.Key}: IR levels", p.OrderBy(l => l.Ir).Select(l => (l.LevelLabel, l.Protocol, l.Level)).ToList()));
        foreach (var l in levels.GroupBy(l => l.Level).Where(l => l.Count() > 1))
            families.Add(($"{l.First().LevelLabel}: protocols", l.Select(x => (x.Protocol, x.Protocol, x.Level)).ToList()));

        var result = new List<TestFamily>();
        foreach (var (title, conditions) in families.Where(f => f.Conditions.Count >= 2))
        {
            // Only datasets with every condition of the family count.
            var rows = datasets.Select(d => conditions.Select(c => recall.TryGetValue((c.Protocol, c.Level, d), out var x) ? x : double.NaN).ToArray())
                .Where(r => r.All(x => !double.IsNaN(x))).ToList();
            if (Test(title, conditions.Select(c => c.Label).ToList(), rows) is { } family) result.Add(family);
        }

        // Datasets with their own IR grids (a study file's per-dataset irs) share few levels, so the families above find
        // few datasets with every level. Relative to each dataset's own grid they still compare: its least against its
        // most imbalanced level.
        foreach (var p in inputs.Groups.GroupBy(g => g.Protocol))
        {
            var grids = p.GroupBy(g => g.Dataset.DatasetId).Select(d => d.OrderBy(g => g.Ir).ToList()).ToList();
            if (grids.Select(g => string.Join('\n', g.Select(x => x.Level))).Distinct().Count() < 2) continue;
            var rows = grids.Where(g => g.Count >= 2).Select(g => new[] { recall[(p.Key, g[0].Level, g[0].Dataset.DatasetId)], recall[(p.Key, g[^1].Level, g[^1].Dataset.DatasetId)] })
                .Where(r => r.All(x => !double.IsNaN(x))).ToList();
            if (Test($"{p.Key}: each dataset's own lowest vs highest IR", ["lowest IR", "highest IR"], rows) is { } family) result.Add(family);
        }
        return new AcrossSection(datasets.Count, result);
    }

    /// <summary>Conditions compared on rows of one dataset each: pairwise Wilcoxon, and Friedman with Holm from three conditions.</summary>
    private static TestFamily? Test(string title, IReadOnlyList<string> labels, List<double[]> rows)
    {
        if (rows.Count < AcrossSection.MinDatasets) return null;
        var pairs = new List<(int A, int B, double Median, TestResult Test)>();
        for (var a = 0; a < labels.Count; a++)
            for (var b = a + 1; b < labels.Count; b++)
            {
                var differences = rows.Select(r => r[a] - r[b]).ToArray();
                pairs.Add((a, b, Descriptive.Median(differences), RankTests.Wilcoxon(differences)));
            }
        var many = labels.Count >= 3;
        var holm = MultipleTesting.Holm(pairs.Select(p => p.Test.PValue).ToArray());
        var friedman = many ? new FriedmanTest(RankTests.Friedman(rows), labels.Count - 1, MeanRanks(rows)) : null;
        return new TestFamily(title, labels, rows.Count, friedman,
            pairs.Select((p, i) => new PairTest(labels[p.A], labels[p.B], p.Median, p.Test, many ? holm[i] : null)).ToList());
    }

    /// <summary>Each condition's rank within a dataset (1 = lowest, ties averaged), averaged over the datasets.</summary>
    public static double[] MeanRanks(IReadOnlyList<double[]> rows)
    {
        var sums = new double[rows.Count == 0 ? 0 : rows[0].Length];
        foreach (var row in rows)
        {
            var r = RankTests.Ranks(row);
            for (var j = 0; j < sums.Length; j++) sums[j] += r[j];
        }
        return sums.Select(s => s / rows.Count).ToArray();
    }
}
