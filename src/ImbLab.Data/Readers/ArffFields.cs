namespace ImbLab.Data.Readers;

/// <summary>One comma-separated field of an ARFF/KEEL line: a trimmed slice of the line, or the unescaped text of a quoted value.</summary>
internal readonly record struct ArffField(int Start, int Length, string? Quoted)
{
    public ReadOnlySpan<char> Text(ReadOnlySpan<char> line) => Quoted is null ? line.Slice(Start, Length) : Quoted.AsSpan();

    /// <summary>Whether the value was written as one of the missing-value markers (quoted markers are data).</summary>
    public bool IsMissing(ReadOnlySpan<char> line)
    {
        if (Quoted is not null) return false;
        var t = line.Slice(Start, Length);
        return t is "?" || t is "<null>";
    }
}

/// <summary>
/// Splits ARFF-like lines on commas, trimming each field (KEEL mixes ", " and "," and leaves trailing spaces),
/// and honours '...' / "..." quoting with backslash escapes as ARFF allows.
/// </summary>
internal static class ArffFields
{
    /// <summary>Fills <paramref name="fields"/>; on malformed quoting returns the 1-based field number and the problem.</summary>
    public static bool TrySplit(ReadOnlySpan<char> line, List<ArffField> fields, out int badField, out string? problem)
    {
        fields.Clear();
        badField = 0;
        problem = null;
        var pos = 0;
        while (true)
        {
            while (pos < line.Length && IsBlank(line[pos])) pos++;
            if (pos < line.Length && line[pos] is '\'' or '"')
            {
                if (!TryQuoted(line, ref pos, out var text))
                {
                    badField = fields.Count + 1;
                    problem = "unterminated quoted value";
                    return false;
                }
                fields.Add(new ArffField(0, 0, text));
                while (pos < line.Length && IsBlank(line[pos])) pos++;
                if (pos == line.Length) return true;
                if (line[pos] != ',')
                {
                    badField = fields.Count;
                    problem = $"unexpected text {ReaderText.Quote(line[pos..])} after a quoted value";
                    return false;
                }
                pos++;
                continue;
            }
            var rest = line[pos..];
            var comma = rest.IndexOf(',');
            var raw = comma < 0 ? rest : rest[..comma];
            var trimmed = raw.TrimEnd(" \t");
            fields.Add(new ArffField(pos, trimmed.Length, null));
            if (comma < 0) return true;
            pos += comma + 1;
        }
    }

    /// <summary>Reads a quoted token starting at <paramref name="pos"/> (on the opening quote) and moves past the closing one.</summary>
    public static bool TryQuoted(ReadOnlySpan<char> line, ref int pos, out string text)
    {
        var quote = line[pos];
        var sb = new System.Text.StringBuilder();
        var i = pos + 1;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length)
            {
                var next = line[i + 1];
                sb.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                i += 2;
                continue;
            }
            if (c == quote)
            {
                pos = i + 1;
                text = sb.ToString();
                return true;
            }
            sb.Append(c);
            i++;
        }
        text = "";
        return false;
    }

    public static bool IsBlank(char c) => c is ' ' or '\t';
}
