using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>Reads a table with the reader its file extension names.</summary>
public static class TableReader
{
    public static IReadOnlyList<ITableReader> Readers { get; } = [new KeelReader(), new ArffReader(), new CsvTableReader()];

    public static RawTable Read(string path, ReadOptions? options = null)
    {
        var reader = For(path);
        // KEEL and ARFF declare every attribute's type; ignoring a declaration the user asked for would be silent.
        if (options?.NominalColumns is { Count: > 0 } && reader is not CsvTableReader)
            throw new UsageException(Settings.Nominal, $"{path}: {reader.FormatName} files declare each attribute's type; accepted: CSV/TSV files only");
        return reader.Read(path, options ?? ReadOptions.Default);
    }

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
