namespace ImbLab.Tests.Readers;

/// <summary>Where the reader tests find their inputs: committed fixtures and the KEEL corpus in data/keel/.</summary>
internal static class ReaderFixtures
{
    public static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Readers", file);

    /// <summary>The repository root: the nearest ancestor of the test binaries that holds ImbLab.slnx.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ImbLab.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"repository root not found: no ImbLab.slnx in any ancestor of {AppContext.BaseDirectory}");
    }

    /// <summary>The KEEL corpus ships with the repository in data/keel/ (source and licence in its README.md).</summary>
    public static string KeelCorpus()
    {
        var corpus = System.IO.Path.Combine(RepositoryRoot(), "data", "keel");
        if (!File.Exists(System.IO.Path.Combine(corpus, "MANIFEST.tsv")))
            throw new InvalidOperationException($"KEEL corpus not found: no {System.IO.Path.Combine(corpus, "MANIFEST.tsv")}");
        return corpus;
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
