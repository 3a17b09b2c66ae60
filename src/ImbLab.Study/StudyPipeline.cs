using ImbLab.Analysis.Findings;
using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Core.Specs;
using ImbLab.Data.Catalog;
using ImbLab.Store;
using ImbLab.Study.Planning;
using ImbLab.Study.Running;

namespace ImbLab.Study;

/// <summary>The phases after training, so a command can show which one is running.</summary>
public enum StudyPhase
{
    Summary,
    Findings,
    Outputs,
}

/// <summary>What a whole study produced: the training outcome, the end-of-study table and the findings.</summary>
public sealed record StudyResults(StudyOutcome Outcome, string StorePath, IReadOnlyList<SummaryRow> Summary, IReadOnlyList<FindingRow> Findings)
{
    /// <summary>Runs whose loss became non-finite: stored as results, left out of the summary and the findings.</summary>
    public IReadOnlyList<DivergedRun> Diverged { get; init; } = [];
}

/// <summary>One run trained by <see cref="StudyPipeline.TrainOne"/>: its dataset, its row and everything it recorded.</summary>
public sealed record TrainedRun(LoadedDataset Dataset, RunRow Run, RunRecords Records);

/// <summary>
/// A study from spec to findings: plan, train what is not finished, then read the study once into its read model and
/// derive the summary and the findings from it. What writes further outputs (the HTML report) is handed in, so this
/// layer does not depend on it.
/// </summary>
public static class StudyPipeline
{
    public static StudyResults Run(StudySpec spec, string storePath, int threads, IProgress<StudyProgress>? progress,
        CancellationToken cancellationToken, Action<StudyPlan>? planned = null, Action<StudyPhase>? phase = null,
        Action<StudyData, IReadOnlyList<FindingRow>>? outputs = null, Shard? shard = null)
    {
        var outcome = Train(spec, storePath, threads, progress, cancellationToken, planned, shard);
        return Analyse(outcome, storePath, phase, outputs);
    }

    /// <summary>
    /// Merges stores of one study into <paramref name="outPath"/> (<see cref="StoreMerge"/>), then reads the merged study
    /// once and states its findings and writes its outputs, as a study that ran on one machine does.
    /// </summary>
    public static (MergeResult Merge, StudyResults Results) Merge(string outPath, IReadOnlyList<string> inputs, string? studyId,
        Action<StudyPhase>? phase = null, Action<StudyData, IReadOnlyList<FindingRow>>? outputs = null)
    {
        var merge = StoreMerge.Merge(outPath, inputs, studyId);
        var outcome = new StudyOutcome(merge.StudyId, merge.Finished + merge.Diverged, merge.Finished + merge.Diverged, 0, 0, TimeSpan.Zero);
        return (merge, Analyse(outcome, outPath, phase, outputs));
    }

    /// <summary>Reads a trained study once into its read model, derives the summary and findings, and writes the outputs.</summary>
    public static StudyResults Analyse(StudyOutcome outcome, string storePath, Action<StudyPhase>? phase = null,
        Action<StudyData, IReadOnlyList<FindingRow>>? outputs = null)
    {
        // The study is read once, from a snapshot on a read connection; the findings are written through a writer
        // connection meanwhile (WAL lets both be open), so the outputs reuse the same read model.
        using var data = StudyStore.Load(storePath, outcome.StudyId);
        phase?.Invoke(StudyPhase.Summary);
        var summary = StudySummary.Build(data);
        phase?.Invoke(StudyPhase.Findings);
        // Findings are derived (no retraining), so every study states them and its outputs show them.
        var findings = FindingsEngine.Compute(data);
        IReadOnlyList<DivergedRun> diverged;
        using (var store = StudyStore.Open(storePath, create: false))
        {
            store.ReplaceFindings(outcome.StudyId, findings);
            diverged = store.DivergedRuns(outcome.StudyId);
        }
        if (outputs is not null)
        {
            phase?.Invoke(StudyPhase.Outputs);
            outputs(data, findings);
        }
        return new StudyResults(outcome, storePath, summary, findings) { Diverged = diverged };
    }

