using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Data.Catalog;
using ImbLab.Data.Readers;
using ImbLab.Study.Datasets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class DatasetsShowSettings : CommandSettings
{
    [CommandArgument(0, "[PATHS]")]
    [Description("Dataset files or folders (every dataset in a folder, recursively).")]
    public string[] Paths { get; init; } = [];

    [CommandOption("--data <PATH>")]
    [Description("The same as PATHS, as 'study' and 'train' take them (comma-separated or repeated).")]
    public string[]? Data { get; init; }

    [CommandOption("--label-column <NAME|INDEX>")]
    [Description("CSV only: the label column by name or 1-based index (default: the last column).")]
    public string? LabelColumn { get; init; }

    [CommandOption("--nominal <COLS>")]
    [Description("CSV only: columns to read as nominal even when their values are numbers (names or 1-based indices, comma-separated). Default: inferred from the values.")]
    public string[]? Nominal { get; init; }

    [CommandOption("--no-sc")]
    [Description("Skip the silhouette coefficient (SC), which costs O(rows^2) per dataset.")]
    public bool NoSilhouette { get; init; }

    [CommandOption("--csv <FILE>")]
    [Description("Also write the dataset table to FILE as CSV.")]
    public string? Csv { get; init; }

    [CommandOption("--json")]
    public bool Json { get; init; }
}

/// <summary>
/// The dataset table of a study (Mustapha et al., Table A.1): one row per dataset, sorted by IR, with SC = the silhouette
/// coefficient of the standardised, one-hot encoded input space (scikit-learn's silhouette_score, Euclidean).
/// </summary>
internal sealed class DatasetsShowCommand(IAnsiConsole console, ErrorConsole errors) : Command<DatasetsShowSettings>
{
    /// <summary>A file of a folder that could not be read as a dataset, with the reason as the CLI words it.</summary>
    private sealed record Skipped(string Path, string Reason);

    private static string Accepted => string.Join(", ", DatasetCatalog.Extensions);

    public override int Execute(CommandContext context, DatasetsShowSettings settings, CancellationToken cancellationToken)
    {
        var given = settings.Paths.Concat(OptionLists.Datasets(settings.Data)).ToList();
        if (given.Count == 0)
            throw new UsageException($"PATHS: no dataset given; accepted: dataset files ({Accepted}) or folders, e.g. imblab datasets show data/keel");
        foreach (var path in settings.Paths)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new UsageException($"PATHS: {path}: no such file or folder; accepted: dataset files ({Accepted}) or folders");
            if (Directory.Exists(path) && DatasetCatalog.FolderDatasets(path).Count == 0)
                throw new UsageException($"PATHS: {path}: the folder holds no dataset file; accepted: {Accepted}");
        }
        var options = new ReadOptions(settings.LabelColumn, NominalColumns: settings.Nominal is null ? null : OptionLists.Strings(Core.Settings.Nominal, settings.Nominal, "region,2"));
        // A file named on its own must read or fail loudly; inside a folder (or a list) one bad file is a row, not the end.
        var single = given.Count == 1 && File.Exists(given[0]);

        var clock = Stopwatch.StartNew();
        var profiles = new List<DatasetProfile>();
        var skipped = new List<Skipped>();
        foreach (var source in DatasetCatalog.Resolve(given))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (source.FilePath is null)
            {
                skipped.Add(new Skipped(source.Display, "synthetic data has no file to describe"));
                continue;
            }
            try
            {
                profiles.Add(DatasetProfile.Describe(source.FilePath, options, silhouette: !settings.NoSilhouette));
            }
            catch (ImbLabException e) when (!single)
            {
                skipped.Add(new Skipped(source.FilePath, OptionNames.Render(e)));
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var sorted = profiles.OrderBy(p => p.ImbalanceRatio).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();

        if (settings.Csv is not null) WriteCsv(settings.Csv, sorted, skipped);
        if (settings.Json)
        {
            var rows = sorted.Cast<object>().Concat(skipped.Select(s => new { path = s.Path, skipped = s.Reason }));
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
        }
        else if (sorted.Count == 1 && skipped.Count == 0) WriteOne(sorted[0]);
        else WriteTable(sorted, skipped);

        errors.Console.MarkupLine($"[grey]{profiles.Count} dataset(s) described in {seconds.ToString("F1", CultureInfo.InvariantCulture)} s" +
            (settings.Csv is null ? "" : $"; table written to {Markup.Escape(settings.Csv)}") + "[/]");
        return profiles.Count > 0 ? ImbLabApp.Ok : ImbLabApp.DataError;
    }

