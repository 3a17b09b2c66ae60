using ImbLab.Core;
using System.Globalization;
using System.Text;

namespace ImbLab.Data.Readers;

/// <summary>Shared wording and value parsing, so every format reports the same problem the same way.</summary>
internal static class ReaderText
{
    private const int MaxListedLevels = 12;
    private const int MaxQuotedLength = 40;

    /// <summary>A value as it appears in a message: quoted, control characters escaped, long values cut.</summary>
    public static string Quote(ReadOnlySpan<char> value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, MaxQuotedLength) + 8);
        sb.Append('\'');
        var shown = value.Length > MaxQuotedLength ? value[..MaxQuotedLength] : value;
        foreach (var c in shown)
        {
            if (char.IsControl(c)) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (value.Length > MaxQuotedLength) sb.Append("...");
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>Accepted levels for a message, truncated when an attribute has many.</summary>
    public static string Levels(IReadOnlyList<string> levels)
    {
        if (levels.Count == 0) return "(none declared)";
        var shown = levels.Take(MaxListedLevels).Select(l => Quote(l));
        var list = string.Join(", ", shown);
        return levels.Count > MaxListedLevels ? $"{list}, ... ({levels.Count - MaxListedLevels} more)" : list;
    }

    /// <summary>Invariant-culture number; infinities and NaN spelled out are not accepted as data.</summary>
    public static bool TryNumber(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>
    /// Whether a token spells an infinity ('inf', '-Infinity', '∞') or a number too large for a double ('1e400'),
    /// so an error can say "non-finite" rather than "non-numeric".
    /// </summary>
    public static bool IsNonFinite(ReadOnlySpan<char> text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return !double.IsFinite(value);
        var unsigned = text.TrimStart("+-");
        return unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase)
               || unsigned is "∞";
    }

    public static string FieldCount(int found, int expected) =>
        $"found {found} field{(found == 1 ? "" : "s")}, expected {expected}";

    /// <summary>
    /// At most this many input attributes (plus the class) are read. The engine's first layer holds a weight per
    /// attribute and hidden unit, with gradients and optimiser state beside it, so a million columns costs
    /// gigabytes before the first epoch; 100,000 is generous for tabular data (wide gene-expression tables
    /// have some tens of thousands) and a file beyond it is refused at its header instead of exhausting memory.
    /// </summary>
    public const int MaxAttributes = 100_000;

    /// <summary>A table with more columns than <see cref="MaxAttributes"/> allows, refused at the header line.</summary>
    public static DataFileException TooManyColumns(string file, int line, string found) =>
        new(file, line, null,
            $"{found}: at most {MaxAttributes} input attributes and the class are supported (a weight per attribute and hidden unit would not fit in memory); select the columns to study before reading");

    /// <summary>
    /// The attribute index named by a label-column option: an exact name, then a case-insensitive unique
    /// name, then a 1-based index. Null option means the last column.
    /// </summary>
    public static int ResolveLabel(string file, int? line, string? option, IReadOnlyList<string> names) =>
        option is null ? names.Count - 1 : ResolveColumn(file, line, option, names, "label column");

    /// <summary>The column named by an option value, resolved as <see cref="ResolveLabel"/> does; <paramref name="what"/> names the option in errors.</summary>
    public static int ResolveColumn(string file, int? line, string option, IReadOnlyList<string> names, string what)
    {
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], option, StringComparison.Ordinal)) return i;
        var folded = Enumerable.Range(0, names.Count)
            .Where(i => string.Equals(names[i], option, StringComparison.OrdinalIgnoreCase)).ToList();
        if (folded.Count == 1) return folded[0];
        if (int.TryParse(option, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1 && index <= names.Count)
            return index - 1;
        throw new DataFileException(file, line, null,
            $"{what} {Quote(option)} is neither a column name nor a 1-based index from 1 to {names.Count}; columns: {Levels(names)}");
    }

    /// <summary>A classification table needs two classes present (a KEEL training fold is checked with this alone).</summary>
    public static void RequireTwoClasses(RawTable table)
    {
        var counts = table.ClassCounts();
        var present = counts.Count(c => c > 0);
        if (present >= 2) return;
        var only = Array.FindIndex(counts, c => c > 0);
        throw new DataFileException(table.Source, null, null,
            $"a single class ({Quote(table.ClassNames[only])}) occurs in the {table.Rows} data rows; at least two classes are required");
    }

    /// <summary>
    /// Below this many rows a one-row class is not refused: hand-made and toy tables have classes of one row
    /// on purpose. From here on a class of a single row cannot be both trained and tested on and is, in
    /// practice, a mistyped or truncated label ('nega' among 'negative'), which is why it is refused.
    /// </summary>
    public const int SingleRowClassCheckFromRows = 20;

    /// <summary>
    /// Every reader's final check on a whole file: at least two classes present, and (in a table of
    /// <see cref="SingleRowClassCheckFromRows"/> rows or more) no class that occurs in a single row.
    /// </summary>
    public static void RequireClasses(RawTable table)
    {
        RequireTwoClasses(table);
        if (table.Rows < SingleRowClassCheckFromRows) return;
        var counts = table.ClassCounts();
        var singles = counts.Count(c => c == 1);
        if (singles == 0) return;
        var row = Array.FindIndex(table.Labels, y => counts[y] == 1);
        var y = table.Labels[row];
        var others = Enumerable.Range(0, counts.Length).Where(c => c != y && counts[c] > 0)
            .Select(c => $"{Quote(table.ClassNames[c])} {counts[c]}").ToList();
        var shown = string.Join(", ", others.Take(MaxListedLevels)) + (others.Count > MaxListedLevels ? $", ... ({others.Count - MaxListedLevels} more)" : "");
        var more = singles > 1 ? $" ({singles - 1} other class{(singles == 2 ? "" : "es")} also occur{(singles == 2 ? "s" : "")} once)" : "";
        throw new DataFileException(table.SourceOf(row), table.LineNumbers[row], null,
            $"class {Quote(table.ClassNames[y])} occurs in this row only{more}; the other classes have {shown} rows; every class needs at least 2 rows (one to train on, one to test), so this is most likely a mistyped or truncated label");
    }
}