    /// <summary>Plans a study, opens (or resumes) its store, and runs what is not finished yet.</summary>
    public static StudyOutcome Train(StudySpec spec, string storePath, int threads, IProgress<StudyProgress>? progress,
        CancellationToken cancellationToken, Action<StudyPlan>? planned = null, Shard? shard = null)
    {
        var plan = StudyPlan.Create(spec, cancellationToken);
        var planOrder = plan.Runs.Select(r => r.RunId).ToList();
        // A shard trains its share of the plan; every process computes the same partition (StudyShards).
        if (shard is not null) plan = plan.WithRuns(StudyShards.Select(plan, shard).Runs);
        planned?.Invoke(plan);
        using var store = OpenStore(plan, storePath, shard is null ? null : (shard, planOrder));
        // Only runs whose owner is gone are redone: another process may be training this study into the same store.
        var redone = store.DeleteStaleRuns(plan.StudyId);
        var finished = store.FinishedRunIds(plan.StudyId);
        var sink = new StoreSink(store);
        try
        {
            return new StudyRunner(threads).Run(plan, sink, finished, redone, progress, cancellationToken, claims: sink);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failure (a full disk, a damaged store) ends this process: its runs in flight are free for the next one at once.
            // An interrupted study keeps them, so the next run says how many interrupted runs it redid.
            store.ReleaseClaims();
            throw;
        }
    }

    /// <summary>
    /// Trains the one run a spec makes and returns it from memory; with a store path it is also written there, the
    /// store opened as <see cref="Train"/> opens it. A spec that makes more or fewer runs is refused before training.
    /// </summary>
    public static TrainedRun TrainOne(StudySpec spec, string? storePath, int threads, CancellationToken cancellationToken)
    {
        var plan = StudyPlan.Create(spec, cancellationToken);
        if (plan.Runs.Count != 1)
            throw new UsageException($"one model is trained, but these settings make {plan.Runs.Count} runs; give one dataset file, one " +
                $"{Settings.Mention(Settings.Protocols)}, at most one {Settings.Mention(Settings.Irs)}, at most one {Settings.Mention(Settings.Remedies)} and a {Settings.Mention(Settings.Split)} with a single test set");
        var memory = new MemorySink();
        using var store = storePath is null ? null : OpenStore(plan, storePath);
        IRunSink sink = store is null ? memory : new TeeSink(memory, new StoreSink(store));
        try
        {
            new StudyRunner(threads).Run(plan, sink, new HashSet<string>(), 0, null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // As Train: a failure (a full disk) frees the run this process claimed, so the same command can redo it at once.
            store?.ReleaseClaims();
            throw;
        }
        var (run, records) = memory.Completed.Single();
        return new TrainedRun(plan.Runs[0].Dataset, run, records);
    }

    /// <summary>Opens (or creates) the store and records the study and its datasets, before any run is written to it.</summary>
    private static StudyStore OpenStore(StudyPlan plan, string storePath, (Shard Shard, IReadOnlyList<string> PlanOrder)? shard = null)
    {
        var store = StudyStore.Open(storePath, create: true);
        try
        {
            if (shard is { } s) store.RecordShard(plan.StudyId, s.Shard, s.PlanOrder);
            store.UpsertStudy(plan.StudyId, plan.Spec.ToJson());
            // Every dataset of the study, also in a shard store: a merge of the shards then describes them all.
            foreach (var dataset in plan.Datasets) store.UpsertDataset(Describe(dataset));
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// States the findings of a study already in a store (no retraining) and writes them into it. The study is read as
    /// read commands read it, so a store that may not be written still gets its findings stated: then they are not saved,
    /// and <c>NotSaved</c> says why (one line naming the store).
    /// </summary>
    public static (string StudyId, IReadOnlyList<FindingRow> Findings, string? NotSaved) StateFindings(string storePath, string? studyId) =>
        StateFindings(storePath, studyId, () => StudyStore.Open(storePath, create: false));

    /// <param name="openForWriting">How the store is opened to save the findings (tests open it read-only).</param>
    internal static (string StudyId, IReadOnlyList<FindingRow> Findings, string? NotSaved) StateFindings(string storePath, string? studyId, Func<StudyStore> openForWriting)
    {
        IReadOnlyList<FindingRow> findings;
        string id;
        using (var data = StudyStore.Load(storePath, studyId))
        {
            id = data.StudyId;
            findings = FindingsEngine.Compute(data);
        }
        try
        {
            using var store = openForWriting();
            store.ReplaceFindings(id, findings);
            return (id, findings, null);
        }
        catch (StoreNotWritableException e)
        {
            return (id, findings, e.Message);
        }
    }

    /// <summary>The store's description of a loaded dataset (whole-file shape and class counts).</summary>
    public static DatasetRow Describe(LoadedDataset dataset)
    {
        var whole = dataset.Whole;
        return new DatasetRow(dataset.DatasetId, dataset.Name, dataset.Source.Display, dataset.Fingerprint, whole.Rows,
            whole.Attributes.Count, whole.Attributes.Count(a => a.Kind == AttributeKind.Numeric),
            whole.Attributes.Count(a => a.Kind == AttributeKind.Nominal), whole.ClassNames, whole.ClassCounts(), dataset.DetailsJson);
    }
}
