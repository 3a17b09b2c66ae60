using System.Text;

namespace ImbLab.Core;

/// <summary>
/// Files written for people (a report, an export, a comparison), each under a temporary name (.partial) and all renamed
/// to their final names only by <see cref="Commit"/>: a full disk, a read-only folder or Ctrl+C midway never leaves a
/// half-written file under a final name. Disposing without committing removes the temporary files.
/// </summary>
public sealed class StagedFiles : IDisposable
{
    public const string Suffix = ".partial";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly List<(string Temporary, string Final)> _files = [];
    private bool _committed;

    /// <summary>The temporary path to write <paramref name="final"/> under; it is renamed at <see cref="Commit"/>.</summary>
    public string Stage(string final)
    {
        // Unique per writer: two processes writing the same report at once (two workers of one study) must not rename
        // each other's temporary files away.
        var temporary = $"{final}.{Guid.NewGuid():N}{Suffix}";
        _files.Add((temporary, final));
        return temporary;
    }

    public void WriteText(string final, string text) => File.WriteAllText(Stage(final), text, Utf8);

    public void WriteBytes(string final, byte[] bytes) => File.WriteAllBytes(Stage(final), bytes);

    /// <summary>Renames every staged file to its final name (replacing an older one), in the order they were staged.</summary>
    public void Commit()
    {
        foreach (var (temporary, final) in _files) File.Move(temporary, final, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        foreach (var (temporary, _) in _files)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: it was never renamed, so it is not taken for a result.
            }
        }
    }
}

/// <summary>Failures to write an output (a full disk, a read-only folder) said in one line naming the place and what to do.</summary>
public static class OutputErrors
{
    // errno values (Linux and macOS agree on these): .NET puts an unmapped errno into IOException.HResult.
    private const int NoSpace = 28;
    private const int ReadOnlyFileSystem = 30;
    private const int QuotaExceeded = 122;

    public static bool IsWriteFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>
    /// <paramref name="where"/>: the folder written to; <paramref name="what"/>: the output ("the report report.html");
    /// <paramref name="elsewhere"/>: how to write it somewhere else ("{out} FILE"), or null when there is no such option.
    /// </summary>
    public static ImbLabException Describe(string where, string what, Exception e, string? elsewhere)
    {
        var instead = elsewhere is null ? "" : $"; write it elsewhere with {elsewhere}";
        var problem = e switch
        {
            IOException { HResult: NoSpace or QuotaExceeded } => "the disk is full (no space left on device); nothing was left half-written: free some space and run the command again",
            IOException { HResult: ReadOnlyFileSystem } => "the folder is on a read-only file system" + instead,
            UnauthorizedAccessException => "no permission to write in this folder" + instead,
            _ => e.Message.ReplaceLineEndings(" ").Trim(),
        };
        return new ImbLabException($"{where}: cannot write {what}: {problem}", e);
    }
}
