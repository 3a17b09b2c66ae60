using System.Diagnostics;
using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Core.Specs;
using ImbLab.Data.Catalog;
using ImbLab.Data.Protocols;
using ImbLab.Engine;
using ImbLab.Study.Running;

namespace ImbLab.Study.Planning;

/// <summary>A dataset as a dry run shows it: the whole file, before any split.</summary>
public sealed record DryRunDataset(string Name, string Source, int Rows, IReadOnlyList<string> Classes, IReadOnlyList<int> ClassCounts,
    double ImbalanceRatio, int Features, int Parameters, int Splits)
{
    /// <summary>The imbalance ratios its runs are planned with (its data entry's own, or the study's); null when no protocol reads them.</summary>
    public IReadOnlyList<double>? Irs { get; init; }

    /// <summary>Whether <see cref="Irs"/> are the dataset's own (its data entry's irs) rather than the study's.</summary>
    public bool OwnIrs { get; init; }

    /// <summary>The IRs subsample-minority can reach on every training part of the dataset; null unless it has two classes.</summary>
    public DryRunIrRange? SubsampleMinority { get; init; }
}

/// <summary>
/// The IRs subsample-minority reaches on every training part (split) of a dataset: IR &gt; <paramref name="Above"/> (the
/// natural IR of the training part, a little less for rounding) and IR &lt;= <paramref name="AtMost"/> (the IR that leaves
/// the one minority row the protocol needs). Minority and majority rows of the training parts: their fewest over the splits.
/// </summary>
public sealed record DryRunIrRange(double Above, double AtMost, int TrainMinority, int TrainMajority);

/// <summary>
/// One dataset x protocol x level: the realised training counts of its runs (the protocol's target) and the test
/// counts of its splits, as ranges over the splits (they differ between folds); minority = the training part's minority.
/// </summary>
public sealed record DryRunCondition(string Dataset, string Protocol, string Level, int Runs,
    int TrainMinorityLow, int TrainMinorityHigh, int TrainMajorityLow, int TrainMajorityHigh,
    int TestMinorityLow, int TestMinorityHigh, int TestMajorityLow, int TestMajorityHigh, double EstimatedSeconds)
{
    /// <summary>The remedy level (canonical text; "none" for plain training).</summary>
    public string Remedy { get; init; } = "none";
}

/// <summary>
/// The time estimate and the cost model behind it. A run costs <see cref="SecondsPerUnit"/> x epochs x parameters x
/// (4 x training rows + test rows): an epoch passes every training row forward and backward and evaluates it again
/// (about four forward passes), and evaluates every test row once. The constant is measured at the start of the dry
/// run by training one small synthetic run with the study's own model and diagnostics on one core.
/// </summary>
public sealed record DryRunEstimate(double SecondsPerUnit, double CalibrationSeconds, double CpuSeconds, int Threads, double WallSeconds,
    string Model);

/// <summary>One run of a shard as `--dry-run --shard` lists it, with its estimated time.</summary>
public sealed record DryRunShardRun(string RunId, string Dataset, string Protocol, string Level, int SeedIndex, long Seed, double EstimatedSeconds)
{
    /// <summary>The run's remedy (canonical text; "none" for plain training).</summary>
    public string Remedy { get; init; } = "none";
}

/// <summary>
/// A shard of the plan: its runs, their estimated CPU time and every shard's (so the balance shows), and the whole plan's
/// run count. The study's other numbers in the dry run (conditions, estimate) are then the shard's.
/// </summary>
public sealed record DryRunShard(string Shard, int Runs, int StudyRuns, double EstimatedSeconds, IReadOnlyList<double> ShardSeconds,
    IReadOnlyList<DryRunShardRun> RunList);

