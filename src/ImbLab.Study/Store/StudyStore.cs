using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ImbLab.Core;
using Microsoft.Data.Sqlite;

namespace ImbLab.Study.Store;

/// <summary>
/// The SQLite store of one or more studies. One connection, guarded by a lock, so runs finishing on several
/// threads write one at a time. A run is written as 'running' when it starts and its records replace any earlier
/// partial ones in the single transaction that marks it 'finished': a killed process leaves at worst a
/// 'running' row, which the next study run deletes and redoes.
/// </summary>
internal sealed class StudyStore : IDisposable
{
    /// <summary>The tables holding a run's records, all replaced together when the run completes.</summary>
    private static readonly string[] RunTables = ["metrics", "samples", "sample_signals", "gradient_metrics", "representation_metrics", "activations"];

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private StudyStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public string Path { get; }

    /// <summary>Opens a store, creating it when <paramref name="create"/> is set and it does not exist.</summary>
    public static StudyStore Open(string path, bool create)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new ImbLabException($"{path}: is a folder; a store is a file (e.g. {System.IO.Path.Combine(path, "imblab.db")})");
        if (!File.Exists(full))
        {
            if (!create) throw new ImbLabException($"{path}: no such store");
            var dir = System.IO.Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        else if (!LooksLikeSqlite(full))
        {
            throw new ImbLabException($"{path}: not an ImbLab store (not a SQLite file)");
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
            var store = new StudyStore(path, connection);
            store.EnsureSchema(create);
            return store;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new ImbLabException($"{path}: cannot open the store: {e.SqliteErrorCode switch { 26 => "not a database", _ => e.Message }}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool LooksLikeSqlite(string path)
    {
        var header = "SQLite format 3\0"u8;
        var buffer = new byte[header.Length];
        using var stream = File.OpenRead(path);
        if (stream.Length == 0) return true; // an empty file is a fresh database to SQLite
        return stream.Read(buffer, 0, buffer.Length) == buffer.Length && header.SequenceEqual(buffer);
    }

    private void EnsureSchema(bool create)
    {
        var hasMeta = Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'") > 0;
        if (!hasMeta)
        {
            var tables = Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type='table'");
            if (tables > 0) throw new ImbLabException($"{Path}: a SQLite file, but not an ImbLab store (no meta table)");
            if (!create) throw new ImbLabException($"{Path}: an empty file, not an ImbLab store");
            using var tx = _connection.BeginTransaction();
            Execute(_connection, Schema.Create, tx);
            using var cmd = Command("INSERT INTO meta(key, value) VALUES ('schema_version', $v), ('created_by', $by)", tx);
            cmd.Parameters.AddWithValue("$v", Schema.Version.ToString(CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$by", "ImbLab " + ImbLabInfo.Version);
            cmd.ExecuteNonQuery();
            tx.Commit();
            return;
        }
        var version = Scalar<string>("SELECT value FROM meta WHERE key='schema_version'");
        if (version != Schema.Version.ToString(CultureInfo.InvariantCulture))
            throw new ImbLabException($"{Path}: store schema version {version ?? "(none)"}; this ImbLab reads version {Schema.Version}");
    }

    public void UpsertStudy(string studyId, string configJson)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                INSERT INTO studies(study_id, created_at, updated_at, imblab_version, config_json)
                VALUES ($id, $now, $now, $v, $cfg)
                ON CONFLICT(study_id) DO UPDATE SET updated_at = $now, imblab_version = $v
                """);
            cmd.Parameters.AddWithValue("$id", studyId);
            cmd.Parameters.AddWithValue("$now", Now());
            cmd.Parameters.AddWithValue("$v", ImbLabInfo.Version);
            cmd.Parameters.AddWithValue("$cfg", configJson);
            cmd.ExecuteNonQuery();
        }
    }

    public void UpsertDataset(DatasetRow d)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                INSERT OR REPLACE INTO datasets(dataset_id, name, source, fingerprint, rows, attributes, numeric_attrs,
                    nominal_attrs, class_names, class_counts, ir, details_json)
                VALUES ($id, $name, $source, $fp, $rows, $attrs, $num, $nom, $names, $counts, $ir, $details)
                """);
            cmd.Parameters.AddWithValue("$id", d.DatasetId);
            cmd.Parameters.AddWithValue("$name", d.Name);
            cmd.Parameters.AddWithValue("$source", d.Source);
            cmd.Parameters.AddWithValue("$fp", d.Fingerprint);
            cmd.Parameters.AddWithValue("$rows", d.Rows);
            cmd.Parameters.AddWithValue("$attrs", d.Attributes);
            cmd.Parameters.AddWithValue("$num", d.NumericAttributes);
            cmd.Parameters.AddWithValue("$nom", d.NominalAttributes);
            cmd.Parameters.AddWithValue("$names", JsonSerializer.Serialize(d.ClassNames));
            cmd.Parameters.AddWithValue("$counts", JsonSerializer.Serialize(d.ClassCounts));
            cmd.Parameters.AddWithValue("$ir", DbValue(d.ClassCounts.ImbalanceRatio()));
            cmd.Parameters.AddWithValue("$details", d.DetailsJson);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Ids of the finished runs of a study: these are kept and skipped on resume.</summary>
    public HashSet<string> FinishedRunIds(string studyId)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT run_id FROM runs WHERE study_id = $s AND status = 'finished'");
            cmd.Parameters.AddWithValue("$s", studyId);
            using var reader = cmd.ExecuteReader();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read()) ids.Add(reader.GetString(0));
            return ids;
        }
    }

    /// <summary>Deletes runs left 'running' by an interrupted study, with any partial records. Returns how many.</summary>
    public int DeleteUnfinished(string studyId)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            foreach (var table in RunTables)
            {
                using var del = Command($"DELETE FROM {table} WHERE run_id IN (SELECT run_id FROM runs WHERE study_id = $s AND status = 'running')", tx);
                del.Parameters.AddWithValue("$s", studyId);
                del.ExecuteNonQuery();
            }
            using var cmd = Command("DELETE FROM runs WHERE study_id = $s AND status = 'running'", tx);
            cmd.Parameters.AddWithValue("$s", studyId);
            var n = cmd.ExecuteNonQuery();
            tx.Commit();
            return n;
        }
    }

    public void BeginRun(RunRow run)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                INSERT OR REPLACE INTO runs(run_id, study_id, dataset_id, config_hash, config_json, seed, seed_index, protocol,
                    level, requested_ir, split_repeat, split_fold, minority_class, train_counts, test_counts, realised_ir,
                    status, started_at, finished_at, train_seconds, imblab_version)
                VALUES ($id, $study, $ds, $hash, $cfg, $seed, $si, $protocol, $level, $rir, $rep, $fold, $min, $train, $test,
                    $ir, 'running', $started, NULL, NULL, $v)
                """);
            cmd.Parameters.AddWithValue("$id", run.RunId);
            cmd.Parameters.AddWithValue("$study", run.StudyId);
            cmd.Parameters.AddWithValue("$ds", run.DatasetId);
            cmd.Parameters.AddWithValue("$hash", run.ConfigHash);
            cmd.Parameters.AddWithValue("$cfg", run.ConfigJson);
            cmd.Parameters.AddWithValue("$seed", run.Seed);
            cmd.Parameters.AddWithValue("$si", run.SeedIndex);
            cmd.Parameters.AddWithValue("$protocol", run.Protocol);
            cmd.Parameters.AddWithValue("$level", run.Level);
            cmd.Parameters.AddWithValue("$rir", run.RequestedIr is { } r ? r : DBNull.Value);
            cmd.Parameters.AddWithValue("$rep", run.SplitRepeat);
            cmd.Parameters.AddWithValue("$fold", run.SplitFold);
            cmd.Parameters.AddWithValue("$min", run.MinorityClass);
            cmd.Parameters.AddWithValue("$train", JsonSerializer.Serialize(run.TrainCounts));
            cmd.Parameters.AddWithValue("$test", JsonSerializer.Serialize(run.TestCounts));
            cmd.Parameters.AddWithValue("$ir", run.RealisedIr is { } ir ? ir : DBNull.Value);
            cmd.Parameters.AddWithValue("$started", run.StartedAt);
            cmd.Parameters.AddWithValue("$v", run.ImbLabVersion);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Writes all of a run's records and marks it finished, atomically.</summary>
    public void CompleteRun(string runId, RunRecords records, double trainSeconds)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            foreach (var table in RunTables)
            {
                using var del = Command($"DELETE FROM {table} WHERE run_id = $id", tx);
                del.Parameters.AddWithValue("$id", runId);
                del.ExecuteNonQuery();
            }

            using (var cmd = Command("INSERT INTO metrics(run_id, step, epoch, split, class, metric, value) VALUES ($id, $step, $epoch, $split, $class, $metric, $value)", tx))
            {
                var pId = cmd.Parameters.AddWithValue("$id", runId);
                var pStep = cmd.Parameters.Add("$step", SqliteType.Integer);
                var pEpoch = cmd.Parameters.Add("$epoch", SqliteType.Real);
                var pSplit = cmd.Parameters.Add("$split", SqliteType.Text);
                var pClass = cmd.Parameters.Add("$class", SqliteType.Integer);
                var pMetric = cmd.Parameters.Add("$metric", SqliteType.Text);
                var pValue = cmd.Parameters.Add("$value", SqliteType.Real);
                cmd.Prepare();
                foreach (var m in records.Metrics)
                {
                    pStep.Value = m.Step;
                    pEpoch.Value = m.Epoch;
                    pSplit.Value = m.Split;
                    pClass.Value = m.Class is { } c ? c : DBNull.Value;
                    pMetric.Value = m.Metric;
                    pValue.Value = DbValue(m.Value);
                    cmd.ExecuteNonQuery();
                }
            }

            using (var cmd = Command("INSERT INTO samples(run_id, split, row_ids, labels) VALUES ($id, $split, $rows, $labels)", tx))
            {
                cmd.Parameters.AddWithValue("$id", runId);
                var pSplit = cmd.Parameters.Add("$split", SqliteType.Text);
                var pRows = cmd.Parameters.Add("$rows", SqliteType.Blob);
                var pLabels = cmd.Parameters.Add("$labels", SqliteType.Blob);
                foreach (var s in records.Samples)
                {
                    pSplit.Value = s.Split;
                    pRows.Value = Blob.FromInts(s.RowIds);
                    pLabels.Value = Blob.FromInts(s.Labels);
                    cmd.ExecuteNonQuery();
                }
            }

            using (var cmd = Command("INSERT INTO sample_signals(run_id, step, epoch, split, p_true, margin, correct) VALUES ($id, $step, $epoch, $split, $p, $m, $c)", tx))
            {
                cmd.Parameters.AddWithValue("$id", runId);
                var pStep = cmd.Parameters.Add("$step", SqliteType.Integer);
                var pEpoch = cmd.Parameters.Add("$epoch", SqliteType.Real);
                var pSplit = cmd.Parameters.Add("$split", SqliteType.Text);
                var pP = cmd.Parameters.Add("$p", SqliteType.Blob);
                var pM = cmd.Parameters.Add("$m", SqliteType.Blob);
                var pC = cmd.Parameters.Add("$c", SqliteType.Blob);
                foreach (var s in records.Signals)
                {
                    pStep.Value = s.Step;
                    pEpoch.Value = s.Epoch;
                    pSplit.Value = s.Split;
                    pP.Value = Blob.FromHalves(s.TrueClassProbability);
                    pM.Value = Blob.FromHalves(s.Margin);
                    pC.Value = Blob.FromBools(s.Correct);
                    cmd.ExecuteNonQuery();
                }
            }

            using (var cmd = Command("INSERT INTO gradient_metrics(run_id, step, epoch, layer, class, other_class, metric, value) VALUES ($id, $step, $epoch, $layer, $class, $other, $metric, $value)", tx))
            {
                cmd.Parameters.AddWithValue("$id", runId);
                var p = new[] { "$step", "$epoch", "$layer", "$class", "$other", "$metric", "$value" }.Select(n => cmd.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
                foreach (var g in records.Gradients)
                {
                    p[0].Value = g.Step;
                    p[1].Value = g.Epoch;
                    p[2].Value = Nullable(g.Layer);
                    p[3].Value = Nullable(g.Class);
                    p[4].Value = Nullable(g.OtherClass);
                    p[5].Value = g.Metric;
                    p[6].Value = DbValue(g.Value);
                    cmd.ExecuteNonQuery();
                }
            }

            using (var cmd = Command("INSERT INTO representation_metrics(run_id, step, epoch, split, layer, class, other_class, metric, value, rows) VALUES ($id, $step, $epoch, $split, $layer, $class, $other, $metric, $value, $rows)", tx))
            {
                cmd.Parameters.AddWithValue("$id", runId);
                var p = new[] { "$step", "$epoch", "$split", "$layer", "$class", "$other", "$metric", "$value", "$rows" }.Select(n => cmd.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
                foreach (var r in records.Representations)
                {
                    p[0].Value = r.Step;
                    p[1].Value = r.Epoch;
                    p[2].Value = r.Split;
                    p[3].Value = r.Layer;
                    p[4].Value = Nullable(r.Class);
                    p[5].Value = Nullable(r.OtherClass);
                    p[6].Value = r.Metric;
                    p[7].Value = DbValue(r.Value);
                    p[8].Value = r.Rows;
                    cmd.ExecuteNonQuery();
                }
            }

            using (var cmd = Command("INSERT INTO activations(run_id, step, epoch, split, layer, width, row_ids, vals) VALUES ($id, $step, $epoch, $split, $layer, $width, $rows, $vals)", tx))
            {
                cmd.Parameters.AddWithValue("$id", runId);
                var p = new[] { "$step", "$epoch", "$split", "$layer", "$width", "$rows", "$vals" }.Select(n => cmd.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
                foreach (var a in records.Activations)
                {
                    p[0].Value = a.Step;
                    p[1].Value = a.Epoch;
                    p[2].Value = a.Split;
                    p[3].Value = a.Layer;
                    p[4].Value = a.Width;
                    p[5].Value = Blob.FromInts(a.RowIds);
                    p[6].Value = Blob.FromFloats(a.Values);
                    cmd.ExecuteNonQuery();
                }
            }

            using (var cmd = Command("UPDATE runs SET status = 'finished', finished_at = $now, train_seconds = $secs WHERE run_id = $id", tx))
            {
                cmd.Parameters.AddWithValue("$id", runId);
                cmd.Parameters.AddWithValue("$now", Now());
                cmd.Parameters.AddWithValue("$secs", trainSeconds);
                if (cmd.ExecuteNonQuery() != 1) throw new InvalidOperationException($"run {runId} was not begun");
            }
            tx.Commit();
        }
    }

    public IReadOnlyList<RunRow> Runs(string? studyId = null, bool finishedOnly = true)
    {
        lock (_gate)
        {
            using var cmd = Command($"""
                SELECT run_id, study_id, dataset_id, config_hash, config_json, seed, seed_index, protocol, level, requested_ir,
                       split_repeat, split_fold, minority_class, train_counts, test_counts, status, started_at, finished_at,
                       train_seconds, imblab_version
                FROM runs
                WHERE ($s IS NULL OR study_id = $s) {(finishedOnly ? "AND status = 'finished'" : "")}
                ORDER BY rowid
                """);
            cmd.Parameters.AddWithValue("$s", (object?)studyId ?? DBNull.Value);
            using var r = cmd.ExecuteReader();
            var runs = new List<RunRow>();
            while (r.Read())
            {
                runs.Add(new RunRow(
                    r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt32(6),
                    r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetDouble(9), r.GetInt32(10), r.GetInt32(11),
                    r.GetInt32(12), JsonSerializer.Deserialize<int[]>(r.GetString(13))!, JsonSerializer.Deserialize<int[]>(r.GetString(14))!,
                    r.GetString(15), r.GetString(16), r.IsDBNull(17) ? null : r.GetString(17), r.IsDBNull(18) ? null : r.GetDouble(18),
                    r.GetString(19)));
            }
            return runs;
        }
    }

    public IReadOnlyList<DatasetRow> Datasets()
    {
        lock (_gate)
        {
            using var cmd = Command("""
                SELECT dataset_id, name, source, fingerprint, rows, attributes, numeric_attrs, nominal_attrs, class_names,
                       class_counts, details_json
                FROM datasets ORDER BY name
                """);
            using var r = cmd.ExecuteReader();
            var list = new List<DatasetRow>();
            while (r.Read())
            {
                list.Add(new DatasetRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
                    r.GetInt32(6), r.GetInt32(7), JsonSerializer.Deserialize<string[]>(r.GetString(8))!,
                    JsonSerializer.Deserialize<int[]>(r.GetString(9))!, r.GetString(10)));
            }
            return list;
        }
    }

    /// <summary>Streams the metrics of finished runs (all, or one run) in run, step, split order.</summary>
    public IEnumerable<(string RunId, MetricRecord Record)> Metrics(string? runId = null)
    {
        using var cmd = Command("""
            SELECT m.run_id, m.step, m.epoch, m.split, m.class, m.metric, m.value
            FROM metrics m JOIN runs r ON r.run_id = m.run_id
            WHERE r.status = 'finished' AND ($id IS NULL OR m.run_id = $id)
            ORDER BY r.rowid, m.rowid
            """);
        cmd.Parameters.AddWithValue("$id", (object?)runId ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return (r.GetString(0), new MetricRecord(r.GetInt32(1), r.GetDouble(2), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt32(4), r.GetString(5), r.IsDBNull(6) ? double.NaN : r.GetDouble(6)));
        }
    }

    /// <summary>Each finished run's metrics at its last checkpoint (the end of training).</summary>
    public IReadOnlyList<(string RunId, string Split, int? Class, string Metric, double Value)> FinalMetrics(string studyId)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                WITH last AS (
                    SELECT m.run_id, max(m.step) AS step FROM metrics m JOIN runs r ON r.run_id = m.run_id
                    WHERE r.study_id = $s AND r.status = 'finished' GROUP BY m.run_id)
                SELECT m.run_id, m.split, m.class, m.metric, m.value
                FROM metrics m JOIN last ON last.run_id = m.run_id AND last.step = m.step
                """);
            cmd.Parameters.AddWithValue("$s", studyId);
            using var r = cmd.ExecuteReader();
            var rows = new List<(string, string, int?, string, double)>();
            while (r.Read())
                rows.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetString(3), r.IsDBNull(4) ? double.NaN : r.GetDouble(4)));
            return rows;
        }
    }

    /// <summary>The gradient-competition records of one finished run, in checkpoint order.</summary>
    public IReadOnlyList<GradientRecord> Gradients(string runId)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT step, epoch, layer, class, other_class, metric, value FROM gradient_metrics WHERE run_id = $id ORDER BY rowid");
            cmd.Parameters.AddWithValue("$id", runId);
            using var r = cmd.ExecuteReader();
            var list = new List<GradientRecord>();
            while (r.Read())
                list.Add(new GradientRecord(r.GetInt32(0), r.GetDouble(1), IntOrNull(r, 2), IntOrNull(r, 3), IntOrNull(r, 4), r.GetString(5), r.IsDBNull(6) ? double.NaN : r.GetDouble(6)));
            return list;
        }
    }

    /// <summary>The representation-separability records of one finished run, in checkpoint order.</summary>
    public IReadOnlyList<RepresentationRecord> Representations(string runId)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT step, epoch, split, layer, class, other_class, metric, value, rows FROM representation_metrics WHERE run_id = $id ORDER BY rowid");
            cmd.Parameters.AddWithValue("$id", runId);
            using var r = cmd.ExecuteReader();
            var list = new List<RepresentationRecord>();
            while (r.Read())
                list.Add(new RepresentationRecord(r.GetInt32(0), r.GetDouble(1), r.GetString(2), r.GetInt32(3), IntOrNull(r, 4), IntOrNull(r, 5), r.GetString(6), r.IsDBNull(7) ? double.NaN : r.GetDouble(7), r.GetInt32(8)));
            return list;
        }
    }

    /// <summary>Streams the recorded hidden activations of one run (empty unless the study recorded them).</summary>
    public IEnumerable<ActivationSnapshot> Activations(string runId)
    {
        using var cmd = Command("SELECT step, epoch, split, layer, width, row_ids, vals FROM activations WHERE run_id = $id ORDER BY split, layer, step");
        cmd.Parameters.AddWithValue("$id", runId);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return new ActivationSnapshot(r.GetInt32(0), r.GetDouble(1), r.GetString(2), r.GetInt32(3), Blob.ToInts((byte[])r[5]), r.GetInt32(4), Blob.ToFloats((byte[])r[6]));
    }

    /// <summary>Replaces a study's findings (they are derived: recomputing them must not duplicate them).</summary>
    public void ReplaceFindings(string studyId, IEnumerable<FindingRow> findings)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            using (var del = Command("DELETE FROM findings WHERE study_id = $s", tx))
            {
                del.Parameters.AddWithValue("$s", studyId);
                del.ExecuteNonQuery();
            }
            using var cmd = Command("""
                INSERT INTO findings(study_id, dataset, protocol, finding, statement, verdict, effect, ci_low, ci_high, p_value, n, details_json, created_at)
                VALUES ($s, $d, $p, $f, $st, $v, $e, $lo, $hi, $pv, $n, $details, $now)
                """, tx);
            var p = new[] { "$s", "$d", "$p", "$f", "$st", "$v", "$e", "$lo", "$hi", "$pv", "$n", "$details", "$now" }.Select(n => cmd.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
            var now = Now();
            foreach (var f in findings)
            {
                if (f.StudyId != studyId) throw new ArgumentException($"finding of study {f.StudyId} given for study {studyId}", nameof(findings));
                object[] values = [f.StudyId, f.Dataset, f.Protocol, f.Finding, f.Statement, f.Verdict, DbValue(f.Effect), DbValue(f.CiLow), DbValue(f.CiHigh), DbValue(f.PValue), f.N, f.DetailsJson, now];
                for (var i = 0; i < values.Length; i++) p[i].Value = values[i];
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    public IReadOnlyList<FindingRow> Findings(string studyId)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT study_id, dataset, protocol, finding, statement, verdict, effect, ci_low, ci_high, p_value, n, details_json FROM findings WHERE study_id = $s ORDER BY rowid");
            cmd.Parameters.AddWithValue("$s", studyId);
            using var r = cmd.ExecuteReader();
            var list = new List<FindingRow>();
            double D(int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);
            while (r.Read())
                list.Add(new FindingRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), D(6), D(7), D(8), D(9), r.GetInt32(10), r.GetString(11)));
            return list;
        }
    }

    /// <summary>The studies in the store, newest first.</summary>
    public IReadOnlyList<(string StudyId, string CreatedAt, string UpdatedAt, string Version, string ConfigJson)> Studies()
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT study_id, created_at, updated_at, imblab_version, config_json FROM studies ORDER BY updated_at DESC");
            using var r = cmd.ExecuteReader();
            var list = new List<(string, string, string, string, string)>();
            while (r.Read()) list.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
            return list;
        }
    }

    public IReadOnlyList<SplitSamples> Samples(string runId)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT split, row_ids, labels FROM samples WHERE run_id = $id ORDER BY split");
            cmd.Parameters.AddWithValue("$id", runId);
            using var r = cmd.ExecuteReader();
            var list = new List<SplitSamples>();
            while (r.Read()) list.Add(new SplitSamples(r.GetString(0), Blob.ToInts((byte[])r[1]), Blob.ToInts((byte[])r[2])));
            return list;
        }
    }

    /// <summary>Streams the per-sample signals of one run, in split, step order.</summary>
    public IEnumerable<SampleSignals> Signals(string runId)
    {
        using var cmd = Command("SELECT step, epoch, split, p_true, margin, correct FROM sample_signals WHERE run_id = $id ORDER BY split, step");
        cmd.Parameters.AddWithValue("$id", runId);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var p = Blob.HalvesToFloats((byte[])r[3]);
            yield return new SampleSignals(r.GetInt32(0), r.GetDouble(1), r.GetString(2), p, Blob.HalvesToFloats((byte[])r[4]),
                Blob.ToBools((byte[])r[5], p.Length));
        }
    }

    public void Dispose() => _connection.Dispose();

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private T? Scalar<T>(string sql)
    {
        using var cmd = Command(sql);
        var v = cmd.ExecuteScalar();
        return v is null or DBNull ? default : (T)Convert.ChangeType(v, typeof(T), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    private static object Nullable(int? v) => v is { } x ? x : DBNull.Value;

    private static int? IntOrNull(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    // SQLite has no NaN: it would store NULL anyway; saying so here keeps the convention explicit (NULL = undefined).
    private static object DbValue(double v) => double.IsNaN(v) ? DBNull.Value : v;

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}

/// <summary>Compact little-endian encodings of the per-sample arrays.</summary>
internal static class Blob
{
    public static byte[] FromFloats(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static float[] ToFloats(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    public static byte[] FromInts(int[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static int[] ToInts(byte[] bytes) => MemoryMarshal.Cast<byte, int>(bytes).ToArray();

    /// <summary>
    /// float16, little-endian: per-sample signals are n x checkpoints per run, the bulk of a store, and 3 significant
    /// digits are plenty for a probability or a margin. Values beyond float16's range are clamped to +-65504.
    /// </summary>
    public static byte[] FromHalves(float[] values)
    {
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++) halves[i] = (Half)Math.Clamp(values[i], -65504f, 65504f);
        return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
    }

    public static float[] HalvesToFloats(byte[] bytes)
    {
        var halves = MemoryMarshal.Cast<byte, Half>(bytes);
        var values = new float[halves.Length];
        for (var i = 0; i < values.Length; i++) values[i] = (float)halves[i];
        return values;
    }

    /// <summary>One bit per value, least significant bit first.</summary>
    public static byte[] FromBools(bool[] values)
    {
        var bytes = new byte[(values.Length + 7) / 8];
        for (var i = 0; i < values.Length; i++)
            if (values[i]) bytes[i >> 3] |= (byte)(1 << (i & 7));
        return bytes;
    }

    public static bool[] ToBools(byte[] bytes, int count)
    {
        var values = new bool[count];
        for (var i = 0; i < count; i++) values[i] = (bytes[i >> 3] & (1 << (i & 7))) != 0;
        return values;
    }
}
