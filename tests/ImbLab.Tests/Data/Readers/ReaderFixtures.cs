namespace ImbLab.Tests.Readers;

/// <summary>Where the reader tests find their inputs: committed fixtures and the shared KEEL corpus.</summary>
internal static class ReaderFixtures
{
    public static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Readers", file);

    /// <summary>
    /// The KEEL corpus lives outside the repository (shared/ beside the clone, or shared/ in an ancestor), so
    /// walk up from the test binaries and accept either layout.
    /// </summary>
    public static string KeelCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[]
                     {
                         System.IO.Path.Combine(dir.FullName, "shared", "datasets", "keel"),
                         System.IO.Path.Combine(dir.FullName, "..", "shared", "datasets", "keel"),
                     })
                if (File.Exists(System.IO.Path.Combine(candidate, "MANIFEST.tsv")))
                    return System.IO.Path.GetFullPath(candidate);
        }
        throw new InvalidOperationException(
            $"KEEL corpus not found: no shared/datasets/keel/MANIFEST.tsv in or beside any ancestor of {AppContext.BaseDirectory}");
    }

    /// <summary>A scratch file that deletes itself; tests write mutated inputs through it.</summary>
    public sealed class TempFile : IDisposable
    {
        public TempFile(string extension, byte[] content)
        {
            var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imblab-readers-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            FilePath = System.IO.Path.Combine(dir, "table" + extension);
            File.WriteAllBytes(FilePath, content);
        }

        public TempFile(string extension, string content) : this(extension, System.Text.Encoding.UTF8.GetBytes(content)) { }

        public string FilePath { get; }

        public void Dispose() => Directory.Delete(System.IO.Path.GetDirectoryName(FilePath)!, recursive: true);
    }
}