/// <summary>Everything `study --dry-run` shows: the plan without training, and every request the data cannot meet.</summary>
public sealed record DryRun(string StudyId, string Name, IReadOnlyList<DryRunDataset> Datasets, IReadOnlyList<string> Protocols,
    IReadOnlyList<string> Levels, IReadOnlyList<long> Seeds, string Split, int Runs, IReadOnlyList<DryRunCondition> Conditions,
    IReadOnlyList<InfeasibleRequest> Infeasible, DryRunEstimate Estimate)
{
    /// <summary>With --shard: the shard this dry run is of (its runs are the ones counted above).</summary>
    public DryRunShard? Shard { get; init; }

    public const string CostModel = "seconds per run = c x epochs x parameters x (4 x training rows + test rows); c measured on this machine by training one small synthetic run";

    public bool Feasible => Infeasible.Count == 0;

    /// <summary>The remedy levels, as canonical texts with every default filled (what the runs' configs store).</summary>
    public IReadOnlyList<string> Remedies { get; init; } = ["none"];

    public static DryRun Create(StudySpec spec, int threads, CancellationToken cancellationToken = default) => Create(spec, threads, null, cancellationToken);

    /// <summary>The dry run of one shard of the study (of the whole study when <paramref name="shard"/> is null).</summary>
    public static DryRun Create(StudySpec spec, int threads, ImbLab.Core.Specs.Shard? shard, CancellationToken cancellationToken = default)
    {
        var infeasible = new List<InfeasibleRequest>();
        var whole = StudyPlan.Create(spec, infeasible, cancellationToken);
        var shardPlan = shard is null ? null : StudyShards.Select(whole, shard);
        var plan = shardPlan is null ? whole : whole.WithRuns(shardPlan.Runs);
        var readsIrs = plan.Spec.Protocols.Select(ImbalanceProtocols.Parse).Any(p => p is IrProtocol);
        var datasets = plan.Datasets.Select((d, i) =>
        {
            var counts = d.Whole.ClassCounts();
            return new DryRunDataset(d.Name, d.Source.Display, d.Whole.Rows, d.Whole.ClassNames, counts, counts.ImbalanceRatio(), RunCost.Features(d),
                RunCost.Parameters(d, spec.Model), d.Splits.Count)
            {
                Irs = readsIrs ? plan.Spec.IrsFor(plan.DatasetEntries[i]) : null,
                OwnIrs = readsIrs && plan.Spec.DataIrs.ContainsKey(plan.DatasetEntries[i]),
                SubsampleMinority = SubsampleMinorityRange(d),
            };
        }).ToList();

        var perUnit = Calibrate(spec, cancellationToken, out var calibrationSeconds);
        var conditions = new List<DryRunCondition>();
        var runSeconds = new List<double>();
        foreach (var group in plan.Runs.GroupBy(r => (r.Dataset, r.Config.Protocol, r.Config.Level, Remedy: r.Remedy.Canonical)))
        {
            var testMinority = new List<int>();
            var testMajority = new List<int>();
            double seconds = 0;
            foreach (var run in group)
            {
                var (table, split) = run.Dataset.Splits[run.SplitIndex];
                var test = new int[table.ClassNames.Count];
                foreach (var row in split.TestRows) test[table.Labels[row]]++;
                testMinority.Add(test[run.MinorityClass]);
                testMajority.Add(test[run.SplitTrainCounts.Majority()]);
                var s = perUnit * RunCost.Units(run, spec.Model);
                runSeconds.Add(s);
                seconds += s;
            }
            var runs = group.ToList();
            conditions.Add(new DryRunCondition(group.Key.Dataset.Name, group.Key.Protocol, group.Key.Level, runs.Count,
                runs.Min(r => r.Target.MinorityCount), runs.Max(r => r.Target.MinorityCount),
                runs.Min(r => r.Target.MajorityCount), runs.Max(r => r.Target.MajorityCount),
                testMinority.Min(), testMinority.Max(), testMajority.Min(), testMajority.Max(), seconds) { Remedy = group.Key.Remedy });
        }
        // Workers take whole runs, so the wall time is the CPU time shared by the cores, but never below the longest run.
        var cpu = runSeconds.Sum();
        var wall = runSeconds.Count == 0 ? 0 : Math.Max(cpu / Math.Min(threads, runSeconds.Count), runSeconds.Max());
        var levels = plan.Runs.Select(r => r.Config.Level).Distinct().ToList();
        if (levels.Count == 0) levels = [.. spec.Irs.Select(ir => ir.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return new DryRun(plan.StudyId, spec.Name, datasets, spec.Protocols, levels,
            Enumerable.Range(0, spec.Seeds).Select(i => spec.Seed + (long)i).ToList(), spec.Split, plan.Runs.Count, conditions, infeasible,
            new DryRunEstimate(perUnit, calibrationSeconds, cpu, threads, wall, CostModel))
        {
            Remedies = plan.Spec.Remedies,
            Shard = shardPlan is null ? null : new DryRunShard(shardPlan.Shard.ToString(), shardPlan.Runs.Count, whole.Runs.Count,
                perUnit * shardPlan.Cost, shardPlan.ShardCosts.Select(c => perUnit * c).ToList(),
                shardPlan.Runs.Zip(shardPlan.RunCosts, (r, c) => new DryRunShardRun(r.RunId, r.Dataset.Name, r.Config.Protocol, r.Config.Level,
                    r.Config.SeedIndex, r.Config.Seed, perUnit * c) { Remedy = r.Remedy.Canonical }).ToList()),
        };
    }

    /// <summary>What subsample-minority can reach on every split of a two-class dataset (null otherwise), so a user can write its irs.</summary>
    private static DryRunIrRange? SubsampleMinorityRange(LoadedDataset dataset)
    {
        if (dataset.Whole.ClassNames.Count != 2) return null;
        double above = 0, atMost = double.PositiveInfinity;
        int minority = int.MaxValue, majority = int.MaxValue;
        foreach (var (table, split) in dataset.Splits)
        {
            var counts = new int[2];
            foreach (var row in split.TrainRows) counts[table.Labels[row]]++;
            var (aMin, aMaj) = (counts.Min(), counts.Max());
            if (aMin == 0) return null;
            var (low, high) = SubsampleMinorityProtocol.FeasibleIrs(aMin, aMaj);
            (above, atMost) = (Math.Max(above, low), Math.Min(atMost, high));
            (minority, majority) = (Math.Min(minority, aMin), Math.Min(majority, aMaj));
        }
        return new DryRunIrRange(above, atMost, minority, majority);
    }

    /// <summary>Weights and biases of the MLP: inputs -> hidden... -> classes.</summary>
    public static int Parameters(int features, IReadOnlyList<int> hidden, int classes)
    {
        var shape = new MlpShape(features, hidden, classes);
        var total = 0;
        for (var layer = 0; layer < shape.LayerCount; layer++)
            total += (shape.LayerInputs(layer) + 1) * shape.LayerOutputs(layer);
        return total;
    }

    /// <summary>
    /// Seconds per cost unit on this machine: one synthetic run (4,000 rows, 8 features, a 20% test set, 4 epochs) with
    /// the study's model and diagnostics, trained once to warm up and once to time.
    /// </summary>
    private static double Calibrate(StudySpec spec, CancellationToken cancellationToken, out double seconds)
    {
        const int epochs = 4;
        var calibration = new StudySpec
        {
            Name = "calibration",
            Data = ["synthetic:rows=4000,d=8,ir=1"],
            Protocols = ["natural"],
            Irs = [],
            Seeds = 1,
            Split = "holdout:0.2",
            Model = spec.Model with { Epochs = epochs },
            RecordSamples = spec.RecordSamples,
            Diagnostics = spec.Diagnostics,
        };
        var plan = StudyPlan.Create(calibration, cancellationToken);
        var sink = new TimingSink();
        for (var attempt = 0; attempt < 2; attempt++)
            new StudyRunner(1).Run(plan, sink, new HashSet<string>(), 0, null, cancellationToken);
        seconds = sink.Seconds;
        var run = plan.Runs[0];
        var split = run.Dataset.Splits[run.SplitIndex].Split;
        var units = (double)epochs * Parameters(8, spec.Model.Hidden, 2) * (4.0 * split.TrainRows.Length + split.TestRows.Length);
        return seconds / units;
    }

    /// <summary>Keeps only the last run's training time; the records are dropped.</summary>
    private sealed class TimingSink : IRunSink
    {
        public double Seconds { get; private set; }

        public void Begin(RunRow run)
        {
        }

        public void Complete(string runId, RunRecords records, double seconds) => Seconds = seconds;
    }
}
