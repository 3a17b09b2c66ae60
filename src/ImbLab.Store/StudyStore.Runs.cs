using System.Text.Json;
using ImbLab.Core.Results;

namespace ImbLab.Store;

/// <summary>
/// Runs in flight, shared by several study processes on one store. A process claims a run before training it: one
/// write transaction inserts its 'running' row, with the owner (host, pid, token) and a heartbeat, only when the study
/// has no finished row for it and no live owner holds it. The owner refreshes the heartbeat of its runs in flight
/// every <see cref="RunOwner.HeartbeatInterval"/>; a 'running' row whose owner is gone (<see cref="RunOwner.IsGone"/>)
/// may be deleted with its partial records and redone by anyone. Finishing a run clears its owner, so a finished row
/// is the same whichever process wrote it.
/// </summary>
public sealed partial class StudyStore
{
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private ITimer? _heartbeat;

    public const string DivergedStatus = "diverged";

    /// <summary>The diverged runs of a study with where each diverged (a writable store: version 4 columns).</summary>
    public IReadOnlyList<DivergedRun> DivergedRuns(string studyId) => Query("""
        SELECT d.name, r.protocol, r.level, r.seed_index, r.seed, r.diverged_step, r.diverged_epoch, r.remedy
        FROM runs r JOIN datasets d ON d.dataset_id = r.dataset_id
        WHERE r.study_id = $s AND r.status = 'diverged'
        ORDER BY d.name, r.protocol, r.level, r.remedy, r.seed_index
        """, r => new DivergedRun(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt64(4),
            r.IsDBNull(5) ? 0 : r.GetInt32(5), r.IsDBNull(6) ? 0 : r.GetInt32(6), r.GetString(7)), ("$s", studyId));

    /// <summary>Ids of the finished runs of a study, diverged ones included (a divergence is a result): kept and skipped on resume.</summary>
    public HashSet<string> FinishedRunIds(string studyId) =>
        Query("SELECT run_id FROM runs WHERE study_id = $s AND status IN ('finished', 'diverged')", r => r.GetString(0), ("$s", studyId))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Deletes the study's 'running' runs whose owner is gone (an interrupted process), with any partial records, and
    /// returns how many. Runs of live workers are left alone.
    /// </summary>
    public int DeleteStaleRuns(string studyId)
    {
        lock (_gate) return Guard(() =>
        {
            using var tx = _connection.BeginTransaction();
            var now = _clock.GetUtcNow();
            var stale = InFlight(tx, "study_id = $s AND status = 'running'", ("$s", studyId))
                .Where(r => Owner.IsGone(r.Host, r.Pid, r.Token, r.Heartbeat, now)).ToList();
            foreach (var run in stale) DeleteRun(tx, run.RunId);
            tx.Commit();
            return stale.Count;
        });
    }

    /// <summary>
    /// Claims a run for this process: inserts its 'running' row unless the study already finished it or a live owner
    /// holds it. A row left by a gone owner (or by another study that shares the run id) is replaced, its partial
    /// records deleted. One write transaction, so two processes never both claim a run.
    /// </summary>
    public bool TryClaimRun(RunRow run)
    {
        lock (_gate)
        {
            var claimed = Guard(() =>
            {
                using var tx = _connection.BeginTransaction();
                var now = _clock.GetUtcNow();
                var existing = InFlight(tx, "run_id = $id", ("$id", run.RunId)).SingleOrDefault();
                if (existing is not null)
                {
                    var sameStudy = existing.StudyId == run.StudyId;
                    if (sameStudy && existing.Status is "finished" or "diverged") return false;
                    if (sameStudy && !Owner.IsGone(existing.Host, existing.Pid, existing.Token, existing.Heartbeat, now) && !Owner.Owns(existing.Token))
                        return false;
                    DeleteRun(tx, run.RunId);
                }
                InsertRunning(tx, run);
                tx.Commit();
                return true;
            });
            if (claimed) Track(run.RunId);
            return claimed;
        }
    }

    /// <summary>Writes a run as 'running' and owned by this process whatever is there (one `imblab train` run).</summary>
    public void BeginRun(RunRow run)
    {
        lock (_gate)
        {
            Guard(() =>
            {
                using var tx = _connection.BeginTransaction();
                InsertRunning(tx, run);
                tx.Commit();
            });
            Track(run.RunId);
        }
    }

