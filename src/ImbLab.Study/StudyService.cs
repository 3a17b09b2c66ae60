using ImbLab.Study.Planning;
using ImbLab.Study.Running;
using ImbLab.Study.Store;

namespace ImbLab.Study;

/// <summary>Plans a study, opens (or resumes) its store, and runs what is not finished yet.</summary>
internal static class StudyService
{
    public static StudyOutcome Execute(StudySpec spec, string storePath, int threads, IProgress<StudyProgress>? progress,
        CancellationToken cancellationToken, Action<StudyPlan>? planned = null)
    {
        var plan = StudyPlan.Create(spec, cancellationToken);
        planned?.Invoke(plan);
        using var store = StudyStore.Open(storePath, create: true);
        store.UpsertStudy(plan.StudyId, spec.ToJson());
        foreach (var dataset in plan.Datasets) store.UpsertDataset(Describe(dataset));
        var redone = store.DeleteUnfinished(plan.StudyId);
        var finished = store.FinishedRunIds(plan.StudyId);
        return new StudyRunner(threads).Run(plan, new StoreSink(store), finished, redone, progress, cancellationToken);
    }

    /// <summary>The store's description of a loaded dataset (whole-file shape and class counts).</summary>
    public static DatasetRow Describe(LoadedDataset dataset)
    {
        var whole = dataset.Whole;
        return new DatasetRow(dataset.DatasetId, dataset.Name, dataset.Source.Display, dataset.Fingerprint, whole.Rows,
            whole.Attributes.Count, whole.Attributes.Count(a => a.Kind == Core.AttributeKind.Numeric),
            whole.Attributes.Count(a => a.Kind == Core.AttributeKind.Nominal), whole.ClassNames, whole.ClassCounts(), dataset.DetailsJson);
    }
}
