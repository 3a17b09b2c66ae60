using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Results;
using Microsoft.Data.Sqlite;

namespace ImbLab.Store;

/// <summary>
/// The SQLite store of one or more studies. One connection, guarded by a lock, so runs finishing on several
/// threads write one at a time. A run is claimed as 'running' (with its owner and a heartbeat) when it starts and its
/// records replace any earlier partial ones in the single transaction that marks it 'finished': a killed process
/// leaves at worst a 'running' row, which a later study process redoes once its owner is gone (StudyStore.Runs.cs).
/// SQLite failures leave the store as <see cref="ImbLabException"/>s naming the store (<see cref="StoreErrors"/>).
/// </summary>
public sealed partial class StudyStore : IDisposable
{
    /// <summary>The tables holding a run's records, all replaced together when the run completes.</summary>
    private static readonly string[] RunTables = ["metrics", "samples", "sample_signals", "gradient_metrics", "representation_metrics", "activations"];

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;

    /// <summary>The read transaction a loaded <see cref="Core.Results.StudyData"/> holds open, so all its reads see one snapshot.</summary>
    private SqliteTransaction? _snapshot;

    /// <summary>Whether the runs table has the remedy column: false only for an older store opened for reading (not migrated).</summary>
    private bool _hasRemedy = true;

    private StudyStore(string path, SqliteConnection connection, TimeProvider clock, bool immutable)
    {
        Path = path;
        _connection = connection;
        _clock = clock;
        Immutable = immutable;
        Owner = RunOwner.ThisProcess();
    }

    public string Path { get; }

    /// <summary>This connection's identity as the owner of the runs it claims.</summary>
    public RunOwner Owner { get; }

    /// <summary>Whether the store was opened as immutable: read-only, in a folder where SQLite could not create its -shm file.</summary>
    public bool Immutable { get; }

    /// <summary>Opens a store, creating it when <paramref name="create"/> is set and it does not exist; a version-2 store is migrated.</summary>
    public static StudyStore Open(string path, bool create, TimeProvider? clock = null) =>
        Open(path, create, readOnly: false, clock ?? TimeProvider.System);

    /// <summary>Opens an existing store for reading only: read commands work on a store the user may not write.</summary>
    public static StudyStore OpenForReading(string path) => Open(path, create: false, readOnly: true, TimeProvider.System);

    private static StudyStore Open(string path, bool create, bool readOnly, TimeProvider clock)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new ImbLabException($"{path}: is a folder; a store is a file (e.g. {System.IO.Path.Combine(path, "imblab.db")})");
        if (!File.Exists(full))
        {
            if (!create) throw new ImbLabException($"{path}: no such store (a store is the imblab.db file 'imblab study' writes, e.g. imblab-results/imblab.db)");
            var dir = System.IO.Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        else if (!LooksLikeSqlite(full))
        {
            throw new ImbLabException($"{path}: not an ImbLab store (not a SQLite file)");
        }

        try
        {
            return Connect(path, full, create, readOnly, immutable: false, clock);
        }
        catch (SqliteException e) when (readOnly && ((e.SqliteErrorCode & 0xFF) is 8 or 14 || StoreErrors.DiskIsFull(full)))
        {
            // A WAL store is read through its -shm file, which a reader creates beside the store when it is missing; in a
            // folder the user may not write, or on a full disk, that fails. With no unmerged -wal content the file alone is
            // the whole store (a writer that closes merges its WAL into it), so it is read as immutable: no -shm, no locks.
            if (UnmergedWal(full))
            {
                var wal = System.IO.Path.GetFileName(full) + "-wal";
                throw new ImbLabException(StoreErrors.DiskIsFull(full)
                    ? $"{path}: cannot read the store: the disk is full and its write-ahead log ({wal}) holds changes not merged into it; free some space (or copy the store and its -wal file to a disk with room) and run the command again"
                    : $"{path}: cannot read the store: its folder is read-only and its write-ahead log ({wal}) holds changes not merged into it; copy the store and its -wal file to a folder you may write", e);
            }
            try
            {
                return Connect(path, full, create, readOnly, immutable: true, clock);
            }
            catch (SqliteException again)
            {
                throw StoreErrors.Describe(path, again);
            }
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Describe(path, e, writing: !readOnly);
        }
    }

