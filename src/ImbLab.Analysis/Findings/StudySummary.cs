using ImbLab.Core.Results;

namespace ImbLab.Analysis.Findings;

/// <summary>Mean, sample standard deviation (n - 1) and count over seeds, NaN values left out (NaN when none remain).</summary>
public readonly record struct SeedStat(double Mean, double Sd, int N)
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
public sealed record SummaryRow(
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
    SeedStat TestRocAuc)
{
    /// <summary>The remedy of the row's runs (runs of different remedies are never pooled).</summary>
    public string Remedy { get; init; } = "none";
}

public static class StudySummary
{
    public static IReadOnlyList<SummaryRow> Build(StudyData study)
    {
        var rows = new List<SummaryRow>();
        foreach (var group in study.Runs.Select(r => RunView.Of(study, r)).GroupBy(v => (v.Run.DatasetId, v.Run.Protocol, v.Run.Level, v.Run.Remedy)))
        {
            var list = group.ToList();
            rows.Add(new SummaryRow(
                study.DatasetName(group.Key.DatasetId),
                group.Key.Protocol,
                group.Key.Level,
                list.Count,
                list.Average(v => (double)v.Run.TrainCounts[v.Minority]),
                list.Average(v => (double)v.Run.TrainCounts.Where((_, c) => c != v.Minority).Sum()),
                SeedStat.Of(list.Select(v => v.Final(Splits.Train, v.Minority, MetricNames.Recall))),
                SeedStat.Of(list.Select(v => v.Final(Splits.Test, v.Minority, MetricNames.Recall))),
                SeedStat.Of(list.Select(v => v.Final(Splits.Test, v.Majority, MetricNames.Recall))),
                SeedStat.Of(list.Select(v => v.Final(Splits.Test, null, MetricNames.BalancedAccuracy))),
                SeedStat.Of(list.Select(v => v.Final(Splits.Test, null, MetricNames.RocAuc)))) { Remedy = group.Key.Remedy });
        }
        return rows;
    }
}
