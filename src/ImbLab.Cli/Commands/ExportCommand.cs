using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Store.Export;
using ImbLab.Core.Results;
using ImbLab.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class ExportSettings : CommandSettings
{
    [CommandArgument(0, "<STORE>")]
    [Description("The SQLite store (e.g. imblab-results/imblab.db).")]
    public string Store { get; init; } = "";

    [CommandOption("--format <FORMAT>")]
    [Description("csv (the only format so far). Default: csv.")]
    public string Format { get; init; } = "csv";

    [CommandOption("-o|--out <FOLDER>")]
    [Description("Where to write the CSV files (default: an 'export' folder beside the store).")]
    public string? Out { get; init; }

    [CommandOption("--no-samples")]
    [Description("Skip samples.csv (per-sample signals), which is by far the largest file. Default: written.")]
    public bool NoSamples { get; init; }

    [CommandOption("--representations")]
    [Description("Also write representations.csv: the recorded hidden activations (run, epoch, layer, split, sample, class, values), if the study recorded them (--record-activations). Default: off.")]
    public bool Representations { get; init; }

    [CommandOption("--json")]
    [Description("Print what was written as JSON. Default: text.")]
    public bool Json { get; init; }
}

internal sealed class ExportCommand(IAnsiConsole console) : Command<ExportSettings>
{
    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        if (!settings.Format.Equals("csv", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--format: '{settings.Format}' is not supported; accepted: csv");
        using var store = StudyStore.OpenForReading(settings.Store);
        var folder = settings.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Store))!, "export");
        var files = CsvExporter.Export(store, folder, !settings.NoSamples, cancellationToken, settings.Representations);
        if (settings.Json)
        {
            console.WriteLine(JsonSerializer.Serialize(files, CliJson.Options));
            return ImbLabApp.Ok;
        }
        foreach (var f in files)
        {
            var hint = f.Rows == 0 && f.Path.EndsWith("representations.csv", StringComparison.Ordinal)
                ? " [grey](the study recorded no activations: run it with --record-activations)[/]"
                : "";
            console.MarkupLine($"{Markup.Escape(f.Path)}: {f.Rows.ToString(CultureInfo.InvariantCulture)} rows{hint}");
        }
        return ImbLabApp.Ok;
    }
}
