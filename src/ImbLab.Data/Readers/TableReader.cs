using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>Reads a table with the reader its file extension names.</summary>
internal static class TableReader
{
    public static IReadOnlyList<ITableReader> Readers { get; } = [new KeelReader(), new ArffReader(), new CsvTableReader()];

    public static RawTable Read(string path, ReadOptions? options = null) => For(path).Read(path, options ?? ReadOptions.Default);

    /// <summary>The reader for <paramref name="path"/>'s extension; checks the file exists so both problems surface here.</summary>
    public static ITableReader For(string path)
    {
        if (Directory.Exists(path)) throw new DataFileException(path, null, null, "is a directory, not a data file");
        if (!File.Exists(path)) throw new DataFileException(path, null, null, "file not found");
        var extension = Path.GetExtension(path);
        foreach (var reader in Readers)
            foreach (var accepted in reader.Extensions)
                if (accepted.Equals(extension, StringComparison.OrdinalIgnoreCase))
                    return reader;
        var list = string.Join("; ", Readers.Select(r => $"{string.Join(", ", r.Extensions)} ({r.FormatName})"));
        var found = extension.Length == 0 ? "no file extension" : $"unknown file extension {ReaderText.Quote(extension)}";
        throw new DataFileException(path, null, null, $"{found}; accepted: {list}");
    }
}
