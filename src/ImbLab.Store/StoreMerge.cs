using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Specs;
using Microsoft.Data.Sqlite;

namespace ImbLab.Store;

/// <summary>What one input store gave a merge.</summary>
public sealed record MergedInput(string Path, string? Shards, int Merged, int AlreadyThere, int InFlight, string? Skipped = null);

/// <summary>A merge: the study, what each input gave, and what the target holds of the study afterwards.</summary>
public sealed record MergeResult(string StudyId, string OutPath, IReadOnlyList<MergedInput> Inputs, int Finished, int Diverged, string? Shards);

/// <summary>
/// Merges stores of one study (shard stores, or any stores of it) into a target store, without reading a store into
/// memory: each input is attached to the target's connection and copied with INSERT ... SELECT, in one transaction per
/// input. Runs are taken by run id (their config hash): a run finished in several inputs is copied once, so merging
/// again, or merging overlapping stores, changes nothing. Only finished and diverged runs are copied; a run still
/// 'running' in an input is in flight there and is left for the input's own process to finish.
/// Every table of the schema has a rule here (<see cref="RuleOf"/>); the tables that hold a run's records are found
/// by their run_id column and copied by their column lists, so a table or column added later is merged as well.
/// </summary>
public static class StoreMerge
{
    /// <summary>How a table of the schema is merged.</summary>
    internal enum Rule
    {
        /// <summary>Per store (schema version, creator, shard record): never copied; the shard record is combined.</summary>
        StoreMeta,

        /// <summary>Derived from the runs: stated again for the whole study after the merge, never copied.</summary>
        Derived,

        /// <summary>The study's row, copied when the target does not have it.</summary>
        Study,

        /// <summary>The datasets of the copied runs, copied when the target does not have them.</summary>
        Dataset,

        /// <summary>The runs table: the finished and diverged runs the target does not have yet.</summary>
        Run,

        /// <summary>A table of a run's records (it has a run_id column): the rows of the copied runs.</summary>
        RunRecords,
    }

    private static readonly Dictionary<string, Rule> Named = new(StringComparer.Ordinal)
    {
        ["meta"] = Rule.StoreMeta,
        ["findings"] = Rule.Derived,
        ["studies"] = Rule.Study,
        ["datasets"] = Rule.Dataset,
        ["runs"] = Rule.Run,
    };

    /// <summary>The rule for a table, given its columns; null for a table this merge does not know (it then refuses to merge).</summary>
    internal static Rule? RuleOf(string table, IReadOnlyCollection<string> columns) =>
        Named.TryGetValue(table, out var rule) ? rule : columns.Contains("run_id") ? Rule.RunRecords : null;

