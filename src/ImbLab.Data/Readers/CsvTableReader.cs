using System.Globalization;
using CsvHelper;
using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>
/// Delimited text with a header row. Column kinds are inferred: numeric when every non-missing value parses
/// as an invariant-culture number, otherwise nominal with levels in order of first appearance.
/// </summary>
internal sealed class CsvTableReader : ITableReader
{
    private static readonly char[] CandidateDelimiters = [',', '\t', ';', '|'];

    public string FormatName => "CSV";

    public IReadOnlyList<string> Extensions { get; } = [".csv", ".tsv", ".txt"];

    public RawTable Read(string path, ReadOptions options)
    {
        var table = Parse(path, options);
        ReaderText.RequireTwoClasses(table);
        return table;
    }

    /// <summary>Reads the file without the two-classes check, so a single test fold may hold one class.</summary>
    internal static RawTable Parse(string path, ReadOptions options)
    {
        var text = TextFile.Load(path);
        var delimiter = options.Delimiter ?? DetectDelimiter(text, Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase));
        if (delimiter is '"' or '\r' or '\n' || delimiter > 127)
            throw new DataFileException(path, null, null, $"delimiter {ReaderText.Quote(delimiter.ToString())} cannot be used; use an ASCII character such as ',', ';', tab or '|'");

        var (header, headerLine, rows, rowLines) = Tokenise(path, text, delimiter);
        var width = header.Length;
        if (width < 2)
            throw new DataFileException(path, headerLine, null,
                $"the header has {width} column; at least one feature column and a label column are required (delimiter {ReaderText.Quote(delimiter.ToString())})");
        var names = NameColumns(path, headerLine, header);
        if (rows.Count == 0) throw new DataFileException(path, headerLine, null, "no data rows after the header");
        for (var r = 0; r < rows.Count; r++)
            if (rows[r].Length != width)
                throw new DataFileException(path, rowLines[r], null, $"{ReaderText.FieldCount(rows[r].Length, width)} (the header has {width} columns)");

        var label = ReaderText.ResolveLabel(path, headerLine, options.LabelColumn, names);
        var classNames = new List<string>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var labels = new int[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var value = rows[r][label];
            if (IsMissing(value))
                throw new DataFileException(path, rowLines[r], label + 1, $"missing class label in column {ReaderText.Quote(names[label])}; every row needs a class");
            if (!classIndex.TryGetValue(value, out var y))
            {
                y = classNames.Count;
                classIndex[value] = y;
                classNames.Add(value);
            }
            labels[r] = y;
        }

        var inputs = Enumerable.Range(0, width).Where(j => j != label).ToArray();
        var attributes = new AttributeInfo[inputs.Length];
        var cells = new double[rows.Count * inputs.Length];
        for (var a = 0; a < inputs.Length; a++)
            attributes[a] = FillColumn(rows, inputs[a], names[inputs[a]], cells, a, inputs.Length);

        return new RawTable(path, Path.GetFileNameWithoutExtension(path), attributes, classNames, cells, labels, rowLines.ToArray());
    }

    private static AttributeInfo FillColumn(List<string[]> rows, int column, string name, double[] cells, int attribute, int stride)
    {
        var numeric = true;
        foreach (var row in rows)
        {
            var value = row[column];
            if (!IsMissing(value) && !ReaderText.TryNumber(value, out _))
            {
                numeric = false;
                break;
            }
        }
        if (numeric)
        {
            for (var r = 0; r < rows.Count; r++)
                cells[r * stride + attribute] = IsMissing(rows[r][column]) ? double.NaN : double.Parse(rows[r][column], NumberStyles.Float, CultureInfo.InvariantCulture);
            return new AttributeInfo(name, AttributeKind.Numeric, []);
        }
        var levels = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < rows.Count; r++)
        {
            var value = rows[r][column];
            if (IsMissing(value))
            {
                cells[r * stride + attribute] = double.NaN;
                continue;
            }
            if (!index.TryGetValue(value, out var level))
            {
                level = levels.Count;
                index[value] = level;
                levels.Add(value);
            }
            cells[r * stride + attribute] = level;
        }
        return new AttributeInfo(name, AttributeKind.Nominal, levels);
    }

    internal static bool IsMissing(string value) =>
        value.Length == 0 || value is "?" or "<null>"
        || value.Equals("NA", StringComparison.OrdinalIgnoreCase) || value.Equals("NaN", StringComparison.OrdinalIgnoreCase);

    private static string[] NameColumns(string path, int headerLine, string[] header)
    {
        var names = new string[header.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < header.Length; j++)
        {
            // Exported data frames often leave the index column's header empty.
            names[j] = header[j].Length == 0 ? $"column{j + 1}" : header[j];
            if (!seen.Add(names[j]))
                throw new DataFileException(path, headerLine, j + 1, $"column name {ReaderText.Quote(names[j])} appears twice in the header");
        }
        return names;
    }

    private static (string[] Header, int HeaderLine, List<string[]> Rows, List<int> Lines) Tokenise(string path, string text, char delimiter)
    {
        var options = new CsvReaderOptions
        {
            Separator = delimiter,
            HasHeader = false,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        string[]? header = null;
        var headerLine = 0;
        var rows = new List<string[]>();
        var lines = new List<int>();
        var lastLine = 1;
        try
        {
            using var reader = CsvReader.FromText(text, options);
            while (reader.Read())
            {
                var line = (int)reader.LineNumber;
                lastLine = line;
                var record = new string[reader.FieldCount];
                for (var j = 0; j < record.Length; j++) record[j] = reader.GetString(j) ?? "";
                // CsvHelper only skips truly empty lines; a line of blanks trims to one empty field.
                if (record.Length == 1 && record[0].Length == 0) continue;
                if (header is null)
                {
                    header = record;
                    headerLine = line;
                }
                else
                {
                    rows.Add(record);
                    lines.Add(line);
                }
            }
        }
        catch (CsvFormatException e)
        {
            var firstLine = e.Message.Split('\n', 2)[0].Trim();
            throw new DataFileException(path, e.LineNumber > 0 ? (int)e.LineNumber : lastLine, null, $"malformed CSV: {firstLine}", e);
        }
        if (header is null) throw new DataFileException(path, null, null, "no header row");
        return (header, headerLine, rows, lines);
    }

    /// <summary>The candidate that occurs most often outside quotes in the header row; ties prefer the order , tab ; |.</summary>
    internal static char DetectDelimiter(string text, bool preferTab)
    {
        var cursor = new LineCursor(text);
        var header = ReadOnlySpan<char>.Empty;
        while (cursor.MoveNext(out var line))
        {
            if (!line.IsWhiteSpace())
            {
                header = line;
                break;
            }
        }
        Span<int> counts = stackalloc int[CandidateDelimiters.Length];
        var quoted = false;
        foreach (var c in header)
        {
            if (c == '"') quoted = !quoted;
            else if (!quoted)
            {
                var k = Array.IndexOf(CandidateDelimiters, c);
                if (k >= 0) counts[k]++;
            }
        }
        var best = preferTab && counts[1] > 0 ? 1 : 0;
        for (var k = 0; k < counts.Length; k++)
            if (counts[k] > counts[best]) best = k;
        return CandidateDelimiters[best];
    }
}