    /// <summary>
    /// Test seam: a page limit (PRAGMA max_page_count) for the writer connections of the store at a full path, so a test
    /// can fill a store as a full disk would (SQLITE_FULL) without one. Empty outside tests.
    /// </summary>
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> PageLimits = new(StringComparer.Ordinal);

    /// <summary>The connection string of a store connection (exposed so tests can see which way a store was opened).</summary>
    internal static string ConnectionString(string full, bool create, bool readOnly, bool immutable) => new SqliteConnectionStringBuilder
    {
        // SQLite's URI form is the only way to pass immutable=1; Microsoft.Data.Sqlite opens URIs.
        DataSource = immutable ? new Uri(full).AbsoluteUri + "?immutable=1" : full,
        Mode = readOnly ? SqliteOpenMode.ReadOnly : create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
        Pooling = false,
    }.ToString();

    private static StudyStore Connect(string path, string full, bool create, bool readOnly, bool immutable, TimeProvider clock)
    {
        var connection = new SqliteConnection(ConnectionString(full, create, readOnly, immutable));
        try
        {
            connection.Open();
            Execute(connection, readOnly
                ? "PRAGMA busy_timeout=5000;"
                : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
            if (!readOnly && PageLimits.TryGetValue(full, out var pages)) Execute(connection, $"PRAGMA max_page_count={pages};");
            var store = new StudyStore(path, connection, clock, immutable);
            store.EnsureSchema(create, readOnly);
            return store;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Whether a -wal file beside the store holds frames (more than its 32-byte header).</summary>
    private static bool UnmergedWal(string full)
    {
        var wal = new FileInfo(full + "-wal");
        return wal.Exists && wal.Length > 32;
    }

    private static bool LooksLikeSqlite(string path)
    {
        var header = "SQLite format 3\0"u8;
        var buffer = new byte[header.Length];
        using var stream = File.OpenRead(path);
        if (stream.Length == 0) return true; // an empty file is a fresh database to SQLite
        return stream.Read(buffer, 0, buffer.Length) == buffer.Length && header.SequenceEqual(buffer);
    }

    private void EnsureSchema(bool create, bool readOnly)
    {
        if (Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'") == 0)
        {
            if (!create) throw new ImbLabException($"{Path}: {(Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type='table'") > 0 ? "a SQLite file, but not an ImbLab store (no meta table)" : "an empty file, not an ImbLab store")}");
            // Checked again inside the write transaction: two study processes started together may both find the file new.
            using var tx = _connection.BeginTransaction();
            if (Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'", tx) == 0)
            {
                if (Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type='table'", tx) > 0)
                    throw new ImbLabException($"{Path}: a SQLite file, but not an ImbLab store (no meta table)");
                Execute(_connection, Schema.Create, tx);
                using var cmd = Command("INSERT INTO meta(key, value) VALUES ('schema_version', $v), ('created_by', $by)", tx);
                cmd.Parameters.AddWithValue("$v", Schema.Version.ToString(CultureInfo.InvariantCulture));
                cmd.Parameters.AddWithValue("$by", "ImbLab " + ImbLabInfo.Version);
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        var version = Scalar<string>("SELECT value FROM meta WHERE key='schema_version'");
        if (version == Schema.Version.ToString(CultureInfo.InvariantCulture)) return;
        if (int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= Schema.OldestReadable && v < Schema.Version)
        {
            if (!readOnly) Migrate();
            else _hasRemedy = false;
            return;
        }
        throw new ImbLabException($"{Path}: store schema version {version ?? "(none)"}; this ImbLab reads versions {Schema.OldestReadable} to {Schema.Version}");
    }

    /// <summary>
    /// Migrates a version-2, -3 or -4 store in place, step by step; the version is read again inside the write transaction, so
    /// two processes opening it at once migrate it once. Foreign keys are off while the runs table is rebuilt (version 4):
    /// dropping the old table would otherwise count as deleting the rows the other tables refer to.
    /// </summary>
    private void Migrate()
    {
        Execute(_connection, "PRAGMA foreign_keys=OFF;", null);
        try
        {
            using var tx = _connection.BeginTransaction();
            using var cmd = Command("SELECT value FROM meta WHERE key='schema_version'", tx);
            var version = Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version == "2") { Execute(_connection, Schema.MigrateFrom2, tx); version = "3"; }
            if (version == "3") { Execute(_connection, Schema.MigrateFrom3, tx); version = "4"; }
            if (version == "4") Execute(_connection, Schema.MigrateFrom4, tx);
            tx.Commit();
        }
        finally
        {
            Execute(_connection, "PRAGMA foreign_keys=ON;", null);
        }
    }

    public void UpsertStudy(string studyId, string configJson)
    {
        lock (_gate) Guard(() =>
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
        });
    }

    public void UpsertDataset(DatasetRow d)
    {
        lock (_gate) Guard(() =>
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
        });
    }

    public IReadOnlyList<RunRow> Runs(string? studyId = null, bool finishedOnly = true) => Query($"""
        SELECT run_id, study_id, dataset_id, config_hash, config_json, seed, seed_index, protocol, level, requested_ir,
               split_repeat, split_fold, minority_class, train_counts, test_counts, status, started_at, finished_at,
               train_seconds, imblab_version, {(_hasRemedy ? "remedy" : "'none'")}
        FROM runs
        WHERE ($s IS NULL OR study_id = $s) {(finishedOnly ? "AND status = 'finished'" : "")}
        ORDER BY rowid
        """,
        r => new RunRow(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt32(6),
            r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetDouble(9), r.GetInt32(10), r.GetInt32(11),
            r.GetInt32(12), Json<int[]>(r, 13, $"run {r.GetString(0)}", "train_counts"), Json<int[]>(r, 14, $"run {r.GetString(0)}", "test_counts"),
            r.GetString(15), r.GetString(16), r.IsDBNull(17) ? null : r.GetString(17), r.IsDBNull(18) ? null : r.GetDouble(18),
            r.GetString(19)) { Remedy = r.GetString(20) },
        ("$s", studyId));

    public IReadOnlyList<DatasetRow> Datasets() => Query("""
        SELECT dataset_id, name, source, fingerprint, rows, attributes, numeric_attrs, nominal_attrs, class_names,
               class_counts, details_json
        FROM datasets ORDER BY name
        """,
        r => new DatasetRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
            r.GetInt32(6), r.GetInt32(7), Json<string[]>(r, 8, $"dataset {r.GetString(0)}", "class_names"),
            Json<int[]>(r, 9, $"dataset {r.GetString(0)}", "class_counts"), r.GetString(10)));

    /// <summary>
    /// Streams the metrics of finished and diverged runs (all, or one run) in run, step, split order; a diverged run's
    /// end before its divergence. Not those of runs in flight.
    /// </summary>
    public IEnumerable<(string RunId, MetricRecord Record)> Metrics(string? runId = null) => Stream("""
        SELECT m.run_id, m.step, m.epoch, m.split, m.class, m.metric, m.value
        FROM metrics m JOIN runs r ON r.run_id = m.run_id
        WHERE r.status IN ('finished', 'diverged') AND ($id IS NULL OR m.run_id = $id)
        ORDER BY r.rowid, m.rowid
        """,
        r => (r.GetString(0), new MetricRecord(r.GetInt32(1), r.GetDouble(2), r.GetString(3), IntOrNull(r, 4), r.GetString(5), DoubleOrNaN(r, 6))),
        ("$id", runId));

    /// <summary>The gradient-competition records of one finished run, in checkpoint order.</summary>
    public IReadOnlyList<GradientRecord> Gradients(string runId) => Query(
        "SELECT step, epoch, layer, class, other_class, metric, value FROM gradient_metrics WHERE run_id = $id ORDER BY rowid",
        r => new GradientRecord(r.GetInt32(0), r.GetDouble(1), IntOrNull(r, 2), IntOrNull(r, 3), IntOrNull(r, 4), r.GetString(5), DoubleOrNaN(r, 6)),
        ("$id", runId));

    /// <summary>The representation-separability records of one finished run, in checkpoint order.</summary>
    public IReadOnlyList<RepresentationRecord> Representations(string runId) => Query(
        "SELECT step, epoch, split, layer, class, other_class, metric, value, rows FROM representation_metrics WHERE run_id = $id ORDER BY rowid",
        r => new RepresentationRecord(r.GetInt32(0), r.GetDouble(1), r.GetString(2), r.GetInt32(3), IntOrNull(r, 4), IntOrNull(r, 5),
            r.GetString(6), DoubleOrNaN(r, 7), r.GetInt32(8)),
        ("$id", runId));

    /// <summary>Streams the recorded hidden activations of one run (empty unless the study recorded them).</summary>
    public IEnumerable<ActivationSnapshot> Activations(string runId) => Stream(
        "SELECT step, epoch, split, layer, width, row_ids, vals FROM activations WHERE run_id = $id ORDER BY split, layer, step",
        r => new ActivationSnapshot(r.GetInt32(0), r.GetDouble(1), r.GetString(2), r.GetInt32(3), Blob.ToInts((byte[])r[5]), r.GetInt32(4),
            Blob.ToFloats((byte[])r[6])),
        ("$id", runId));

    /// <summary>Replaces a study's findings (they are derived: recomputing them must not duplicate them).</summary>
    public void ReplaceFindings(string studyId, IEnumerable<FindingRow> findings)
    {
        var rows = findings.ToList();
        var foreign = rows.FirstOrDefault(f => f.StudyId != studyId);
        if (foreign is not null) throw new ArgumentException($"finding of study {foreign.StudyId} given for study {studyId}", nameof(findings));
        lock (_gate) Guard(() =>
        {
            using var tx = _connection.BeginTransaction();
            NonQuery(tx, "DELETE FROM findings WHERE study_id = $s", ("$s", studyId));
            var now = Now();
            InsertAll(tx, "findings",
                ["study_id", "dataset", "protocol", "finding", "statement", "verdict", "effect", "ci_low", "ci_high", "p_value", "n", "details_json", "created_at", "remedy"],
                rows, f => [f.StudyId, f.Dataset, f.Protocol, f.Finding, f.Statement, f.Verdict, DbValue(f.Effect), DbValue(f.CiLow), DbValue(f.CiHigh),
                    DbValue(f.PValue), f.N, f.DetailsJson, now, f.Remedy]);
            tx.Commit();
        });
    }

    public IReadOnlyList<FindingRow> Findings(string studyId) => Query(
        $"SELECT study_id, dataset, protocol, finding, statement, verdict, effect, ci_low, ci_high, p_value, n, details_json, {(_hasRemedy ? "remedy" : "'none'")} FROM findings WHERE study_id = $s ORDER BY rowid",
        r => new FindingRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), DoubleOrNaN(r, 6),
            DoubleOrNaN(r, 7), DoubleOrNaN(r, 8), DoubleOrNaN(r, 9), r.GetInt32(10), r.GetString(11)) { Remedy = r.GetString(12) },
        ("$s", studyId));

