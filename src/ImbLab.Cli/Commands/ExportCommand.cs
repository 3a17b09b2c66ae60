using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Store.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class ExportSettings : CommandSettings
{
    [CommandArgument(0, "<STORE>")]
    [Description("The SQLite store (e.g. imblab-results/imblab.db).")]
    public string Store { get; init; } = "";

    [CommandOption("--format <FORMAT>")]
    [Description("csv (default) or parquet (typed columns, NULL for undefined values, compressed: far smaller). Default: csv.")]
    public string Format { get; init; } = "csv";

    [CommandOption("-o|--out <FOLDER>")]
    [Description("Where to write the files, one per table (default: an 'export' folder beside the store).")]
    public string? Out { get; init; }

    [CommandOption("--tables <LIST>")]
    [Description("Which tables to write (default: all). runs: one row per run with its flattened config; metrics: per-epoch " +
                 "metrics; gradients: gradient competition; representations: representation separability; findings: the " +
                 "study's verdicts; dynamics: per-sample learned epoch, forgetting, cartography, AUM; samples: per-sample " +
                 "p_true, margin, correct at every checkpoint (the largest); activations: recorded hidden activations (in " +
                 "the default only when recorded). Every run-level row carries the run keys (study_id, run_id, dataset, " +
                 "protocol, level, remedy, requested_ir, seed, seed_index, split_repeat, split_fold, status). Diverged runs are " +
                 "exported with what they recorded before their loss became non-finite (status 'diverged'). See docs/export.md.")]
    public string? Tables { get; init; }

    [CommandOption("--no-samples")]
    [Description("Leave out the samples table (per-sample signals), by far the largest. Default: written.")]
    public bool NoSamples { get; init; }

    [CommandOption("--no-gzip")]
    [Description("CSV: write samples and activations as plain .csv instead of .csv.gz (several times larger; the values are the same). Default: gzip.")]
    public bool NoGzip { get; init; }

    [CommandOption("--representations")]
    [Description("Also write the activations table even when the study recorded none (kept for scripts; activations are in the default tables when recorded). Default: off.")]
    public bool Representations { get; init; }

    [CommandOption("--json")]
    [Description("Print the files written (table, path, rows, bytes) as JSON. Default: text.")]
    public bool Json { get; init; }
}

internal sealed class ExportCommand(IAnsiConsole console) : Command<ExportSettings>
{
    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var format = StoreExporter.ParseFormat(settings.Format);
        IReadOnlyCollection<string>? tables = settings.Tables is { } list ? StoreExporter.ParseTables(list) : null;
        if (settings.Representations) tables = [.. tables ?? StoreExporter.TableNames, "activations"];
        using var store = StudyStore.OpenForReading(settings.Store);
        var folder = settings.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Store))!, "export");
        var request = new ExportRequest(folder, format)
        {
            Tables = tables?.Distinct(StringComparer.Ordinal).ToList(),
            Samples = !settings.NoSamples,
            GzipLargeCsv = !settings.NoGzip,
            Derived = [new DerivedTable(StoreExporter.Dynamics, DynamicsTable.Build)],
        };
        var files = StoreExporter.Export(store, request, cancellationToken);
        if (settings.Json)
        {
            // Straight to the writer: the console would wrap long lines and break the JSON strings.
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(files, CliJson.Options));
            return ImbLabApp.Ok;
        }
        foreach (var f in files)
        {
            var hint = f.Rows == 0 && f.Table == "activations"
                ? " [grey](the study recorded no activations: run it with --record-activations)[/]"
                : f.Rows == 0 && f.Table is "samples" or StoreExporter.Dynamics
                    ? " [grey](the study recorded no per-sample signals)[/]"
                    : "";
            console.MarkupLine($"{Markup.Escape(f.Path)}: {f.Rows.ToString(CultureInfo.InvariantCulture)} rows, " +
                               $"{(f.Bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture)} MB{hint}");
        }
        return ImbLabApp.Ok;
    }
}

/// <summary>
/// The per-sample dynamics table. It lives here, not in ImbLab.Store, because the dynamics are computed by
/// ImbLab.Analysis and the store may only reference Core: the CLI sees both, computes the rows with
/// <see cref="StudyDynamics.Samples"/> and hands them to the store's table writer, so every arrow stays one-way.
/// Runs are read one at a time through the export's own store connection (and so its snapshot, if any).
/// </summary>
internal static class DynamicsTable
{
    public static ExportTable Build(ExportContext context) => new(StoreExporter.Dynamics,
        ExportContext.WithKeys(new("split", ColumnType.Text), new("sample", ColumnType.Int), new("class", ColumnType.Int),
            new("class_label", ColumnType.Text), new("role", ColumnType.Text), new("learned_epoch", ColumnType.Int),
            new("never_learned", ColumnType.Bool), new("forgetting_events", ColumnType.Int), new("confidence", ColumnType.Double),
            new("variability", ColumnType.Double), new("correctness", ColumnType.Double), new("aum", ColumnType.Double)),
        w =>
        {
            var studies = context.Studies.ToDictionary(s => s.StudyId, StringComparer.Ordinal);
            var datasets = context.Datasets.ToList();
            // Finished runs only: like the findings, the dynamics summarise whole trainings, and a diverged run stopped midway.
            foreach (var run in context.FinishedRuns)
            {
                // A one-run study: the analysis sees the run's metrics and reads its per-sample arrays from this store.
                var metrics = context.Store.Metrics(run.RunId).Select(m => m.Record).ToList();
                using var study = new StudyData(context.Store.Path, studies[run.StudyId], datasets, [new RunData(run, metrics, [], [])], [], context.Store);
                foreach (var row in StudyDynamics.Samples(study))
                {
                    var d = row.Dynamics;
                    context.WriteKeys(w, run);
                    w.Text(row.Split);
                    w.Int(row.Sample);
                    w.Int(row.Class);
                    w.Text(context.ClassLabel(run, row.Class));
                    w.Text(row.Role);
                    w.Int(d.LearnedEpoch);
                    w.Bool(d.NeverLearned);
                    w.Int(d.ForgettingEvents);
                    w.Double(d.Confidence);
                    w.Double(d.Variability);
                    w.Double(d.Correctness);
                    w.Double(d.Aum);
                    w.EndRow();
                }
            }
        });
}
