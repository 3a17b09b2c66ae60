using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>
/// The parser behind the KEEL and ARFF readers: KEEL's .dat is ARFF with extra header lines and its own
/// missing-value marker, so one parser accepts the union of both dialects (@input(s)/@output(s) lines are
/// ignored because KEEL writes them unreliably; both '?' and '&lt;null&gt;' mean missing).
/// </summary>
internal static class ArffLikeParser
{
    private sealed class Declared(string name, AttributeKind kind, List<string> levels)
    {
        public string Name { get; } = name;
        public AttributeKind Kind { get; } = kind;
        public List<string> Levels { get; } = levels;
        public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; } = BuildLookup(levels);

        private static Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> BuildLookup(List<string> levels)
        {
            var map = new Dictionary<string, int>(levels.Count, StringComparer.Ordinal);
            for (var i = 0; i < levels.Count; i++) map[levels[i]] = i;
            return map.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    /// <summary>Reads the file without the class checks, so a single test fold may hold one class.</summary>
    public static RawTable Parse(string path, ReadOptions options)
    {
        var text = TextFile.Load(path);
        var cursor = new LineCursor(text);
        var declared = new List<Declared>();
        var names = new HashSet<string>(StringComparer.Ordinal); // a set, not a scan of declared: linear in the attribute count
        var dataLine = 0;
        while (dataLine == 0 && cursor.MoveNext(out var raw))
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '%') continue;
            var n = cursor.LineNumber;
            if (line[0] != '@')
                throw new DataFileException(path, n, null, $"expected a header line starting with '@' (or @data before the rows), found {ReaderText.Quote(line)}");
            var keywordEnd = line.IndexOfAny(' ', '\t');
            var keyword = keywordEnd < 0 ? line : line[..keywordEnd];
            var rest = keywordEnd < 0 ? [] : line[(keywordEnd + 1)..].Trim();
            if (Is(keyword, "@relation") || Is(keyword, "@input") || Is(keyword, "@inputs") || Is(keyword, "@output") || Is(keyword, "@outputs"))
                continue;
            if (Is(keyword, "@attribute"))
            {
                if (declared.Count == ReaderText.MaxAttributes + 1)
                    throw ReaderText.TooManyColumns(path, n, $"attribute {declared.Count + 1} is declared");
                declared.Add(ParseAttribute(path, n, rest, names));
            }
            else if (Is(keyword, "@data"))
                dataLine = n;
            else
                throw new DataFileException(path, n, 1,
                    $"unknown header keyword {ReaderText.Quote(keyword)}; accepted: @relation, @attribute, @inputs, @outputs, @data");
        }
        if (dataLine == 0)
            throw new DataFileException(path, null, null, "no @data line: the header never ends, so there are no data rows");
        if (declared.Count < 2)
            throw new DataFileException(path, dataLine, null,
                $"declares {declared.Count} attribute{(declared.Count == 1 ? "" : "s")}; at least one input attribute and a class attribute are required");

        var label = ReaderText.ResolveLabel(path, dataLine, options.LabelColumn, declared.Select(d => d.Name).ToList());
        var classAttribute = declared[label];
        if (classAttribute.Kind != AttributeKind.Nominal)
            throw new DataFileException(path, dataLine, null,
                $"class attribute {ReaderText.Quote(classAttribute.Name)} is numeric; the class must be a nominal attribute ({{a, b, ...}})");

