using ImbLab.Core;
using Microsoft.Data.Sqlite;

namespace ImbLab.Store;

/// <summary>SQLite failures turned into one line that names the store and says what is wrong, at the store boundary.</summary>
internal static class StoreErrors
{
    public static ImbLabException Describe(string path, SqliteException e) => new($"{path}: {What(e)}", e);

    /// <summary>A row whose value cannot be decoded (tampered, or written by something else): names the row and column.</summary>
    public static ImbLabException BadValue(string path, string where, string problem, Exception? inner = null) =>
        new($"{path}: {where}: {problem}", inner);

    // Primary result codes (the low byte of an extended code): https://sqlite.org/rescode.html
    private static string What(SqliteException e) => (e.SqliteErrorCode & 0xFF) switch
    {
        5 => "the store is locked by another process and stayed locked; try again",
        8 => "the store is read-only here (no write permission on the file or its folder)",
        10 => "disk I/O error on the store file",
        11 => "the store is damaged (database disk image is malformed); finished runs may be saved with 'sqlite3 FILE .recover'",
        13 => "the disk is full; finished runs are kept: free some space and run the same command again to resume",
        14 => "cannot open the store file (missing folder or no permission)",
        26 => "not a database (the file is damaged or is not an ImbLab store)",
        _ => OneLine(e.Message),
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
