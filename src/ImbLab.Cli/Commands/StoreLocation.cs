using ImbLab.Report;

namespace ImbLab.Cli.Commands;

/// <summary>
/// Where a command's store and report go. A path ending in .db is the store file itself, with the report beside it
/// (where `imblab report` writes it); any other path is a folder holding imblab.db and report.html. A shard of a job
/// array names its store (--out shard-3.db); a study on one machine keeps its folder (--out results).
/// </summary>
internal sealed record StoreLocation(string Store, string Report)
{
    public const string StoreFile = "imblab.db";

    public static StoreLocation Of(string path) =>
        IsStoreFile(path) ? new StoreLocation(path, ReportWriter.DefaultPath(path))
            : new StoreLocation(Path.Combine(path, StoreFile), Path.Combine(path, ReportWriter.DefaultFileName));

    /// <summary>A store argument of a command that reads stores: a folder a study wrote stands for its imblab.db.</summary>
    public static string Input(string path) =>
        Directory.Exists(path) && File.Exists(Path.Combine(path, StoreFile)) ? Path.Combine(path, StoreFile) : path;

    private static bool IsStoreFile(string path) =>
        File.Exists(path) || (path.EndsWith(".db", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(path));
}
