namespace ImbLab.Core.Results;

/// <summary>A study as the store holds it: its id, when it was created and last run, by which ImbLab, and its spec as JSON.</summary>
public sealed record StudyRow(string StudyId, string CreatedAt, string UpdatedAt, string Version, string ConfigJson);

/// <summary>One finished run and everything it recorded at its checkpoints except the per-sample arrays.</summary>
public sealed record RunData(
    RunRow Run,
    IReadOnlyList<MetricRecord> Metrics,
    IReadOnlyList<GradientRecord> Gradients,
    IReadOnlyList<RepresentationRecord> Representations);

/// <summary>
/// The per-sample arrays of a study's runs: n samples x checkpoints per run, the bulk of a store, so they are read one
/// run at a time, from the same snapshot as the rest of the <see cref="StudyData"/>.
/// </summary>
public interface IRunSamples
{
    IReadOnlyList<SplitSamples> Samples(string runId);

    /// <summary>The run's per-sample signals in split, step order.</summary>
    IEnumerable<SampleSignals> Signals(string runId);
}

/// <summary>
/// The read model of one study: loaded once, from one consistent snapshot of the store, and shared by everything
/// that analyses it (summary, findings, dynamics, report), so none of them queries the store on its own.
/// </summary>
public sealed class StudyData : IDisposable
{
    private readonly Dictionary<string, DatasetRow> _datasets;
    private readonly IDisposable? _snapshot;

    public StudyData(string source, StudyRow study, IReadOnlyList<DatasetRow> datasets, IReadOnlyList<RunData> runs,
        IReadOnlyList<FindingRow> findings, IRunSamples samples, IDisposable? snapshot = null)
    {
        Source = source;
        Study = study;
        Datasets = datasets;
        Runs = runs;
        Findings = findings;
        Samples = samples;
        _snapshot = snapshot;
        _datasets = datasets.ToDictionary(d => d.DatasetId, StringComparer.Ordinal);
    }

    /// <summary>Where the study was read from (the store's path), for messages.</summary>
    public string Source { get; }

    public StudyRow Study { get; }

    public string StudyId => Study.StudyId;

    /// <summary>The datasets the study's runs used, by name.</summary>
    public IReadOnlyList<DatasetRow> Datasets { get; }

    /// <summary>The study's finished runs, in the order they were begun.</summary>
    public IReadOnlyList<RunData> Runs { get; }

    /// <summary>
    /// The study's diverged runs (status 'diverged': the loss became non-finite). They are results, but not numbers to
    /// average: the summary and the findings leave them out and say how many.
    /// </summary>
    public IReadOnlyList<RunRow> Diverged { get; init; } = [];

    /// <summary>The findings stored for the study when it was read (empty until they are stated).</summary>
    public IReadOnlyList<FindingRow> Findings { get; }

    public IRunSamples Samples { get; }

    public DatasetRow? Dataset(string datasetId) => _datasets.GetValueOrDefault(datasetId);

    /// <summary>The dataset's name, or its id when the store does not describe it.</summary>
    public string DatasetName(string datasetId) => _datasets.TryGetValue(datasetId, out var d) ? d.Name : datasetId;

    public void Dispose() => _snapshot?.Dispose();
}
