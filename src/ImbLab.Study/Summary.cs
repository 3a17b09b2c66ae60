using ImbLab.Study.Store;

namespace ImbLab.Study;

/// <summary>Mean, sample standard deviation (n - 1) and count over seeds, NaN values left out (NaN when none remain).</summary>
internal readonly record struct SeedStat(double Mean, double Sd, int N)
{
    public static SeedStat Of(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0) return new SeedStat(double.NaN, double.NaN, 0);
        var mean = v.Average();
        var sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : double.NaN;
        return new SeedStat(mean, sd, v.Length);
    }
}

/// <summary>One line of the end-of-study table: a dataset, protocol and imbalance level, over its seeds, at the last epoch.</summary>
internal sealed record SummaryRow(
    string Dataset,
    string Protocol,
    string Level,
    int Runs,
    double TrainMinority,
    double TrainMajority,
    SeedStat TrainMinorityRecall,
    SeedStat TestMinorityRecall,
    SeedStat TestMajorityRecall,
    SeedStat TestBalancedAccuracy,
    SeedStat TestRocAuc);

internal static class StudySummary
{
    public static IReadOnlyList<SummaryRow> Build(StudyStore store, string studyId)
    {
        var runs = store.Runs(studyId);
        var datasets = store.Datasets().ToDictionary(d => d.DatasetId, d => d.Name);
        var final = store.FinalMetrics(studyId).ToLookup(m => m.RunId);
        var rows = new List<SummaryRow>();
        foreach (var group in runs.GroupBy(r => (r.DatasetId, r.Protocol, r.Level)))
        {
            double Value(RunRow run, string split, int? cls, string metric) =>
                final[run.RunId].Where(m => m.Split == split && m.Class == cls && m.Metric == metric).Select(m => m.Value).DefaultIfEmpty(double.NaN).First();
            int Majority(RunRow run) => MajorityOf(run);
            var list = group.ToList();
            rows.Add(new SummaryRow(
                datasets.GetValueOrDefault(group.Key.DatasetId, group.Key.DatasetId),
                group.Key.Protocol,
                group.Key.Level,
                list.Count,
                list.Average(r => (double)r.TrainCounts[r.MinorityClass]),
                list.Average(r => (double)r.TrainCounts.Where((_, c) => c != r.MinorityClass).Sum()),
                SeedStat.Of(list.Select(r => Value(r, "train", r.MinorityClass, "recall"))),
                SeedStat.Of(list.Select(r => Value(r, "test", r.MinorityClass, "recall"))),
                SeedStat.Of(list.Select(r => Value(r, "test", Majority(r), "recall"))),
                SeedStat.Of(list.Select(r => Value(r, "test", null, "balanced_accuracy"))),
                SeedStat.Of(list.Select(r => Value(r, "test", null, "roc_auc")))));
        }
        return rows;
    }

    /// <summary>The largest class other than the run's minority (ties: lower index), so balanced runs keep their roles.</summary>
    public static int MajorityOf(RunRow run)
    {
        var best = -1;
        for (var c = 0; c < run.TrainCounts.Count; c++)
            if (c != run.MinorityClass && (best < 0 || run.TrainCounts[c] > run.TrainCounts[best])) best = c;
        return best;
    }
}
