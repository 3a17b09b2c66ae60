using ImbLab.Core;
using Microsoft.Data.Sqlite;

namespace ImbLab.Store;

/// <summary>
/// A store that cannot be written here (a read-only file, folder or file system): a command that only wanted to save
/// something derived (the findings) can go on without saving it.
/// </summary>
public sealed class StoreNotWritableException(string message, Exception inner) : ImbLabException(message, inner);

/// <summary>SQLite failures turned into one line that names the store and says what is wrong, at the store boundary.</summary>
internal static class StoreErrors
{
    public const string DiskFull = "the disk is full; finished runs are kept: free some space and run the same command again to resume";

    public const string NotWritable = "the store is read-only here (no write permission on the file or its folder, or a read-only file system)";

    /// <param name="writing">Whether the store was being opened for writing: then a file SQLite cannot open is one it may not write.</param>
    public static ImbLabException Describe(string path, SqliteException e, bool writing = false) => (e.SqliteErrorCode & 0xFF) switch
    {
        8 => new StoreNotWritableException($"{path}: {NotWritable}", e),
        14 when writing && !DiskIsFull(path) && File.Exists(path) => new StoreNotWritableException($"{path}: {NotWritable}", e),
        _ => new ImbLabException($"{path}: {What(path, e)}", e),
    };

    /// <summary>A row whose value cannot be decoded (tampered, or written by something else): names the row and column.</summary>
    public static ImbLabException BadValue(string path, string where, string problem, Exception? inner = null) =>
        new($"{path}: {where}: {problem}", inner);

    /// <summary>
    /// Whether the file system holding the store has (next to) no room left. SQLite reports a full disk as SQLITE_FULL
    /// when a write of the store or its log fails, but as a disk I/O error or "cannot open" when its shared-memory
    /// file (-shm) cannot be made, so those are checked against the free space.
    /// </summary>
    public static bool DiskIsFull(string path)
    {
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            return folder is not null && new DriveInfo(folder).AvailableFreeSpace < 64 * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    // Primary result codes (the low byte of an extended code): https://sqlite.org/rescode.html
    private static string What(string path, SqliteException e) => (e.SqliteErrorCode & 0xFF) switch
    {
        5 => "the store is locked by another process and stayed locked; try again",
        10 or 14 when DiskIsFull(path) => DiskFull,
        10 => "disk I/O error on the store file",
        11 => "the store is damaged (database disk image is malformed); finished runs may be saved with 'sqlite3 FILE .recover'",
        13 => DiskFull,
        14 => "cannot open the store file (missing folder or no permission)",
        26 => "not a database (the file is damaged or is not an ImbLab store)",
        _ => OneLine(e.Message),
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
