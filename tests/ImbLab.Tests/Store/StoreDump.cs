using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ImbLab.Tests.Store;

/// <summary>
/// Every table and column of a store as text, rows in a fixed order and floats by their bits, found from the store's
/// own schema (so a table or column added later is compared too). Left out: what records where, when and how long a
/// process trained (owners, timestamps, train_seconds) and the meta table (per store: which shards it holds).
/// </summary>
internal static class StoreDump
{
    public static readonly string[] ProcessMetadata =
        ["created_at", "updated_at", "started_at", "finished_at", "train_seconds", "owner_host", "owner_pid", "owner_token", "heartbeat_at"];

    public static string Of(string store, bool tablesWithRowCounts = false)
    {
        using var c = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        c.Open();
        var text = new StringBuilder();
        foreach (var table in Names(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'meta' ORDER BY name"))
        {
            var columns = Names(c, $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid").Where(n => !ProcessMetadata.Contains(n)).ToList();
            var rows = new List<string>();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table}";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => Cell(r.GetValue(i)))));
            rows.Sort(StringComparer.Ordinal);
            text.Append("== ").Append(table).Append(" (").Append(string.Join(", ", columns)).Append(") ").Append(rows.Count).AppendLine(" rows");
            if (!tablesWithRowCounts) foreach (var row in rows) text.AppendLine(row);
        }
        return text.ToString();
    }

    private static string Cell(object value) => value switch
    {
        DBNull => "NULL",
        double d => "d" + BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture),
        byte[] b => "x" + Convert.ToHexString(b),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => "'" + value + "'",
    };

    private static List<string> Names(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }

    /// <summary>Runs SQL on a store (tests craft stores by editing copies).</summary>
    public static void Execute(string store, string sql)
    {
        using var c = new SqliteConnection($"Data Source={store};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>A copy of a store (and its WAL, so nothing committed is lost) under a new name.</summary>
    public static string Copy(string store, string to)
    {
        // Checkpoint first so the file alone holds everything; then a plain file copy is the store.
        Execute(store, "PRAGMA wal_checkpoint(TRUNCATE)");
        File.Copy(store, to, overwrite: true);
        return to;
    }
}
