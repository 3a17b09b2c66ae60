using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Data;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;
using ImbLab.Study.Planning;
using Spectre.Console;
using Spectre.Console.Cli;
using ImbLab.Data.Catalog;

namespace ImbLab.Cli.Commands;

internal sealed class DatasetsShowSettings : CommandSettings
{
    [CommandArgument(0, "<PATH>")]
    [Description("A dataset file, or a folder (every dataset in it, recursively).")]
    public string Path { get; init; } = "";

    [CommandOption("--label-column <NAME|INDEX>")]
    public string? LabelColumn { get; init; }

    [CommandOption("--json")]
    public bool Json { get; init; }
}

internal sealed record DatasetInfo(
    string Name,
    string Path,
    string Format,
    int Rows,
    int Attributes,
    int Numeric,
    int Nominal,
    IReadOnlyList<string> NumericAttributes,
    IReadOnlyList<string> NominalAttributes,
    IReadOnlyDictionary<string, int> ClassCounts,
    string Minority,
    double ImbalanceRatio,
    int MissingCells,
    int KeelFolds);

internal sealed class DatasetsShowCommand(IAnsiConsole console) : Command<DatasetsShowSettings>
{
    public override int Execute(CommandContext context, DatasetsShowSettings settings, CancellationToken cancellationToken)
    {
        var sources = DatasetCatalog.Resolve([settings.Path]);
        var infos = new List<DatasetInfo>();
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            infos.Add(Describe(source.FilePath!, new ReadOptions(settings.LabelColumn)));
        }

        if (settings.Json)
        {
            console.WriteLine(JsonSerializer.Serialize(infos, CliJson.Options));
            return ImbLabApp.Ok;
        }
        if (infos.Count == 1)
        {
            var d = infos[0];
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("name", Markup.Escape(d.Name));
            grid.AddRow("file", Markup.Escape(d.Path));
            grid.AddRow("format", d.Format);
            grid.AddRow("rows", d.Rows.ToString(CultureInfo.InvariantCulture));
            grid.AddRow("attributes", $"{d.Attributes} ({d.Numeric} numeric, {d.Nominal} nominal)");
            grid.AddRow("numeric", Markup.Escape(string.Join(", ", d.NumericAttributes)));
            grid.AddRow("nominal", Markup.Escape(d.NominalAttributes.Count == 0 ? "-" : string.Join(", ", d.NominalAttributes)));
            grid.AddRow("classes", Markup.Escape(string.Join(", ", d.ClassCounts.Select(kv => $"{kv.Key}: {kv.Value}"))));
            grid.AddRow("minority", Markup.Escape(d.Minority));
            grid.AddRow("IR", d.ImbalanceRatio.ToString("F2", CultureInfo.InvariantCulture));
            grid.AddRow("missing cells", d.MissingCells.ToString(CultureInfo.InvariantCulture));
            grid.AddRow("KEEL folds", d.KeelFolds == 0 ? "none beside the file" : $"{d.KeelFolds} (use --split keel)");
            console.Write(grid);
            return ImbLabApp.Ok;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "dataset", "rows", "attrs (num/nom)", "classes", "minority", "IR", "missing", "folds" })
            table.AddColumn(new TableColumn(h));
        foreach (var d in infos)
        {
            table.AddRow(Markup.Escape(d.Name), d.Rows.ToString(CultureInfo.InvariantCulture), $"{d.Attributes} ({d.Numeric}/{d.Nominal})",
                Markup.Escape(string.Join(", ", d.ClassCounts.Select(kv => $"{kv.Key}: {kv.Value}"))), Markup.Escape(d.Minority),
                d.ImbalanceRatio.ToString("F2", CultureInfo.InvariantCulture), d.MissingCells.ToString(CultureInfo.InvariantCulture),
                d.KeelFolds.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLine($"{infos.Count} datasets");
        return ImbLabApp.Ok;
    }

    public static DatasetInfo Describe(string path, ReadOptions options)
    {
        var table = TableReader.Read(path, options);
        var counts = table.ClassCounts();
        var folds = System.IO.Path.GetExtension(path).Equals(".dat", StringComparison.OrdinalIgnoreCase) ? KeelPartitions.Find(path).Count : 0;
        return new DatasetInfo(
            table.Name,
            path,
            System.IO.Path.GetExtension(path).TrimStart('.').ToLowerInvariant(),
            table.Rows,
            table.Attributes.Count,
            table.Attributes.Count(a => a.Kind == AttributeKind.Numeric),
            table.Attributes.Count(a => a.Kind == AttributeKind.Nominal),
            table.Attributes.Where(a => a.Kind == AttributeKind.Numeric).Select(a => a.Name).ToList(),
            table.Attributes.Where(a => a.Kind == AttributeKind.Nominal).Select(a => a.Name).ToList(),
            table.ClassNames.Select((n, c) => (n, c)).ToDictionary(t => t.n, t => counts[t.c]),
            table.ClassNames[counts.Minority()],
            counts.ImbalanceRatio(),
            table.Cells.Count(double.IsNaN),
            folds);
    }
}