    /// <summary>
    /// Merges the study of <paramref name="inputs"/> (the one they all hold, or <paramref name="studyId"/>, an id or a
    /// unique prefix) into <paramref name="outPath"/>, created when missing. Everything is checked before anything is
    /// written: a mix of studies, schema versions or ImbLab versions is refused with the reason.
    /// </summary>
    public static MergeResult Merge(string outPath, IReadOnlyList<string> inputs, string? studyId = null, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        var outFull = System.IO.Path.GetFullPath(outPath);
        var skipped = new List<MergedInput>();
        var sources = new List<Source>();
        foreach (var input in inputs)
        {
            var full = System.IO.Path.GetFullPath(input);
            if (full == outFull) skipped.Add(new MergedInput(input, null, 0, 0, 0, "it is the target store itself"));
            else if (sources.Any(s => s.Full == full)) skipped.Add(new MergedInput(input, null, 0, 0, 0, "given twice"));
            else sources.Add(Inspect(input, full));
        }
        if (sources.Count == 0) throw new ImbLabException($"{outPath}: nothing to merge: give the stores to merge into it after it");

        var study = ChooseStudy(sources, studyId);
        Source? target = File.Exists(outFull) ? Inspect(outPath, outFull) : null;
        CheckTarget(target, study);
        CheckVersions(sources, target, study);
        var shards = CombineShards(sources, target, study.Id);

        // Created (or migrated) through the store itself, so the target has this ImbLab's schema.
        using (StudyStore.Open(outPath, create: true, clock)) { }
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            // A URI, so that ATTACH reads URIs too (mode=ro: an input is never written).
            DataSource = new Uri(outFull).AbsoluteUri,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        var results = new List<MergedInput>();
        try
        {
            connection.Open();
            Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
            Execute(connection, null, "CREATE TEMP TABLE merge_runs (run_id TEXT PRIMARY KEY)");
            var tables = Tables(connection, "main");
            foreach (var source in sources) results.Add(Copy(connection, tables, source, study.Id, StudyStore.Timestamp(clock.GetUtcNow())));
            var planOrder = (target is null ? sources : [.. sources, target]).Select(s => s.Studies.FirstOrDefault(x => x.Id == study.Id)?.PlanOrder ?? [])
                .FirstOrDefault(p => p.Count > 0) ?? [];
            using (var tx = connection.BeginTransaction())
            {
                if (shards is not null) Execute(connection, tx, "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)", ("$k", StudyStore.ShardKey(study.Id)), ("$v", shards.ToString()));
                else Execute(connection, tx, "DELETE FROM meta WHERE key = $k", ("$k", StudyStore.ShardKey(study.Id)));
                if (planOrder.Count > 0)
                {
                    Execute(connection, tx, "INSERT OR REPLACE INTO meta(key, value) VALUES ($k, $v)", ("$k", StudyStore.PlanKey(study.Id)), ("$v", string.Join(",", planOrder)));
                    InPlanOrder(connection, tx, study.Id, planOrder);
                }
                tx.Commit();
            }
            var finished = Count(connection, null, "SELECT count(*) FROM runs WHERE study_id = $s AND status = 'finished'", ("$s", study.Id));
            var diverged = Count(connection, null, "SELECT count(*) FROM runs WHERE study_id = $s AND status = 'diverged'", ("$s", study.Id));
            return new MergeResult(study.Id, outPath, [.. results, .. skipped], (int)finished, (int)diverged, shards?.ToString());
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Describe(outPath, e);
        }
    }

