namespace ImbLab.Store;

/// <summary>
/// The SQLite schema (documented in docs/store.md). Bump <see cref="Version"/> on any change; a store with
/// another version is refused with a message rather than misread, except the previous ones, which read commands read
/// as they are and writers migrate in place (<see cref="MigrateFrom2"/>, <see cref="MigrateFrom3"/>, then <see cref="MigrateFrom4"/>).
/// </summary>
internal static class Schema
{
    public const int Version = 5;

    /// <summary>
    /// The oldest version read commands still read: 3, 4 and 5 only added columns and a status that reads do not need
    /// (a run of a store older than 5 reads as remedy 'none', which is what it trained with).
    /// </summary>
    public const int OldestReadable = 2;

    /// <summary>Version 3: the owner and heartbeat of a run in flight, so several processes can share one study.</summary>
    public const string MigrateFrom2 = """
        ALTER TABLE runs ADD COLUMN owner_host TEXT;
        ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
        ALTER TABLE runs ADD COLUMN owner_token TEXT;
        ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
        UPDATE meta SET value = '3' WHERE key = 'schema_version';
        """;

    /// <summary>
    /// Version 4: status 'diverged' with where it happened. SQLite cannot change a CHECK constraint in place, so the runs
    /// table is rebuilt (SQLite's documented procedure; the caller turns foreign keys off around it).
    /// </summary>
    public const string MigrateFrom3 = $"""
        CREATE TABLE runs_v4 ({RunsColumnsV4});
        INSERT INTO runs_v4 (run_id, study_id, dataset_id, config_hash, config_json, seed, seed_index, protocol, level, requested_ir,
            split_repeat, split_fold, minority_class, train_counts, test_counts, realised_ir, status, started_at, finished_at,
            train_seconds, imblab_version, owner_host, owner_pid, owner_token, heartbeat_at)
        SELECT run_id, study_id, dataset_id, config_hash, config_json, seed, seed_index, protocol, level, requested_ir,
            split_repeat, split_fold, minority_class, train_counts, test_counts, realised_ir, status, started_at, finished_at,
            train_seconds, imblab_version, owner_host, owner_pid, owner_token, heartbeat_at FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v4 RENAME TO runs;
        CREATE INDEX IF NOT EXISTS runs_by_study ON runs(study_id, status);
        UPDATE meta SET value = '4' WHERE key = 'schema_version';
        """;

    /// <summary>Version 5: the remedy of a run and of a finding (its canonical text; everything before remedies was none).</summary>
    public const string MigrateFrom4 = """
        ALTER TABLE runs ADD COLUMN remedy TEXT NOT NULL DEFAULT 'none';
        ALTER TABLE findings ADD COLUMN remedy TEXT NOT NULL DEFAULT 'none';
        CREATE INDEX IF NOT EXISTS runs_by_study_remedy ON runs(study_id, remedy);
        UPDATE meta SET value = '5' WHERE key = 'schema_version';
        """;

    /// <summary>The runs table as version 4 made it: the version-3 migration rebuilds it so, and version 5 adds to it.</summary>
    private const string RunsColumnsV4 = """

            run_id         TEXT PRIMARY KEY,
            study_id       TEXT NOT NULL REFERENCES studies(study_id),
            dataset_id     TEXT NOT NULL REFERENCES datasets(dataset_id),
            config_hash    TEXT NOT NULL,
            config_json    TEXT NOT NULL,
            seed           INTEGER NOT NULL,
            seed_index     INTEGER NOT NULL,
            protocol       TEXT NOT NULL,
            level          TEXT NOT NULL,
            requested_ir   REAL,
            split_repeat   INTEGER NOT NULL,
            split_fold     INTEGER NOT NULL,
            minority_class INTEGER NOT NULL,
            train_counts   TEXT NOT NULL,
            test_counts    TEXT NOT NULL,
            realised_ir    REAL,
            status         TEXT NOT NULL CHECK (status IN ('running', 'finished', 'diverged')),
            started_at     TEXT NOT NULL,
            finished_at    TEXT,
            train_seconds  REAL,
            imblab_version TEXT NOT NULL,
            owner_host     TEXT,
            owner_pid      INTEGER,
            owner_token    TEXT,
            heartbeat_at   TEXT,
            diverged_step  INTEGER,
            diverged_epoch INTEGER
        """;

    private const string RunsColumns = RunsColumnsV4 + """
        ,
            remedy         TEXT NOT NULL DEFAULT 'none'
        """;

