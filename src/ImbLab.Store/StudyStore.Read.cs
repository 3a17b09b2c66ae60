using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Store;

/// <summary>Reading a whole study at once: the read model every analysis shares.</summary>
public sealed partial class StudyStore : IRunSamples
{
    /// <summary>
    /// Opens a store read-only and loads one study (by id or unique prefix; the most recently updated when null) from one
    /// snapshot. Disposing the returned <see cref="StudyData"/> closes the store.
    /// </summary>
    public static StudyData Load(string path, string? studyId)
    {
        var store = OpenForReading(path);
        try
        {
            return store.LoadStudy(studyId, owned: true);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads one study from a read transaction that stays open while the returned data lives, so its per-sample arrays
    /// (read on demand) come from the same snapshot as its runs and metrics, even while a study is writing to the store.
    /// </summary>
    public StudyData LoadStudy(string? studyId, bool owned = false)
    {
        var release = Snapshot();
        try
        {
            var id = ResolveStudy(studyId);
            var study = Studies().First(s => s.StudyId == id);
            var runs = Runs(id);
            var used = runs.Select(r => r.DatasetId).ToHashSet(StringComparer.Ordinal);
            var datasets = Datasets().Where(d => used.Contains(d.DatasetId)).ToList();

            // One query per table for the whole study, grouped by run: far fewer round trips than a query per run.
            var names = new NamePool();
            var metrics = GroupByRun(Stream("""
                SELECT m.run_id, m.step, m.epoch, m.split, m.class, m.metric, m.value
                FROM metrics m JOIN runs r ON r.run_id = m.run_id
                WHERE r.study_id = $s AND r.status = 'finished'
                ORDER BY r.rowid, m.rowid
                """,
                r => (r.GetString(0), new MetricRecord(r.GetInt32(1), r.GetDouble(2), names.Get(r.GetString(3)), IntOrNull(r, 4), names.Get(r.GetString(5)), DoubleOrNaN(r, 6))),
                ("$s", id)));
            var gradients = GroupByRun(Stream("""
                SELECT g.run_id, g.step, g.epoch, g.layer, g.class, g.other_class, g.metric, g.value
                FROM gradient_metrics g JOIN runs r ON r.run_id = g.run_id
                WHERE r.study_id = $s AND r.status = 'finished'
                ORDER BY r.rowid, g.rowid
                """,
                r => (r.GetString(0), new GradientRecord(r.GetInt32(1), r.GetDouble(2), IntOrNull(r, 3), IntOrNull(r, 4), IntOrNull(r, 5), names.Get(r.GetString(6)), DoubleOrNaN(r, 7))),
                ("$s", id)));
            var representations = GroupByRun(Stream("""
                SELECT x.run_id, x.step, x.epoch, x.split, x.layer, x.class, x.other_class, x.metric, x.value, x.rows
                FROM representation_metrics x JOIN runs r ON r.run_id = x.run_id
                WHERE r.study_id = $s AND r.status = 'finished'
                ORDER BY r.rowid, x.rowid
                """,
                r => (r.GetString(0), new RepresentationRecord(r.GetInt32(1), r.GetDouble(2), names.Get(r.GetString(3)), r.GetInt32(4), IntOrNull(r, 5),
                    IntOrNull(r, 6), names.Get(r.GetString(7)), DoubleOrNaN(r, 8), r.GetInt32(9))),
                ("$s", id)));

            var data = runs.Select(run => new RunData(run,
                metrics.GetValueOrDefault(run.RunId) ?? [],
                gradients.GetValueOrDefault(run.RunId) ?? [],
                representations.GetValueOrDefault(run.RunId) ?? [])).ToList();
            var diverged = Runs(id, finishedOnly: false).Where(r => r.Status == DivergedStatus).ToList();
            return new StudyData(Path, study, datasets, data, Findings(id), this, owned ? this : release) { Diverged = diverged };
        }
        catch
        {
            release.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a read transaction that every read through this store joins until the returned handle is disposed, so a
    /// reader that makes several queries (an export, a loaded study) sees one state of the store even while a study
    /// process commits runs to it.
    /// </summary>
    public IDisposable Snapshot()
    {
        lock (_gate)
        {
            if (_snapshot is not null) throw new InvalidOperationException("a snapshot of this store connection is already open");
            _snapshot = _connection.BeginTransaction(deferred: true);
            // A deferred transaction takes its snapshot at its first read: read now, so it is the state as of this call.
            Guard(() => NonQuery(_snapshot, "SELECT count(*) FROM meta"));
        }
        return new SnapshotRelease(this);
    }

    /// <summary>The study to read: the one named (id or unique prefix), or the most recently updated. Errors name what exists.</summary>
    public string ResolveStudy(string? studyId)
    {
        var studies = Studies();
        if (studies.Count == 0) throw new ImbLabException($"{Path}: the store holds no study");
        if (studyId is null) return studies[0].StudyId;
        var match = studies.Where(s => s.StudyId.StartsWith(studyId, StringComparison.Ordinal)).ToList();
        return match.Count switch
        {
            1 => match[0].StudyId,
            0 => throw new ImbLabException($"{Settings.Mention(Settings.Study)}: no study '{studyId}' in {Path}; studies: {string.Join(", ", studies.Select(s => s.StudyId))}"),
            _ => throw new ImbLabException($"{Settings.Mention(Settings.Study)}: '{studyId}' matches {match.Count} studies in {Path}; give more characters"),
        };
    }

    private static Dictionary<string, IReadOnlyList<T>> GroupByRun<T>(IEnumerable<(string RunId, T Record)> rows)
    {
        var result = new Dictionary<string, IReadOnlyList<T>>(StringComparer.Ordinal);
        List<T>? current = null;
        string? currentRun = null;
        foreach (var (runId, record) in rows)
        {
            if (runId != currentRun)
            {
                current = [];
                result[runId] = current;
                currentRun = runId;
            }
            current!.Add(record);
        }
        return result;
    }

    private void EndSnapshot()
    {
        lock (_gate)
        {
            _snapshot?.Dispose();
            _snapshot = null;
        }
    }

    /// <summary>Ends the read snapshot of a study loaded from a store its caller keeps open.</summary>
    private sealed class SnapshotRelease(StudyStore store) : IDisposable
    {
        public void Dispose() => store.EndSnapshot();
    }

    /// <summary>One string instance per distinct split and metric name: a study has millions of records and a dozen names.</summary>
    private sealed class NamePool
    {
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        public string Get(string name)
        {
            if (_names.TryGetValue(name, out var pooled)) return pooled;
            _names[name] = name;
            return name;
        }
    }
}