    /// <summary>Copies one input's runs of the study that the target lacks, with every record they wrote, in one transaction.</summary>
    private static MergedInput Copy(SqliteConnection connection, IReadOnlyList<(string Name, string[] Columns)> tables, Source source, string studyId, string now)
    {
        try
        {
            Execute(connection, null, "ATTACH DATABASE $uri AS src", ("$uri", new Uri(source.Full).AbsoluteUri + "?mode=ro"));
        }
        catch (SqliteException e)
        {
            throw StoreErrors.Describe(source.Path, e);
        }
        try
        {
            using var tx = connection.BeginTransaction();
            var theirs = Tables(connection, "src").ToDictionary(t => t.Name, t => t.Columns, StringComparer.Ordinal);
            foreach (var (name, columns) in tables)
            {
                if (!theirs.TryGetValue(name, out var their)) continue; // a table this input never wrote: nothing of it to copy
                if (!their.Order(StringComparer.Ordinal).SequenceEqual(columns.Order(StringComparer.Ordinal), StringComparer.Ordinal))
                    throw new ImbLabException($"{source.Path}: table {name} has columns ({string.Join(", ", their)}), the target's are ({string.Join(", ", columns)}); stores of one schema version differ: one of them was altered");
            }
            foreach (var name in theirs.Keys.Where(n => tables.All(t => t.Name != n)))
                throw new ImbLabException($"{source.Path}: has a table '{name}' this ImbLab's schema does not have; stores of one schema version differ: it was altered");

            Execute(connection, tx, "DELETE FROM temp.merge_runs");
            var merged = Execute(connection, tx, """
                INSERT INTO temp.merge_runs(run_id)
                SELECT run_id FROM src.runs
                WHERE study_id = $s AND status IN ('finished', 'diverged')
                  AND run_id NOT IN (SELECT run_id FROM main.runs WHERE status IN ('finished', 'diverged'))
                """, ("$s", studyId));
            var finishedThere = (int)Count(connection, tx, "SELECT count(*) FROM src.runs WHERE study_id = $s AND status IN ('finished', 'diverged')", ("$s", studyId));
            var inFlight = (int)Count(connection, tx, """
                SELECT count(*) FROM src.runs
                WHERE study_id = $s AND status = 'running' AND run_id NOT IN (SELECT run_id FROM main.runs WHERE status IN ('finished', 'diverged'))
                """, ("$s", studyId));

            var runRecords = tables.Where(t => RuleOf(t.Name, t.Columns) == Rule.RunRecords).ToList();
            foreach (var (name, columns) in tables)
                if (RuleOf(name, columns) is null)
                    throw new InvalidOperationException($"table {name} has no merge rule: add it to StoreMerge");

            var (studyColumns, datasetColumns, runColumns) = (Columns(tables, "studies"), Columns(tables, "datasets"), Columns(tables, "runs"));
            Execute(connection, tx, $"INSERT OR IGNORE INTO main.studies({studyColumns}) SELECT {studyColumns} FROM src.studies WHERE study_id = $s", ("$s", studyId));
            if (merged > 0)
            {
                // A 'running' row in the target (a process training into it) gives way to the finished run, with what it wrote so far.
                foreach (var (name, _) in runRecords)
                    Execute(connection, tx, $"DELETE FROM main.{name} WHERE run_id IN (SELECT run_id FROM temp.merge_runs)");
                Execute(connection, tx, "DELETE FROM main.runs WHERE run_id IN (SELECT run_id FROM temp.merge_runs)");
                Execute(connection, tx, $"""
                    INSERT OR IGNORE INTO main.datasets({datasetColumns}) SELECT {datasetColumns} FROM src.datasets
                    WHERE dataset_id IN (SELECT dataset_id FROM src.runs WHERE run_id IN (SELECT run_id FROM temp.merge_runs))
                    """);
                // In each input's own order (rowid), so the records of a run are read back in the order they were written.
                // The unary + keeps SQLite from looking rows up by an index, which would make it sort them again: a scan
                // in rowid order streams.
                Execute(connection, tx, $"INSERT INTO main.runs({runColumns}) SELECT {runColumns} FROM src.runs WHERE +run_id IN (SELECT run_id FROM temp.merge_runs) ORDER BY rowid");
                foreach (var (name, columns) in runRecords)
                {
                    var list = string.Join(", ", columns);
                    Execute(connection, tx, $"INSERT INTO main.{name}({list}) SELECT {list} FROM src.{name} WHERE +run_id IN (SELECT run_id FROM temp.merge_runs) ORDER BY rowid");
                }
                Execute(connection, tx, "UPDATE main.studies SET updated_at = $now WHERE study_id = $s", ("$s", studyId), ("$now", now));
            }
            tx.Commit();
            return new MergedInput(source.Path, source.Studies.Single(s => s.Id == studyId).Shards?.ToString(), merged, finishedThere - merged, inFlight);
        }
        finally
        {
            Execute(connection, null, "DETACH DATABASE src");
        }
    }

