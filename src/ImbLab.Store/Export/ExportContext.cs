using ImbLab.Core.Results;

namespace ImbLab.Store.Export;

/// <summary>
/// What every table of an export shares: the store, its finished and diverged runs, datasets and studies (read once), and
/// the run keys written at the start of every run-level row, so no analysis has to merge a table with runs first. A
/// diverged run's records are what it recorded before its loss became non-finite; its status is on every row.
/// </summary>
public sealed class ExportContext
{
    /// <summary>The run keys, at the start of every row of every run-level table.</summary>
    public static readonly IReadOnlyList<ExportColumn> KeyColumns =
    [
        new("study_id", ColumnType.Text), new("run_id", ColumnType.Text), new("dataset", ColumnType.Text), new("protocol", ColumnType.Text),
        new("level", ColumnType.Text), new("remedy", ColumnType.Text), new("requested_ir", ColumnType.Double), new("seed", ColumnType.Long), new("seed_index", ColumnType.Int),
        new("split_repeat", ColumnType.Int), new("split_fold", ColumnType.Int), new("status", ColumnType.Text),
    ];

    private readonly Dictionary<string, DatasetRow> _datasets;
    private readonly Dictionary<string, RunRow> _runs;

    public ExportContext(StudyStore store)
    {
        Store = store;
        Runs = store.Runs(finishedOnly: false).Where(r => r.Status is "finished" or StudyStore.DivergedStatus).ToList();
        Studies = store.Studies();
        _datasets = store.Datasets().ToDictionary(d => d.DatasetId, StringComparer.Ordinal);
        _runs = Runs.ToDictionary(r => r.RunId, StringComparer.Ordinal);
    }

    public StudyStore Store { get; }

    /// <summary>The finished and diverged runs of every study in the store, in the order they were begun (runs in flight are left out).</summary>
    public IReadOnlyList<RunRow> Runs { get; }

    /// <summary>The finished runs: what derived tables (the per-sample dynamics) are computed from, as findings are.</summary>
    public IEnumerable<RunRow> FinishedRuns => Runs.Where(r => r.Status == "finished");

    public IReadOnlyList<StudyRow> Studies { get; }

    public IEnumerable<DatasetRow> Datasets => _datasets.Values;

    public RunRow? Run(string runId) => _runs.GetValueOrDefault(runId);

    public DatasetRow? Dataset(RunRow run) => _datasets.GetValueOrDefault(run.DatasetId);

    /// <summary>The dataset's name, or its id when the store does not describe it.</summary>
    public string DatasetName(RunRow run) => Dataset(run)?.Name ?? run.DatasetId;

    /// <summary>A class's name in the run's dataset (null for no class or an unknown dataset).</summary>
    public string? ClassLabel(RunRow run, int? cls) =>
        cls is { } c && Dataset(run) is { } d && c >= 0 && c < d.ClassNames.Count ? d.ClassNames[c] : null;

    public static string? Role(RunRow run, int? cls) => cls is { } c ? run.RoleOf(c) : null;

    public void WriteKeys(RowWriter w, RunRow run)
    {
        w.Text(run.StudyId);
        w.Text(run.RunId);
        w.Text(DatasetName(run));
        w.Text(run.Protocol);
        w.Text(run.Level);
        w.Text(run.Remedy);
        w.Double(run.RequestedIr);
        w.Long(run.Seed);
        w.Int(run.SeedIndex);
        w.Int(run.SplitRepeat);
        w.Int(run.SplitFold);
        w.Text(run.Status);
    }

    /// <summary>The key columns followed by a table's own.</summary>
    public static IReadOnlyList<ExportColumn> WithKeys(params ExportColumn[] columns) => [.. KeyColumns, .. columns];
}
