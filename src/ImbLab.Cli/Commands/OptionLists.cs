using System.Globalization;
using ImbLab.Core;
using ImbLab.Study;
using ImbLab.Core.Specs;

namespace ImbLab.Cli.Commands;

/// <summary>Comma-separated option values (`--ir 1,10,50`), parsed with messages that name the option.</summary>
internal static class OptionLists
{
    public static List<string> Strings(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    /// <summary>
    /// Dataset lists: comma-separated like every list, except that key=value parts stay with the synthetic spec
    /// before them (`--data synthetic:rows=500,d=4,pima.dat` is two datasets).
    /// </summary>
    public static List<string> Datasets(IEnumerable<string>? values)
    {
        var items = new List<string>();
        foreach (var token in Strings(values))
        {
            var continuesSynthetic = items.Count > 0 && items[^1].StartsWith("synthetic:", StringComparison.OrdinalIgnoreCase)
                && token.Contains('=', StringComparison.Ordinal) && !File.Exists(token) && !Directory.Exists(token);
            if (continuesSynthetic) items[^1] += "," + token;
            else items.Add(token);
        }
        return items;
    }

    public static List<double> Doubles(string option, IEnumerable<string>? values) =>
        Strings(values).Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new UsageException($"{option}: '{v}' is not a number; expected a comma-separated list such as 1,10,50")).ToList();

    public static List<int> Ints(string option, IEnumerable<string>? values) =>
        Strings(values).Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw new UsageException($"{option}: '{v}' is not a whole number; expected a comma-separated list such as 64,64,64")).ToList();

    /// <summary>Grid cells as MINxMAJ, e.g. 10x100,20x200.</summary>
    public static List<GridCell> Grid(IEnumerable<string>? values) =>
        Strings(values).Select(v =>
        {
            var parts = v.Split('x', 'X');
            return parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
                && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var maj)
                ? new GridCell(min, maj)
                : throw new UsageException($"--grid: '{v}' is not a cell; expected MINORITYxMAJORITY counts such as 10x100,20x200");
        }).ToList();
}
