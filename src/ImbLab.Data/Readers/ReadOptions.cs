using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>
/// How to read a table. <paramref name="LabelColumn"/> is a column/attribute name or a 1-based index
/// (null: the last one); <paramref name="Delimiter"/> applies to CSV only (null: detected).
/// <paramref name="NominalColumns"/> (names or 1-based indices, CSV only: KEEL and ARFF declare every type)
/// are read as nominal even when their values look numeric; naming the label column there also lifts the
/// "label looks continuous" check.
/// </summary>
public sealed record ReadOptions(string? LabelColumn = null, char? Delimiter = null, IReadOnlyList<string>? NominalColumns = null)
{
    public static ReadOptions Default { get; } = new();
}

/// <summary>One file format. Readers are stateless; every problem with the file is a <see cref="Core.DataFileException"/>.</summary>
public interface ITableReader
{
    string FormatName { get; }

    /// <summary>Lower-case extensions with the leading dot, e.g. ".dat".</summary>
    IReadOnlyList<string> Extensions { get; }

    RawTable Read(string path, ReadOptions options);
}
