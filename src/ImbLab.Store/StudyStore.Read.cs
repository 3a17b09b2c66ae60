using ImbLab.Core;
using ImbLab.Core.Results;
using Microsoft.Data.Sqlite;

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

            // One query per table for the whole study, grouped by run: far fewer round trips than a query per run. Each
            // row names its run by the runs table's rowid (an integer) rather than the run id, a string that would be
            // read anew on every one of the study's ~100k rows.
            var names = new NamePool();
            var runIds = Query(
                "SELECT rowid, run_id FROM runs WHERE study_id = $s AND status = 'finished'",
                r => (Row: r.GetInt64(0), RunId: r.GetString(1)), ("$s", id)).ToDictionary(r => r.Row, r => r.RunId);
            // A study with most of the store's runs is read table by table in the tables' own order, keeping its rows:
            // no index look-up per row and no sort (~25% less work in SQLite). With other studies in the store that
            // would read theirs too, so then each run's rows are found through the run's index and sorted.
            var scan = 2 * runIds.Count >= Scalar<long>("SELECT count(*) FROM runs");
            string Rows(string table, string alias) => scan
                ? $"FROM {table} {alias} NOT INDEXED CROSS JOIN runs r ON r.run_id = {alias}.run_id WHERE r.study_id = $s AND r.status = 'finished' ORDER BY {alias}.rowid"
                : $"FROM {table} {alias} JOIN runs r ON r.run_id = {alias}.run_id WHERE r.study_id = $s AND r.status = 'finished' ORDER BY r.rowid, {alias}.rowid";
            var metrics = ReadByRun(runIds, $"""
                SELECT r.rowid, m.step, m.epoch, m.split, m.class, m.metric, m.value
                {Rows("metrics", "m")}
                """, id,
                r => new MetricRecord(r.GetInt32(1), r.GetDouble(2), names.Get(r.GetString(3)), IntOrNull(r, 4), names.Get(r.GetString(5)), DoubleOrNaN(r, 6)));
            var gradients = ReadByRun(runIds, $"""
                SELECT r.rowid, g.step, g.epoch, g.layer, g.class, g.other_class, g.metric, g.value
                {Rows("gradient_metrics", "g")}
                """, id,
                r => new GradientRecord(r.GetInt32(1), r.GetDouble(2), IntOrNull(r, 3), IntOrNull(r, 4), IntOrNull(r, 5), names.Get(r.GetString(6)), DoubleOrNaN(r, 7)));
            var representations = ReadByRun(runIds, $"""
                SELECT r.rowid, x.step, x.epoch, x.split, x.layer, x.class, x.other_class, x.metric, x.value, x.rows
                {Rows("representation_metrics", "x")}
                """, id,
                r => new RepresentationRecord(r.GetInt32(1), r.GetDouble(2), names.Get(r.GetString(3)), r.GetInt32(4), IntOrNull(r, 5),
                    IntOrNull(r, 6), names.Get(r.GetString(7)), DoubleOrNaN(r, 8), r.GetInt32(9)));

            var data = new List<RunData>(runs.Count);
            foreach (var run in runs)
                data.Add(new RunData(run, metrics.GetValueOrDefault(run.RunId) ?? [], gradients.GetValueOrDefault(run.RunId) ?? [],
                    representations.GetValueOrDefault(run.RunId) ?? []));
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

    /// <summary>
    /// Reads one table's records of a study's runs, grouped by run id, each run's in the order the query gives. The
    /// query's first column is the run's rowid (a key of <paramref name="runIds"/>); a plain loop rather than an
    /// iterator, a tuple and a delegate per row, and a look-up only where the run changes from the row before.
    /// </summary>
    private Dictionary<string, IReadOnlyList<T>> ReadByRun<T>(Dictionary<long, string> runIds, string sql, string studyId, Func<SqliteDataReader, T> map)
    {
        var byRow = new Dictionary<long, List<T>>();
        using var cmd = Command(sql);
        cmd.Parameters.AddWithValue("$s", studyId);
        Guard(() =>
        {
            using var r = cmd.ExecuteReader();
            List<T>? current = null;
            var currentRow = 0L;
            while (r.Read())
            {
                var row = r.GetInt64(0);
                if (current is null || row != currentRow)
                {
                    if (!byRow.TryGetValue(row, out current)) byRow[row] = current = [];
                    currentRow = row;
                }
                current.Add(Decode(r, map));
            }
        });
        return byRow.ToDictionary(p => runIds[p.Key], p => (IReadOnlyList<T>)p.Value, StringComparer.Ordinal);
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
