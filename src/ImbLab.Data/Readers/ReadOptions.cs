using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>
/// How to read a table. <paramref name="LabelColumn"/> is a column/attribute name or a 1-based index
/// (null: the last one); <paramref name="Delimiter"/> applies to CSV only (null: detected).
/// </summary>
internal sealed record ReadOptions(string? LabelColumn = null, char? Delimiter = null)
{
    public static ReadOptions Default { get; } = new();
}

/// <summary>One file format. Readers are stateless; every problem with the file is a <see cref="Core.DataFileException"/>.</summary>
internal interface ITableReader
{
    string FormatName { get; }

    /// <summary>Lower-case extensions with the leading dot, e.g. ".dat".</summary>
    IReadOnlyList<string> Extensions { get; }

    RawTable Read(string path, ReadOptions options);
}
