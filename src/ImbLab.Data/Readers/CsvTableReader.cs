using System.Globalization;
using CsvHelper;
using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>
/// Delimited text with a header row. Column kinds are inferred, as strictly as the declared formats check them:
/// <list type="bullet">
/// <item>numeric when every non-missing value parses as a finite invariant-culture number;</item>
/// <item>an error when a column is numeric except for a few cells (see <see cref="IsNumericWithStrayCells"/>):
/// one 'inf', '1.517X5118' or '&lt;null&gt;0.12' must not silently turn a measurement into hundreds of levels;</item>
/// <item>otherwise nominal, with levels in order of first appearance; <see cref="ReadOptions.NominalColumns"/>
/// declares a column nominal on purpose.</item>
/// </list>
/// The label column must look categorical (see <see cref="LooksContinuous"/>), and, as for KEEL and ARFF,
/// <see cref="ReaderText.RequireClasses"/> refuses a one-row class, CSV's symptom of a mistyped label.
/// Empty, ?, NA, NaN and &lt;null&gt; mean missing.
/// </summary>
internal sealed class CsvTableReader : ITableReader
{
    private static readonly char[] CandidateDelimiters = [',', '\t', ';', '|'];

    public string FormatName => "CSV";

    public IReadOnlyList<string> Extensions { get; } = [".csv", ".tsv", ".txt"];

    public RawTable Read(string path, ReadOptions options)
    {
        var table = Parse(path, options);
        ReaderText.RequireClasses(table);
        return table;
    }

    /// <summary>The header's column names as <see cref="Read"/> names them, for a caller that picks the label column by the others.</summary>
    public static IReadOnlyList<string> ColumnNames(string path, ReadOptions options)
    {
        var text = TextFile.Load(path);
        var delimiter = options.Delimiter ?? DetectDelimiter(text, Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase));
        var (header, headerLine, _, _) = Tokenise(path, text, delimiter);
        return NameColumns(path, headerLine, header);
    }

    /// <summary>Reads the file without the class checks, so a single test fold may hold one class.</summary>
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
        var declaredNominal = new bool[width];
        foreach (var column in options.NominalColumns ?? [])
            declaredNominal[ReaderText.ResolveColumn(path, headerLine, column, names, "nominal column")] = true;
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
        if (!declaredNominal[label] && LooksContinuous(classNames, rows.Count))
            throw new DataFileException(path, headerLine, label + 1,
                $"label column {ReaderText.Quote(names[label])} looks continuous: {classNames.Count} distinct numeric values in {rows.Count} rows; give the label column with {Settings.Mention(Settings.LabelColumn)} (or, if these numbers are class codes, declare it with {Settings.Mention(Settings.Nominal)})");

        var inputs = Enumerable.Range(0, width).Where(j => j != label).ToArray();
        var attributes = new AttributeInfo[inputs.Length];
        var cells = new double[rows.Count * inputs.Length];
        for (var a = 0; a < inputs.Length; a++)
            attributes[a] = FillColumn(path, rows, rowLines, inputs[a], names[inputs[a]], declaredNominal[inputs[a]], cells, a, inputs.Length);

        return new RawTable(path, Path.GetFileNameWithoutExtension(path), attributes, classNames, cells, labels, rowLines.ToArray());
    }

    /// <summary>A numeric label with more distinct values than this is a measurement, not a class.</summary>
    private const int MaxNumericClasses = 20;

    /// <summary>
    /// A label column whose values are all numbers is continuous when it has more than <see cref="MaxNumericClasses"/>
    /// distinct values, or at least 3 and more distinct values than half the rows (real class codes repeat). Both
    /// catch a numeric last column taken as the label because no label column was given.
    /// </summary>
    internal static bool LooksContinuous(IReadOnlyList<string> classNames, int rows) =>
        classNames.All(c => ReaderText.TryNumber(c, out _))
        && (classNames.Count > MaxNumericClasses || (classNames.Count >= 3 && 2 * classNames.Count > rows));

    /// <summary>
    /// Up to this many non-numbers in a column that is otherwise numeric are stray cells, an error, provided
    /// numbers outnumber them at least two to one; beyond it, up to <see cref="StrayShare"/> of the non-missing
    /// cells are. A column with more non-numbers than that is taken as nominal.
    /// </summary>
    private const int MaxStrayCells = 5;

    private const double StrayShare = 0.10;

    /// <summary>How many stray cells an error lists by line and value.</summary>
    private const int ListedStrayCells = 3;

    internal static bool IsNumericWithStrayCells(int numbers, int others) =>
        others > 0 && numbers >= 2 * others && (others <= MaxStrayCells || others <= StrayShare * (numbers + others));

    private static AttributeInfo FillColumn(string path, List<string[]> rows, List<int> rowLines, int column, string name, bool declaredNominal,
        double[] cells, int attribute, int stride)
    {
        if (!declaredNominal)
        {
            var numbers = 0;
            var others = new List<int>();
            for (var r = 0; r < rows.Count; r++)
            {
                var value = rows[r][column];
                if (IsMissing(value))
                {
                    cells[r * stride + attribute] = double.NaN;
                    continue;
                }
                if (ReaderText.TryNumber(value, out var number))
                {
                    cells[r * stride + attribute] = number;
                    numbers++;
                }
                else others.Add(r);
            }
            if (others.Count == 0) return new AttributeInfo(name, AttributeKind.Numeric, []);
            if (IsNumericWithStrayCells(numbers, others.Count))
                throw StrayCells(path, rows, rowLines, column, name, numbers, others);
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

    private static DataFileException StrayCells(string path, List<string[]> rows, List<int> rowLines, int column, string name, int numbers, List<int> others)
    {
        var first = rows[others[0]][column];
        var kind = ReaderText.IsNonFinite(first) ? "non-finite" : "non-numeric";
        var listed = string.Join(", ", others.Take(ListedStrayCells).Select(r => $"line {rowLines[r]} {ReaderText.Quote(rows[r][column])}"));
        var more = others.Count > ListedStrayCells ? ", ..." : "";
        var total = numbers + others.Count;
        return new DataFileException(path, rowLines[others[0]], column + 1,
            $"{kind} value {ReaderText.Quote(first)} for numeric attribute {ReaderText.Quote(name)}: {numbers} of its {total} non-missing cells are finite numbers and {others.Count} {(others.Count == 1 ? "is" : "are")} not ({listed}{more}); " +
            $"accepted: finite numbers, or empty, ?, NA, NaN or <null> for a missing value; if the column is categorical, declare it with {Settings.Mention(Settings.Nominal)} {ReaderText.Quote(name)}");
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
                    // Checked before any row is read, so an absurdly wide file costs one header line.
                    if (record.Length > ReaderText.MaxAttributes + 1)
                        throw ReaderText.TooManyColumns(path, line, $"the header has {record.Length} columns");
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