    /// <summary>
    /// Puts the study's runs in plan order: they keep the rowids they have, permuted so that reading runs by rowid (as
    /// the read model does) gives the plan's order, as in a store one process wrote. The runs table only: every other
    /// table refers to a run by its id, and a run's records keep the order they were written in.
    /// </summary>
    private static void InPlanOrder(SqliteConnection connection, SqliteTransaction tx, string studyId, IReadOnlyList<string> planOrder)
    {
        var position = new Dictionary<string, int>(planOrder.Count, StringComparer.Ordinal);
        for (var i = 0; i < planOrder.Count; i++) position.TryAdd(planOrder[i], i);
        var runs = new List<(long RowId, string RunId)>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT rowid, run_id FROM runs WHERE study_id = $s ORDER BY rowid";
            cmd.Parameters.AddWithValue("$s", studyId);
            using var r = cmd.ExecuteReader();
            while (r.Read()) runs.Add((r.GetInt64(0), r.GetString(1)));
        }
        // Runs the plan does not list (none, unless the stores were altered) go after the listed ones, in the order they had.
        var ordered = runs.Select((r, i) => (r.RunId, Key: position.TryGetValue(r.RunId, out var p) ? p : planOrder.Count + i)).OrderBy(r => r.Key).ToList();
        if (ordered.Select(r => r.RunId).SequenceEqual(runs.Select(r => r.RunId), StringComparer.Ordinal)) return;
        // Out of the way first (rowids are unique), then each run to its slot.
        Execute(connection, tx, "UPDATE runs SET rowid = -rowid WHERE study_id = $s", ("$s", studyId));
        using var move = connection.CreateCommand();
        move.Transaction = tx;
        move.CommandText = "UPDATE runs SET rowid = $slot WHERE run_id = $id";
        var slot = move.Parameters.AddWithValue("$slot", 0L);
        var id = move.Parameters.AddWithValue("$id", "");
        for (var i = 0; i < ordered.Count; i++)
        {
            slot.Value = runs[i].RowId;
            id.Value = ordered[i].RunId;
            move.ExecuteNonQuery();
        }
    }

    /// <summary>One input or target store, as read before the merge.</summary>
    private sealed record Source(string Path, string Full, string SchemaVersion, IReadOnlyList<SourceStudy> Studies);

    private sealed record SourceStudy(string Id, string ConfigJson, ShardSet? Shards, IReadOnlyList<string> RunVersions, IReadOnlyList<string> PlanOrder);

    /// <summary>Reads what the checks need from a store, read-only; anything that is not a store of a readable schema is refused with the reason.</summary>
    private static Source Inspect(string path, string full)
    {
        if (Directory.Exists(full)) throw new ImbLabException($"{path}: is a folder; a store is a file (e.g. {System.IO.Path.Combine(path, "imblab.db")})");
        if (!File.Exists(full)) throw new ImbLabException($"{path}: no such store (a store is the .db file 'imblab study' writes, e.g. imblab-results/imblab.db)");
        string? version;
        try
        {
            using var c = new SqliteConnection(StudyStore.ConnectionString(full, create: false, readOnly: true, immutable: false));
            c.Open();
            version = Count(c, null, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") == 0 ? null
                : Text(c, "SELECT value FROM meta WHERE key = 'schema_version'");
        }
        catch (SqliteException)
        {
            version = null;
        }
        if (version != Schema.Version.ToString(CultureInfo.InvariantCulture))
        {
            // Not a store, or damaged: the store's own message says which.
            if (version is null)
                using (StudyStore.OpenForReading(path)) { }
            throw new ImbLabException($"{path}: stores of different schema versions: it has version {version ?? "(none)"}, this ImbLab writes version {Schema.Version}; " +
                $"accepted: stores of schema version {Schema.Version} (an older store is migrated when 'imblab study' opens it for writing)");
        }
        using var store = StudyStore.OpenForReading(path);
        var studies = store.Studies().Select(s => new SourceStudy(s.StudyId, s.ConfigJson, store.ShardsOf(s.StudyId),
            store.RunVersions(s.StudyId), store.PlanOrder(s.StudyId))).ToList();
        return new Source(path, full, version, studies);
    }

    /// <summary>The one study the inputs hold (or the one named); stores of different studies are refused, saying which field of the spec differs.</summary>
    private static SourceStudy ChooseStudy(IReadOnlyList<Source> sources, string? studyId)
    {
        foreach (var s in sources.Where(s => s.Studies.Count == 0))
            throw new ImbLabException($"{s.Path}: the store holds no study");
        if (studyId is not null)
        {
            var chosen = new List<SourceStudy>();
            foreach (var s in sources)
            {
                var match = s.Studies.Where(x => x.Id.StartsWith(studyId, StringComparison.Ordinal)).ToList();
                if (match.Count != 1)
                    throw new ImbLabException($"{Settings.Mention(Settings.Study)}: {(match.Count == 0 ? "no" : "more than one")} study '{studyId}' in {s.Path}; its studies: {string.Join(", ", s.Studies.Select(x => x.Id))}");
                chosen.Add(match[0]);
            }
            var first = chosen[0];
            for (var i = 1; i < chosen.Count; i++)
                if (chosen[i].Id != first.Id) throw Different(sources[0].Path, first, sources[i].Path, chosen[i]);
            return first;
        }
        foreach (var s in sources.Where(s => s.Studies.Count > 1))
            throw new ImbLabException($"{s.Path}: holds {s.Studies.Count} studies ({string.Join(", ", s.Studies.Select(x => x.Id))}); name the one to merge with {Settings.Mention(Settings.Study)}");
        var study = sources[0].Studies[0];
        for (var i = 1; i < sources.Count; i++)
            if (sources[i].Studies[0].Id != study.Id) throw Different(sources[0].Path, study, sources[i].Path, sources[i].Studies[0]);
        foreach (var s in sources)
            if (s.Studies.Single(x => x.Id == study.Id).ConfigJson != study.ConfigJson)
                throw new ImbLabException($"{s.Path}: study {study.Id} has another spec than in {sources[0].Path} under the same id; the store was altered");
        return study;
    }

    private static ImbLabException Different(string pathA, SourceStudy a, string pathB, SourceStudy b)
    {
        var field = FirstDifference(a.ConfigJson, b.ConfigJson);
        return new ImbLabException($"stores of different studies: {pathA} holds study {a.Id}, {pathB} study {b.Id}" +
            (field is null ? " (their specs are equal: made by ImbLab versions that name studies differently)" : $"; their specs differ in {field}") +
            "; accepted: stores of one study (the same study file and options)");
    }

    /// <summary>The first field (a study file's name for it, e.g. model.epochs) where two spec JSONs differ, with both values.</summary>
    internal static string? FirstDifference(string a, string b)
    {
        try
        {
            using var x = JsonDocument.Parse(a);
            using var y = JsonDocument.Parse(b);
            return Difference(x.RootElement, y.RootElement, "");
        }
        catch (JsonException)
        {
            return a == b ? null : "config_json";
        }
    }

    private static string? Difference(JsonElement a, JsonElement b, string path)
    {
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            var names = a.EnumerateObject().Select(p => p.Name).Union(b.EnumerateObject().Select(p => p.Name)).ToList();
            foreach (var name in names)
            {
                var field = path.Length == 0 ? name : path + "." + name;
                var (hasA, hasB) = (a.TryGetProperty(name, out var va), b.TryGetProperty(name, out var vb));
                if (!hasA || !hasB) return $"{field} ({(hasA ? va.GetRawText() : "not set")} vs {(hasB ? vb.GetRawText() : "not set")})";
                if (Difference(va, vb, field) is { } inner) return inner;
            }
            return null;
        }
        // A list holding objects (data entries with their own irs) names the differing entry by its index: data[2].irs.
        if (a.ValueKind == JsonValueKind.Array && b.ValueKind == JsonValueKind.Array && a.GetArrayLength() == b.GetArrayLength())
        {
            var (ea, eb) = (a.EnumerateArray().ToList(), b.EnumerateArray().ToList());
            var i = Enumerable.Range(0, ea.Count).FirstOrDefault(k => ea[k].GetRawText() != eb[k].GetRawText(), -1);
            if (i >= 0 && (ea[i].ValueKind == JsonValueKind.Object || eb[i].ValueKind == JsonValueKind.Object))
                return Difference(ea[i], eb[i], $"{path}[{i}]");
        }
        var (ra, rb) = (a.GetRawText(), b.GetRawText());
        return ra == rb ? null : $"{(path.Length == 0 ? "the spec" : path)} ({Shorten(ra)} vs {Shorten(rb)})";
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;

    /// <summary>A target that already holds the study must hold the same spec under it.</summary>
    private static void CheckTarget(Source? target, SourceStudy study)
    {
        var there = target?.Studies.FirstOrDefault(s => s.Id == study.Id);
        if (there is not null && there.ConfigJson != study.ConfigJson)
            throw new ImbLabException($"{target!.Path}: study {study.Id} has another spec there than in the stores to merge under the same id; the store was altered");
    }

    /// <summary>
    /// All finished runs of the study, in every input and in the target, must come from one ImbLab version: another
    /// build may compute other numbers, and the merged study would mix them.
    /// </summary>
    private static void CheckVersions(IReadOnlyList<Source> sources, Source? target, SourceStudy study)
    {
        var byVersion = new List<(string Path, string Version)>();
        foreach (var s in target is null ? sources : [.. sources, target])
            foreach (var version in s.Studies.FirstOrDefault(x => x.Id == study.Id)?.RunVersions ?? [])
                byVersion.Add((s.Path, version));
        var versions = byVersion.Select(v => v.Version).Distinct(StringComparer.Ordinal).ToList();
        if (versions.Count <= 1) return;
        var where = versions.Select(v => $"{v} in {string.Join(", ", byVersion.Where(x => x.Version == v).Select(x => x.Path).Take(3))}" +
            (byVersion.Count(x => x.Version == v) > 3 ? ", ..." : ""));
        throw new ImbLabException($"stores made by different ImbLab versions: runs of study {study.Id} by {string.Join("; by ", where)}; " +
            "accepted: stores whose runs were all made by one ImbLab version (another build may compute other numbers: rerun the odd stores' shards with one build)");
    }

    /// <summary>
    /// The shards the merged store holds: the union of the inputs' (and the target's, when it holds the study already),
    /// when all are shard stores of one N; otherwise null (stores of the whole study, or of different shardings).
    /// </summary>
    private static ShardSet? CombineShards(IReadOnlyList<Source> sources, Source? target, string studyId)
    {
        var sets = sources.Select(s => s.Studies.Single(x => x.Id == studyId).Shards).ToList();
        if (target?.Studies.FirstOrDefault(x => x.Id == studyId) is { } there) sets.Add(there.Shards);
        if (sets.Any(s => s is null) || sets.Select(s => s!.Count).Distinct().Count() > 1) return null;
        return sets.OfType<ShardSet>().Aggregate((a, b) => a.Union(b));
    }

    private static IReadOnlyList<(string Name, string[] Columns)> Tables(SqliteConnection connection, string schema)
    {
        var names = new List<string>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var r = cmd.ExecuteReader();
            while (r.Read()) names.Add(r.GetString(0));
        }
        return names.Select(n => (n, TableColumns(connection, schema, n))).ToList();
    }

    private static string[] TableColumns(SqliteConnection connection, string schema, string table)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT name FROM pragma_table_info($t, $schema) ORDER BY cid";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$schema", schema);
        using var r = cmd.ExecuteReader();
        var columns = new List<string>();
        while (r.Read()) columns.Add(r.GetString(0));
        return [.. columns];
    }

    private static string Columns(IReadOnlyList<(string Name, string[] Columns)> tables, string table) =>
        string.Join(", ", tables.Single(t => t.Name == table).Columns);

    private static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        return cmd.ExecuteNonQuery();
    }

    private static long Count(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string? Text(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar() as string;
    }
}