    /// <summary>The studies in the store, newest first.</summary>
    public IReadOnlyList<StudyRow> Studies() => Query(
        "SELECT study_id, created_at, updated_at, imblab_version, config_json FROM studies ORDER BY updated_at DESC",
        r => new StudyRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));

    /// <summary>
    /// The samples of one run by split. A run writes a samples row for every split it records signals of (RunMonitor),
    /// so a missing one is damage, reported here rather than as a failed lookup in whatever reads the signals.
    /// </summary>
    public IReadOnlyList<SplitSamples> Samples(string runId)
    {
        var samples = Query(
            "SELECT split, row_ids, labels FROM samples WHERE run_id = $id ORDER BY split",
            r =>
            {
                var (rows, labels) = (Ints(r, 1, runId, "samples.row_ids"), Ints(r, 2, runId, "samples.labels"));
                if (rows.Length != labels.Length)
                    throw StoreErrors.BadValue(Path, $"run {runId}", $"samples of split '{r.GetString(0)}' have {rows.Length} row ids but {labels.Length} labels");
                return new SplitSamples(r.GetString(0), rows, labels);
            },
            ("$id", runId));
        foreach (var split in Query("SELECT DISTINCT split FROM sample_signals WHERE run_id = $id", r => r.GetString(0), ("$id", runId)))
            if (samples.All(s => s.Split != split))
                throw StoreErrors.BadValue(Path, $"run {runId}", $"no samples row for split '{split}' although the run has per-sample signals of it (the store is damaged)");
        return samples;
    }

    /// <summary>Streams the per-sample signals of one run, in split, step order.</summary>
    public IEnumerable<SampleSignals> Signals(string runId) => Stream(
        "SELECT step, epoch, split, p_true, margin, correct FROM sample_signals WHERE run_id = $id ORDER BY split, step",
        r =>
        {
            var (p, margin, correct) = (r[3] as byte[], r[4] as byte[], r[5] as byte[]);
            if (p is null || margin is null || correct is null || p.Length % 2 != 0 || margin.Length != p.Length || correct.Length * 8 < p.Length / 2)
                throw StoreErrors.BadValue(Path, $"run {runId}", $"sample_signals of split '{r.GetString(2)}' at step {r.GetInt32(0)}: p_true, margin and correct blobs are missing or of mismatched lengths");
            var probabilities = Blob.HalvesToFloats(p);
            return new SampleSignals(r.GetInt32(0), r.GetDouble(1), r.GetString(2), probabilities, Blob.HalvesToFloats(margin), Blob.ToBools(correct, probabilities.Length));
        },
        ("$id", runId));

    public void Dispose()
    {
        lock (_gate)
        {
            _heartbeat?.Dispose();
            _heartbeat = null;
            _snapshot?.Dispose();
            _snapshot = null;
            _connection.Dispose();
        }
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx ?? _snapshot;
        return cmd;
    }

    /// <summary>Runs a query under the lock and maps every row; null argument values bind as NULL.</summary>
    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        lock (_gate) return Stream(sql, map, args).ToList();
    }

    /// <summary>
    /// Streams a query's rows for large results (metrics, signals, activations). Not under the lock: streaming happens
    /// only when reading a store, never while runs are being written to the same connection.
    /// </summary>
    private IEnumerable<T> Stream<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql);
        Bind(cmd, args);
        using var r = Guard(cmd.ExecuteReader);
        // Not a try around the loop: C# allows no yield inside a try with a catch.
        while (Guard(r.Read)) yield return Decode(r, map);
    }

    /// <summary>Maps one row; a value of the wrong type or shape (a tampered or foreign row) becomes a one-line error.</summary>
    private T Decode<T>(SqliteDataReader r, Func<SqliteDataReader, T> map)
    {
        try
        {
            return map(r);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or JsonException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            throw StoreErrors.BadValue(Path, "a row of the store", $"unreadable value ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>Runs a store operation, turning a SQLite failure into a one-line error that names the store.</summary>
    private T Guard<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Describe(Path, e);
        }
    }

    private void Guard(Action operation) => Guard(() =>
    {
        operation();
        return true;
    });

    /// <summary>A JSON column, decoded with an error that names the row and the column.</summary>
    private T Json<T>(SqliteDataReader r, int i, string row, string column) where T : class
    {
        var text = r.IsDBNull(i) ? "NULL" : r.GetValue(i)?.ToString() ?? "";
        try
        {
            return JsonSerializer.Deserialize<T>(text) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            var shown = text.Length > 40 ? text[..40] + "..." : text;
            throw StoreErrors.BadValue(Path, row, $"{column} is not a JSON {(typeof(T) == typeof(string[]) ? "list of names" : "list of counts")} (\"{shown.ReplaceLineEndings(" ")}\")", e);
        }
    }

    /// <summary>An int32 blob, decoded with an error that names the run and the column.</summary>
    private int[] Ints(SqliteDataReader r, int i, string runId, string column)
    {
        if (r.IsDBNull(i) || r.GetValue(i) is not byte[] bytes) throw StoreErrors.BadValue(Path, $"run {runId}", $"{column} is missing or not a blob");
        if (bytes.Length % sizeof(int) != 0) throw StoreErrors.BadValue(Path, $"run {runId}", $"{column} has {bytes.Length} bytes, not a whole number of int32 values");
        return Blob.ToInts(bytes);
    }

    private int NonQuery(SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, tx);
        Bind(cmd, args);
        return Guard(cmd.ExecuteNonQuery);
    }

    /// <summary>Inserts every item as one row through a single prepared command.</summary>
    private void InsertAll<T>(SqliteTransaction tx, string table, string[] columns, IEnumerable<T> items, Func<T, object?[]> values)
    {
        using var cmd = Command($"INSERT INTO {table}({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))})", tx);
        var parameters = columns.Select(c => cmd.Parameters.AddWithValue("$" + c, DBNull.Value)).ToArray();
        foreach (var item in items)
        {
            var row = values(item);
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = row[i] ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
    }

    private static void Bind(SqliteCommand cmd, (string Name, object? Value)[] args)
    {
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    private T? Scalar<T>(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = Command(sql, tx);
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

    private static int? IntOrNull(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static double DoubleOrNaN(SqliteDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    // SQLite has no NaN: it would store NULL anyway; saying so here keeps the convention explicit (NULL = undefined).
    private static object DbValue(double v) => double.IsNaN(v) ? DBNull.Value : v;

    private string Now() => Timestamp(_clock.GetUtcNow());

    /// <summary>The store's time format: ISO 8601 UTC to the millisecond, which also orders correctly as text.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
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