        var width = declared.Count;
        var cells = new List<double>(Math.Max(16, text.Length / 4));
        var labels = new List<int>();
        var lines = new List<int>();
        var fields = new List<ArffField>(width);
        while (cursor.MoveNext(out var raw))
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '%') continue;
            var n = cursor.LineNumber;
            if (line[0] == '{')
                throw new DataFileException(path, n, 1, "sparse ARFF rows ({index value, ...}) are not supported; write every value");
            if (!ArffFields.TrySplit(line, fields, out var badField, out var problem))
                throw new DataFileException(path, n, badField, problem!);
            if (fields.Count != width)
                throw new DataFileException(path, n, null, $"{ReaderText.FieldCount(fields.Count, width)} ({width - 1} attributes and the class)");
            for (var j = 0; j < width; j++)
            {
                var field = fields[j];
                var attribute = declared[j];
                double value;
                if (field.IsMissing(line))
                {
                    if (j == label) throw new DataFileException(path, n, j + 1, $"missing class label for attribute {ReaderText.Quote(attribute.Name)}; every row needs a class");
                    value = double.NaN;
                }
                else
                {
                    var token = field.Text(line);
                    if (attribute.Kind == AttributeKind.Numeric)
                    {
                        if (!ReaderText.TryNumber(token, out value))
                            throw new DataFileException(path, n, j + 1, token.IsEmpty
                                ? $"empty value for numeric attribute {ReaderText.Quote(attribute.Name)}; write ? or <null> for a missing value"
                                : $"non-numeric value {ReaderText.Quote(token)} for numeric attribute {ReaderText.Quote(attribute.Name)}");
                    }
                    else if (attribute.Lookup.TryGetValue(token, out var level))
                        value = level;
                    else
                        throw new DataFileException(path, n, j + 1,
                            $"unknown value {ReaderText.Quote(token)} for nominal attribute {ReaderText.Quote(attribute.Name)}; accepted: {ReaderText.Levels(attribute.Levels)}");
                }
                if (j == label) labels.Add((int)value);
                else cells.Add(value);
            }
            lines.Add(n);
        }
        if (labels.Count == 0)
            throw new DataFileException(path, dataLine, null, "no data rows after @data");

        var attributes = declared.Where((_, j) => j != label)
            .Select(d => new AttributeInfo(d.Name, d.Kind, d.Kind == AttributeKind.Nominal ? d.Levels.ToArray() : []))
            .ToArray();
        return new RawTable(path, Path.GetFileNameWithoutExtension(path), attributes, classAttribute.Levels.ToArray(),
            cells.ToArray(), labels.ToArray(), lines.ToArray());
    }

    private static bool Is(ReadOnlySpan<char> keyword, string expected) => keyword.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static Declared ParseAttribute(string path, int line, ReadOnlySpan<char> rest, HashSet<string> names)
    {
        if (rest.IsEmpty) throw new DataFileException(path, line, null, "@attribute without a name and type");
        string name;
        var pos = 0;
        if (rest[0] is '\'' or '"')
        {
            if (!ArffFields.TryQuoted(rest, ref pos, out name))
                throw new DataFileException(path, line, null, "unterminated quoted attribute name");
        }
        else
        {
            var end = rest.IndexOfAny(" \t{");
            if (end < 0) throw new DataFileException(path, line, null, $"attribute {ReaderText.Quote(rest)} has no type; accepted: real, numeric, integer or {{level, ...}}");
            name = rest[..end].ToString();
            pos = end;
        }
        if (name.Length == 0) throw new DataFileException(path, line, null, "attribute with an empty name");
        if (!names.Add(name))
            throw new DataFileException(path, line, null, $"attribute {ReaderText.Quote(name)} is declared twice");
        var type = rest[pos..].Trim();
        if (type.IsEmpty)
            throw new DataFileException(path, line, null, $"attribute {ReaderText.Quote(name)} has no type; accepted: real, numeric, integer or {{level, ...}}");
        if (type[0] == '{')
        {
            var close = type.LastIndexOf('}');
            if (close < 0) throw new DataFileException(path, line, null, $"nominal attribute {ReaderText.Quote(name)} has no closing '}}'");
            if (!type[(close + 1)..].Trim().IsEmpty)
                throw new DataFileException(path, line, null, $"unexpected text {ReaderText.Quote(type[(close + 1)..].Trim())} after the levels of attribute {ReaderText.Quote(name)}");
            var inner = type[1..close];
            var parts = new List<ArffField>();
            if (!ArffFields.TrySplit(inner, parts, out _, out var problem))
                throw new DataFileException(path, line, null, $"{problem} in the levels of attribute {ReaderText.Quote(name)}");
            var levels = new List<string>(parts.Count);
            foreach (var part in parts)
            {
                var level = part.Text(inner).ToString();
                if (level.Length == 0) throw new DataFileException(path, line, null, $"nominal attribute {ReaderText.Quote(name)} has an empty level");
                if (levels.Contains(level)) throw new DataFileException(path, line, null, $"nominal attribute {ReaderText.Quote(name)} declares level {ReaderText.Quote(level)} twice");
                levels.Add(level);
            }
            return new Declared(name, AttributeKind.Nominal, levels);
        }
        var wordEnd = type.IndexOfAny(" \t[");
        var word = wordEnd < 0 ? type : type[..wordEnd];
        if (Is(word, "real") || Is(word, "numeric") || Is(word, "integer"))
            return new Declared(name, AttributeKind.Numeric, []); // a KEEL [min, max] range is informative only
        if (Is(word, "string") || Is(word, "date") || Is(word, "relational"))
            throw new DataFileException(path, line, null,
                $"attribute {ReaderText.Quote(name)} has type {word.ToString().ToLowerInvariant()}, which is not supported; accepted: real, numeric, integer or {{level, ...}}");
        throw new DataFileException(path, line, null,
            $"attribute {ReaderText.Quote(name)} has unknown type {ReaderText.Quote(word)}; accepted: real, numeric, integer or {{level, ...}}");
    }
}