    public const string Create = $"""
        CREATE TABLE IF NOT EXISTS meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS studies (
            study_id       TEXT PRIMARY KEY,
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL,
            imblab_version TEXT NOT NULL,
            config_json    TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS datasets (
            dataset_id     TEXT PRIMARY KEY,
            name           TEXT NOT NULL,
            source         TEXT NOT NULL,
            fingerprint    TEXT NOT NULL,
            rows           INTEGER NOT NULL,
            attributes     INTEGER NOT NULL,
            numeric_attrs  INTEGER NOT NULL,
            nominal_attrs  INTEGER NOT NULL,
            class_names    TEXT NOT NULL,
            class_counts   TEXT NOT NULL,
            ir             REAL,
            details_json   TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS runs ({RunsColumns});
        CREATE INDEX IF NOT EXISTS runs_by_study ON runs(study_id, status);
        CREATE INDEX IF NOT EXISTS runs_by_study_remedy ON runs(study_id, remedy);
        CREATE TABLE IF NOT EXISTS metrics (
            run_id  TEXT NOT NULL REFERENCES runs(run_id),
            step    INTEGER NOT NULL,
            epoch   REAL NOT NULL,
            split   TEXT NOT NULL,
            class   INTEGER,
            metric  TEXT NOT NULL,
            value   REAL
        );
        CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics(run_id, split, metric);
        CREATE TABLE IF NOT EXISTS samples (
            run_id  TEXT NOT NULL REFERENCES runs(run_id),
            split   TEXT NOT NULL,
            row_ids BLOB NOT NULL,
            labels  BLOB NOT NULL,
            PRIMARY KEY (run_id, split)
        );
        CREATE TABLE IF NOT EXISTS sample_signals (
            run_id   TEXT NOT NULL REFERENCES runs(run_id),
            step     INTEGER NOT NULL,
            epoch    REAL NOT NULL,
            split    TEXT NOT NULL,
            p_true   BLOB NOT NULL,
            margin   BLOB NOT NULL,
            correct  BLOB NOT NULL,
            PRIMARY KEY (run_id, split, step)
        );
        CREATE TABLE IF NOT EXISTS gradient_metrics (
            run_id      TEXT NOT NULL REFERENCES runs(run_id),
            step        INTEGER NOT NULL,
            epoch       REAL NOT NULL,
            layer       INTEGER,
            class       INTEGER,
            other_class INTEGER,
            metric      TEXT NOT NULL,
            value       REAL
        );
        CREATE INDEX IF NOT EXISTS gradient_metrics_by_run ON gradient_metrics(run_id, metric);
        CREATE TABLE IF NOT EXISTS representation_metrics (
            run_id      TEXT NOT NULL REFERENCES runs(run_id),
            step        INTEGER NOT NULL,
            epoch       REAL NOT NULL,
            split       TEXT NOT NULL,
            layer       INTEGER NOT NULL,
            class       INTEGER,
            other_class INTEGER,
            metric      TEXT NOT NULL,
            value       REAL,
            rows        INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS representation_metrics_by_run ON representation_metrics(run_id, metric);
        CREATE TABLE IF NOT EXISTS activations (
            run_id   TEXT NOT NULL REFERENCES runs(run_id),
            step     INTEGER NOT NULL,
            epoch    REAL NOT NULL,
            split    TEXT NOT NULL,
            layer    INTEGER NOT NULL,
            width    INTEGER NOT NULL,
            row_ids  BLOB NOT NULL,
            vals     BLOB NOT NULL,
            PRIMARY KEY (run_id, split, layer, step)
        );
        CREATE TABLE IF NOT EXISTS findings (
            study_id     TEXT NOT NULL REFERENCES studies(study_id),
            dataset      TEXT NOT NULL,
            protocol     TEXT NOT NULL,
            finding      TEXT NOT NULL,
            statement    TEXT NOT NULL,
            verdict      TEXT NOT NULL CHECK (verdict IN ('supported', 'contradicted', 'inconclusive')),
            effect       REAL,
            ci_low       REAL,
            ci_high      REAL,
            p_value      REAL,
            n            INTEGER NOT NULL,
            details_json TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            remedy       TEXT NOT NULL DEFAULT 'none'
        );
        CREATE INDEX IF NOT EXISTS findings_by_study ON findings(study_id);
        """;
}
