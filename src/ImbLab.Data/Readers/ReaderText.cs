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

    public static string FieldCount(int found, int expected) =>
        $"found {found} field{(found == 1 ? "" : "s")}, expected {expected}";

    /// <summary>
    /// The attribute index named by a label-column option: an exact name, then a case-insensitive unique
    /// name, then a 1-based index. Null option means the last column.
    /// </summary>
    public static int ResolveLabel(string file, int? line, string? option, IReadOnlyList<string> names)
    {
        if (option is null) return names.Count - 1;
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], option, StringComparison.Ordinal)) return i;
        var folded = Enumerable.Range(0, names.Count)
            .Where(i => string.Equals(names[i], option, StringComparison.OrdinalIgnoreCase)).ToList();
        if (folded.Count == 1) return folded[0];
        if (int.TryParse(option, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1 && index <= names.Count)
            return index - 1;
        throw new DataFileException(file, line, null,
            $"label column {Quote(option)} is neither a column name nor a 1-based index from 1 to {names.Count}; columns: {Levels(names)}");
    }

    /// <summary>Every reader's final check: a classification table needs two classes present.</summary>
    public static void RequireTwoClasses(RawTable table)
    {
        var counts = table.ClassCounts();
        var present = counts.Count(c => c > 0);
        if (present >= 2) return;
        var only = Array.FindIndex(counts, c => c > 0);
        throw new DataFileException(table.Source, null, null,
            $"a single class ({Quote(table.ClassNames[only])}) occurs in the {table.Rows} data rows; at least two classes are required");
    }
}