    /// <summary>
    /// Writes all of a run's records and marks it finished, atomically. Returns false, writing nothing, when the run is no
    /// longer this process's to finish: another worker took it over after this one's heartbeat went stale (it will
    /// write the same records, runs being deterministic).
    /// </summary>
    public bool CompleteRun(string runId, RunRecords records, double trainSeconds)
    {
        lock (_gate)
        {
            var completed = Guard(() =>
            {
                using var tx = _connection.BeginTransaction();
                var row = InFlight(tx, "run_id = $id", ("$id", runId)).SingleOrDefault();
                if (row is not { Status: "running" } || !Owner.Owns(row.Token)) return false;
                foreach (var table in RunTables) NonQuery(tx, $"DELETE FROM {table} WHERE run_id = $id", ("$id", runId));

                InsertAll(tx, "metrics", ["run_id", "step", "epoch", "split", "class", "metric", "value"], records.Metrics,
                    m => [runId, m.Step, m.Epoch, m.Split, m.Class, m.Metric, DbValue(m.Value)]);
                InsertAll(tx, "samples", ["run_id", "split", "row_ids", "labels"], records.Samples,
                    s => [runId, s.Split, Blob.FromInts(s.RowIds), Blob.FromInts(s.Labels)]);
                InsertAll(tx, "sample_signals", ["run_id", "step", "epoch", "split", "p_true", "margin", "correct"], records.Signals,
                    s => [runId, s.Step, s.Epoch, s.Split, Blob.FromHalves(s.TrueClassProbability), Blob.FromHalves(s.Margin), Blob.FromBools(s.Correct)]);
                InsertAll(tx, "gradient_metrics", ["run_id", "step", "epoch", "layer", "class", "other_class", "metric", "value"], records.Gradients,
                    g => [runId, g.Step, g.Epoch, g.Layer, g.Class, g.OtherClass, g.Metric, DbValue(g.Value)]);
                InsertAll(tx, "representation_metrics", ["run_id", "step", "epoch", "split", "layer", "class", "other_class", "metric", "value", "rows"],
                    records.Representations, r => [runId, r.Step, r.Epoch, r.Split, r.Layer, r.Class, r.OtherClass, r.Metric, DbValue(r.Value), r.Rows]);
                InsertAll(tx, "activations", ["run_id", "step", "epoch", "split", "layer", "width", "row_ids", "vals"], records.Activations,
                    a => [runId, a.Step, a.Epoch, a.Split, a.Layer, a.Width, Blob.FromInts(a.RowIds), Blob.FromFloats(a.Values)]);

                NonQuery(tx, """
                    UPDATE runs SET status = $status, finished_at = $now, train_seconds = $secs,
                        owner_host = NULL, owner_pid = NULL, owner_token = NULL, heartbeat_at = NULL,
                        diverged_step = $dstep, diverged_epoch = $depoch
                    WHERE run_id = $id
                    """, ("$id", runId), ("$now", Now()), ("$secs", trainSeconds), ("$status", records.Diverged is null ? "finished" : "diverged"),
                    ("$dstep", records.Diverged?.Step), ("$depoch", records.Diverged?.Epoch));
                tx.Commit();
                return true;
            });
            // Only now: a write that failed (a full disk) leaves the run claimed by this process, for ReleaseClaims to free.
            _inFlight.Remove(runId);
            return completed;
        }
    }

    /// <summary>
    /// The study's runs held by live workers other than this one: a process with nothing left to claim waits for these
    /// before it reads the study, rather than reporting it complete.
    /// </summary>
    public int InFlightElsewhere(string studyId)
    {
        lock (_gate) return Guard(() =>
        {
            var now = _clock.GetUtcNow();
            return InFlight(_snapshot, "study_id = $s AND status = 'running'", ("$s", studyId))
                .Count(r => !Owner.Owns(r.Token) && !Owner.IsGone(r.Host, r.Pid, r.Token, r.Heartbeat, now));
        });
    }

    /// <summary>
    /// Gives up this process's runs in flight (their 'running' rows; records are only written when a run completes): a
    /// study that failed lets the next process, or one already working on the same store, redo them at once instead of
    /// waiting for its heartbeat to go stale. Best effort: on a full disk even the delete may fail, and then the rows
    /// stay until <see cref="DeleteStaleRuns"/> finds their owner gone.
    /// </summary>
    public void ReleaseClaims()
    {
        lock (_gate)
        {
            if (_inFlight.Count == 0) return;
            try
            {
                Guard(() =>
                {
                    using var tx = _connection.BeginTransaction();
                    foreach (var run in InFlight(tx, "status = 'running' AND owner_token = $t", ("$t", Owner.Token))) DeleteRun(tx, run.RunId);
                    tx.Commit();
                });
                _inFlight.Clear();
            }
            catch (Core.ImbLabException)
            {
                // Left for DeleteStaleRuns: this process is about to end with the failure it is reporting.
            }
        }
    }

