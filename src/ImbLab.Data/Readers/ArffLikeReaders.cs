using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>KEEL's .dat format (ARFF-like; see the corpus README for the quirks handled).</summary>
internal sealed class KeelReader : ITableReader
{
    public string FormatName => "KEEL";

    public IReadOnlyList<string> Extensions { get; } = [".dat"];

    public RawTable Read(string path, ReadOptions options)
    {
        var table = ArffLikeParser.Parse(path, options);
        ReaderText.RequireClasses(table);
        return table;
    }
}

/// <summary>Weka's ARFF format: numeric/real/integer and nominal attributes; string, date and relational are refused.</summary>
internal sealed class ArffReader : ITableReader
{
    public string FormatName => "ARFF";

    public IReadOnlyList<string> Extensions { get; } = [".arff"];

    public RawTable Read(string path, ReadOptions options)
    {
        var table = ArffLikeParser.Parse(path, options);
        ReaderText.RequireClasses(table);
        return table;
    }
}