    private void WriteOne(DatasetProfile d)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("name", Markup.Escape(d.Name));
        grid.AddRow("file", Markup.Escape(d.Path));
        grid.AddRow("format", d.Format);
        grid.AddRow("rows", d.Rows.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("attributes", $"{d.Attributes} ({d.Numeric} numeric, {d.Nominal} nominal)");
        grid.AddRow("numeric", Markup.Escape(string.Join(", ", d.NumericAttributes)));
        grid.AddRow("nominal", Markup.Escape(d.NominalAttributes.Count == 0 ? "-" : string.Join(", ", d.NominalAttributes)));
        grid.AddRow("classes", Markup.Escape(string.Join(", ", d.ClassCounts.Select(kv => $"{kv.Key}: {kv.Value}"))));
        grid.AddRow("majority", $"{Markup.Escape(d.Majority)} ({F(d.MajorityPercent, 2)}%)");
        grid.AddRow("minority", $"{Markup.Escape(d.Minority)} ({F(d.MinorityPercent, 2)}%)");
        grid.AddRow("IR", F(d.ImbalanceRatio, 2));
        grid.AddRow("SC", Sc(d));
        grid.AddRow("missing cells", d.MissingCells.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("KEEL folds", d.KeelFolds == 0 ? "none beside the file" : $"{d.KeelFolds} (use --split keel)");
        console.Write(grid);
    }

    private void WriteTable(List<DatasetProfile> profiles, List<Skipped> skipped)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("dataset"));
        foreach (var h in new[] { "instances", "attributes (num/nom)", "% majority", "% minority", "IR", "SC" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var d in profiles)
            table.AddRow(Markup.Escape(d.Name), d.Rows.ToString(CultureInfo.InvariantCulture), $"{d.Attributes} ({d.Numeric}/{d.Nominal})",
                F(d.MajorityPercent, 2), F(d.MinorityPercent, 2), F(d.ImbalanceRatio, 2), Sc(d));
        console.Write(table);
        console.MarkupLine($"{profiles.Count} datasets, sorted by IR; SC = silhouette coefficient of the standardised, one-hot encoded inputs (all rows)");
        foreach (var s in skipped) console.MarkupLine($"skipped: {Markup.Escape(s.Reason)}");
    }

    private static void WriteCsv(string path, List<DatasetProfile> profiles, List<Skipped> skipped)
    {
        var csv = new StringBuilder("name,instances,attributes,numeric,nominal,majority_pct,minority_pct,ir,sc,path,skipped\n");
        foreach (var d in profiles)
            csv.Append(CultureInfo.InvariantCulture, $"{Field(d.Name)},{d.Rows},{d.Attributes},{d.Numeric},{d.Nominal},{R(d.MajorityPercent)},{R(d.MinorityPercent)},{R(d.ImbalanceRatio)},{(d.Silhouette is { } sc ? R(sc) : "")},{Field(d.Path)},\n");
        foreach (var s in skipped)
            csv.Append(CultureInfo.InvariantCulture, $"{Field(Path.GetFileNameWithoutExtension(s.Path))},,,,,,,,,{Field(s.Path)},{Field(s.Reason)}\n");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, csv.ToString());
    }

    private static string Field(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string F(double v, int decimals) => v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Sc(DatasetProfile d) => d.Silhouette is { } sc ? F(sc, 4) : d.MissingCells > 0 ? "n/a (missing values)" : "n/a";
}
