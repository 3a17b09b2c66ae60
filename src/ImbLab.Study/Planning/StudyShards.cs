using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Data.Catalog;

namespace ImbLab.Study.Planning;

/// <summary>
/// The cost model shared by the dry run's time estimate and the shard partition: a run costs parameters x rows units,
/// summed over its epochs. A plain epoch steps over every training row (forward and backward: about three forward passes'
/// work, each a multiply-add per parameter), evaluates every training row again and every test row once: 4 x training
/// rows + test rows. Remedies change that: re-sampling changes the rows stepped over (the monitor still evaluates the
/// original rows), PCNGD's per-class backward passes cost about a fifth more per step, and cRT's second stage adds
/// epochs that step only the output layer (a forward pass per row, no backward through the hidden layers).
/// </summary>
internal static class RunCost
{
    // Measured on W (benchmarks, README "Speed"): PCNGD +18-21% of a step.
    private const double PerClassNormalisedStep = 1.2;

    /// <summary>A run's cost in units (the dry run multiplies by seconds per unit measured on the machine).</summary>
    public static double Units(PlannedRun run, ModelSpec model)
    {
        var test = run.Dataset.Splits[run.SplitIndex].Split.TestRows.Length;
        var minority = run.Target.MinorityCount;
        var majority = run.Target.MajorityCount;
        var train = (double)(minority + majority);
        var remedy = run.Config.Remedy is { } text ? RemedyCatalog.Parse(text) : Remedy.None;
        // Binary re-sampling balances the classes: over-sampling up to the majority, under-sampling down to the minority.
        var stepped = remedy.In(RemedyRole.Data)?.Name switch
        {
            "ros" or "smote" => 2.0 * Math.Max(minority, majority),
            "rus" => 2.0 * Math.Min(minority, majority),
            _ => train,
        };
        var step = 3.0 * stepped * (remedy.Has("pcngd") ? PerClassNormalisedStep : 1.0);
        var epoch = step + train + test;
        var secondStage = remedy.Part("crt") is { } crt ? crt.Value("epochs") * (stepped + train + test) : 0.0;
        return Parameters(run.Dataset, model) * (model.Epochs * epoch + secondStage);
    }

    /// <summary>The MLP's weights and biases on a dataset: its encoded features (one-hot nominal levels) -> hidden... -> classes.</summary>
    public static int Parameters(LoadedDataset dataset, ModelSpec model) =>
        DryRun.Parameters(Features(dataset), model.Hidden, dataset.Whole.ClassNames.Count);

    /// <summary>Numeric attributes count one input each, nominal ones one per level (one-hot).</summary>
    public static int Features(LoadedDataset dataset) =>
        dataset.Whole.Attributes.Sum(a => a.Kind == AttributeKind.Numeric ? 1 : a.Levels.Count);
}

/// <summary>One shard of a study's plan: its runs (in plan order) and their cost, beside every shard's cost.</summary>
internal sealed record ShardPlan(Shard Shard, IReadOnlyList<PlannedRun> Runs, IReadOnlyList<double> RunCosts, IReadOnlyList<double> ShardCosts)
{
    public double Cost => ShardCosts[Shard.Index - 1];
}

/// <summary>
/// Splits a plan into disjoint shards of about equal cost, the same way in every process that plans the same study, so
/// the shards of a job array need not talk to each other. Greedy longest-processing-time: runs by cost, largest first
/// (ties by run id), each to the shard with the least cost so far (ties: the lowest shard). Everything it reads is in
/// the plan (run ids are config hashes, costs come from the data's shape), never the order the plan was listed in or
/// the machine. The largest shard is within the greedy bound: at most the mean + (1 - 1/N) x the largest run.
/// </summary>
internal static class StudyShards
{
    /// <summary>The shard (0-based) of every run id of the plan.</summary>
    public static IReadOnlyDictionary<string, int> Assign(IEnumerable<PlannedRun> runs, ModelSpec model, int shards, out double[] loads)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards), shards, "at least one shard");
        // A run id appears once in a plan; should it not, its copies go together (they are one run in the store).
        var costs = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var run in runs) costs.TryAdd(run.RunId, RunCost.Units(run, model));
        var ordered = costs.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();

        loads = new double[shards];
        // (load, shard) ordered by load then shard: the least loaded shard, lowest index on ties, is the first.
        var queue = new PriorityQueue<int, (double Load, int Shard)>(Comparer<(double Load, int Shard)>.Create((a, b) =>
            a.Load != b.Load ? a.Load.CompareTo(b.Load) : a.Shard.CompareTo(b.Shard)));
        for (var s = 0; s < shards; s++) queue.Enqueue(s, (0, s));
        var assignment = new Dictionary<string, int>(costs.Count, StringComparer.Ordinal);
        foreach (var (runId, cost) in ordered)
        {
            var shard = queue.Dequeue();
            assignment[runId] = shard;
            loads[shard] += cost;
            queue.Enqueue(shard, (loads[shard], shard));
        }
        return assignment;
    }

    /// <summary>The runs of one shard, in plan order (so they train grouped by dataset, as the whole study would).</summary>
    public static ShardPlan Select(StudyPlan plan, Shard shard)
    {
        var assignment = Assign(plan.Runs, plan.Spec.Model, shard.Count, out var loads);
        var runs = plan.Runs.Where(r => assignment[r.RunId] == shard.Index - 1).ToList();
        return new ShardPlan(shard, runs, runs.Select(r => RunCost.Units(r, plan.Spec.Model)).ToList(), loads);
    }
}