    /// <summary>Refreshes the heartbeat of this process's runs in flight (the timer calls it; tests may too).</summary>
    public void Heartbeat()
    {
        lock (_gate)
        {
            // Not inside a read snapshot: the update would turn it into a write transaction held for the whole read.
            if (_inFlight.Count == 0 || _snapshot is not null) return;
            Guard(() => NonQuery(null, "UPDATE runs SET heartbeat_at = $now WHERE owner_token = $t AND status = 'running'",
                ("$now", Now()), ("$t", Owner.Token)));
        }
    }

    private void Track(string runId)
    {
        _inFlight.Add(runId);
        _heartbeat ??= _clock.CreateTimer(_ => Beat(), null, RunOwner.HeartbeatInterval, RunOwner.HeartbeatInterval);
    }

    /// <summary>A timer tick: a failed beat (store busy for long) is retried at the next one; throwing here would end the process.</summary>
    private void Beat()
    {
        try
        {
            Heartbeat();
        }
        catch (Core.ImbLabException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void InsertRunning(Microsoft.Data.Sqlite.SqliteTransaction tx, RunRow run) => NonQuery(tx, """
        INSERT OR REPLACE INTO runs(run_id, study_id, dataset_id, config_hash, config_json, seed, seed_index, protocol,
            level, requested_ir, split_repeat, split_fold, minority_class, train_counts, test_counts, realised_ir,
            status, started_at, finished_at, train_seconds, imblab_version, owner_host, owner_pid, owner_token, heartbeat_at, remedy)
        VALUES ($id, $study, $ds, $hash, $cfg, $seed, $si, $protocol, $level, $rir, $rep, $fold, $min, $train, $test,
            $ir, 'running', $started, NULL, NULL, $v, $host, $pid, $token, $now, $remedy)
        """,
        ("$id", run.RunId), ("$study", run.StudyId), ("$ds", run.DatasetId), ("$hash", run.ConfigHash), ("$cfg", run.ConfigJson),
        ("$seed", run.Seed), ("$si", run.SeedIndex), ("$protocol", run.Protocol), ("$level", run.Level), ("$rir", run.RequestedIr),
        ("$rep", run.SplitRepeat), ("$fold", run.SplitFold), ("$min", run.MinorityClass),
        ("$train", JsonSerializer.Serialize(run.TrainCounts)), ("$test", JsonSerializer.Serialize(run.TestCounts)),
        ("$ir", run.RealisedIr), ("$started", run.StartedAt), ("$v", run.ImbLabVersion),
        ("$host", Owner.Host), ("$pid", Owner.Pid), ("$token", Owner.Token), ("$now", Now()), ("$remedy", run.Remedy));

    /// <summary>Deletes a run's row and every record it wrote.</summary>
    private void DeleteRun(Microsoft.Data.Sqlite.SqliteTransaction tx, string runId)
    {
        foreach (var table in RunTables) NonQuery(tx, $"DELETE FROM {table} WHERE run_id = $id", ("$id", runId));
        NonQuery(tx, "DELETE FROM runs WHERE run_id = $id", ("$id", runId));
    }

    private List<InFlightRow> InFlight(Microsoft.Data.Sqlite.SqliteTransaction? tx, string where, params (string Name, object? Value)[] args)
    {
        using var cmd = Command($"SELECT run_id, study_id, status, owner_host, owner_pid, owner_token, heartbeat_at FROM runs WHERE {where}", tx);
        Bind(cmd, args);
        using var r = cmd.ExecuteReader();
        var rows = new List<InFlightRow>();
        while (r.Read())
        {
            rows.Add(new InFlightRow(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt64(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : Heartbeat(r.GetString(6))));
        }
        return rows;
    }

    /// <summary>An unreadable heartbeat counts as none, so its run is presumed abandoned rather than blocking the study.</summary>
    private static DateTimeOffset? Heartbeat(string text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private sealed record InFlightRow(string RunId, string StudyId, string Status, string? Host, long? Pid, string? Token, DateTimeOffset? Heartbeat);
}

/// <summary>A run whose loss became non-finite: its keys, and the updates done and 1-based epoch when it happened.</summary>
public sealed record DivergedRun(string Dataset, string Protocol, string Level, int SeedIndex, long Seed, int Step, int Epoch, string Remedy = "none");
