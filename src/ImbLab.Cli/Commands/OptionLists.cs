using System.Globalization;
using ImbLab.Core;
using ImbLab.Core.Specs;

namespace ImbLab.Cli.Commands;

/// <summary>
/// Option values parsed here rather than by Spectre, whose conversion errors name neither the option nor what is
/// accepted ("Failed to convert '1e9' to Nullable`1"). Every problem is a usage error naming the setting (rendered as its
/// option), the value given and what is accepted.
/// </summary>
internal static class OptionLists
{
    /// <summary>Comma-separated items of a list option (`--ir 1,10,50`, or the option repeated); an empty item is refused, not skipped.</summary>
    public static List<string> Strings(string setting, IEnumerable<string>? values, string example)
    {
        var items = new List<string>();
        foreach (var value in values ?? [])
        {
            var parts = value.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Any(p => p.Length == 0))
                throw new UsageException(setting, $"'{value}' has an empty item; accepted: a comma-separated list without empty items, such as {example}");
            items.AddRange(parts);
        }
        return items;
    }

    /// <summary>
    /// Dataset lists: comma-separated like every list, except that key=value parts stay with the synthetic spec
    /// before them (`--data synthetic:rows=500,d=4,pima.dat` is two datasets).
    /// </summary>
    public static List<string> Datasets(IEnumerable<string>? values)
    {
        var items = new List<string>();
        foreach (var token in Strings(Settings.Data, values, "pima.dat,synthetic"))
        {
            var continuesSynthetic = items.Count > 0 && items[^1].StartsWith("synthetic:", StringComparison.OrdinalIgnoreCase)
                && token.Contains('=', StringComparison.Ordinal) && !File.Exists(token) && !Directory.Exists(token);
            if (continuesSynthetic) items[^1] += "," + token;
            else items.Add(token);
        }
        return items;
    }

    public static List<double> Doubles(string setting, IEnumerable<string>? values, string example) =>
        Strings(setting, values, example).Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new UsageException(setting, $"'{v}' is not a number; accepted: a comma-separated list of numbers such as {example}")).ToList();

    public static List<int> Ints(string setting, IEnumerable<string>? values, string example) =>
        Strings(setting, values, example).Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw new UsageException(setting, $"'{v}' is not a whole number; accepted: a comma-separated list of whole numbers such as {example}")).ToList();

    /// <summary>Grid cells as MINxMAJ, e.g. 10x100,20x200.</summary>
    public static List<GridCell> Grid(IEnumerable<string>? values) =>
        Strings(Settings.Grid, values, "10x100,20x200").Select(v =>
        {
            var parts = v.Split('x', 'X');
            return parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
                && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var maj)
                ? new GridCell(min, maj)
                : throw new UsageException(Settings.Grid, $"'{v}' is not a cell; accepted: MINORITYxMAJORITY counts such as 10x100,20x200");
        }).ToList();

    /// <summary>A whole-number option; range checks stay with the spec, which names the same bounds as <paramref name="accepted"/>.</summary>
    public static int? Int(string setting, string? text, string accepted) =>
        text is null ? null
        : int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw Problem(setting, $"'{text}' is not a whole number in range; accepted: {accepted}");

    /// <summary>A real-number option: finite, in invariant notation (1e-3, 0.001).</summary>
    public static double? Double(string setting, string? text, string accepted) =>
        text is null ? null
        : double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
        : throw Problem(setting, $"'{text}' is not a finite number; accepted: {accepted}");

    /// <summary>A setting of a study by its name (rendered as its option), or an option no study has (`--every`) as it is.</summary>
    private static UsageException Problem(string settingOrOption, string problem) =>
        settingOrOption.StartsWith("--", StringComparison.Ordinal) ? new UsageException($"{settingOrOption}: {problem}") : new UsageException(settingOrOption, problem);
}
