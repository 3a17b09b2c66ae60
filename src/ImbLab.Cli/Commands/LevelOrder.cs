using System.Globalization;
using System.Text.RegularExpressions;

namespace ImbLab.Cli.Commands;

/// <summary>
/// Imbalance levels in the order people read them: natural first, then IRs by value (ir=10 before ir=100), then grid
/// cells by their counts. Level labels are text in the store, so an ordinal sort put ir=100 before ir=50.
/// </summary>
internal static partial class LevelOrder
{
    public static IOrderedEnumerable<T> OrderByLevel<T>(this IEnumerable<T> items, Func<T, string> level) =>
        items.OrderBy(x => Key(level(x))).ThenBy(level, StringComparer.Ordinal);

    public static IOrderedEnumerable<T> ThenByLevel<T>(this IOrderedEnumerable<T> items, Func<T, string> level) =>
        items.ThenBy(x => Key(level(x))).ThenBy(level, StringComparer.Ordinal);

    /// <summary>(kind, first number, second number): natural 0, an IR 1, a grid cell 2, anything else 3.</summary>
    public static (int Kind, double First, double Second) Key(string level)
    {
        if (level == "natural") return (0, 0, 0);
        if (level.StartsWith("ir=", StringComparison.Ordinal) && Number(level[3..]) is { } ir) return (1, ir, 0);
        if (GridPattern().Match(level) is { Success: true } m && Number(m.Groups[1].Value) is { } min && Number(m.Groups[2].Value) is { } maj)
            return (2, min, maj);
        return (3, 0, 0);
    }

    /// <summary>A grid level as the user wrote the cell (min=20,maj=200 is 20x200), so it fits a narrow column.</summary>
    public static string Short(string level) =>
        GridPattern().Match(level) is { Success: true } m ? $"{m.Groups[1].Value}x{m.Groups[2].Value}" : level;

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    [GeneratedRegex(@"^min=(\d+),maj=(\d+)$")]
    private static partial Regex GridPattern();
}
