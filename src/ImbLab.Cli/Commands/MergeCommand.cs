using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Core.Results;
using ImbLab.Report;
using ImbLab.Store;
using ImbLab.Study;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class MergeSettings : CommandSettings
{
    [CommandArgument(0, "<OUT>")]
    [Description("The store to merge into, created when missing: a .db file (the report goes beside it), or a folder (FOLDER/imblab.db and FOLDER/report.html), as 'study --out'.")]
    public string Out { get; init; } = "";

    [CommandArgument(1, "<STORES>")]
    [Description("The stores to merge: stores of one study, typically its shard stores ('study --shard K/N'); a folder stands for its imblab.db.")]
    public string[] Stores { get; init; } = [];

    [CommandOption("--study <ID>")]
    [Description("The study to merge (an id or a unique prefix), when the stores hold several. Default: the one study they hold.")]
    public string? Study { get; init; }

    [CommandOption("--no-report")]
    [Description("Do not write the HTML report (findings are still stated and stored). Default: the report is written.")]
    public bool NoReport { get; init; }

    [CommandOption("--json")]
    [Description("Print results as JSON instead of tables. Default: tables.")]
    public bool Json { get; init; }
}

/// <summary>
/// Merges stores of one study (its shards) into one, then states the findings and writes the report of the whole study
/// once, as `study` does at its end. Merging again changes no run: it only states the findings and writes the report again.
/// </summary>
internal sealed class MergeCommand(IAnsiConsole console, ErrorConsole errors) : Command<MergeSettings>
{
    public override int Execute(CommandContext context, MergeSettings settings, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Of(settings.Out);
        var inputs = settings.Stores.Select(StoreLocation.Input).ToList();
        ReportResult? report = null;
        Action<StudyData, IReadOnlyList<FindingRow>>? outputs = settings.NoReport ? null
            : (data, stated) => report = ReportWriter.Write(data, stated, location.Report, cancellationToken);
        var phases = new PhaseClock(errors.Console);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (merge, results) = StudyPipeline.Merge(location.Store, inputs, settings.Study, settings.Json ? null : phases.Start, outputs);
        phases.Finish();
        var verdicts = results.Findings.GroupBy(f => f.Verdict).ToDictionary(g => g.Key, g => g.Count());
        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                study = merge.StudyId, store = location.Store, inputs = merge.Inputs, finished = merge.Finished, diverged = merge.Diverged, shards = merge.Shards,
                elapsed_seconds = Math.Round(clock.Elapsed.TotalSeconds, 3), summary = results.Summary, findings = verdicts, report = report?.HtmlPath,
            }, CliJson.Options));
            return ImbLabApp.Ok;
        }

        var table = new Table().Border(TableBorder.Simple).Title("merged");
        foreach (var h in new[] { "store", "shard", "runs merged", "already there", "in flight (skipped)" }) table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var i in merge.Inputs)
            table.AddRow(Markup.Escape(i.Path), i.Shards ?? "-", I(i.Merged), I(i.AlreadyThere), i.Skipped is null ? I(i.InFlight) : $"skipped: {Markup.Escape(i.Skipped)}");
        console.Write(table);
        StudyCommand.WriteSummary(console, results.Summary);
        StudyCommand.WriteDiverged(console, results.Diverged);
        var inFlight = merge.Inputs.Sum(i => i.InFlight);
        console.MarkupLine($"study [bold]{merge.StudyId}[/]: {I(merge.Inputs.Sum(i => i.Merged))} runs merged; the store holds {I(merge.Finished)} finished" +
            (merge.Diverged > 0 ? $" and {I(merge.Diverged)} diverged" : "") + " runs" + (merge.Shards is null ? "" : $" (shards {merge.Shards})") +
            $" in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        if (inFlight > 0)
            console.MarkupLine($"[yellow]{I(inFlight)} run(s) in flight in the inputs were not merged[/] [grey]({Markup.Escape(CliText.Command)} status {Markup.Escape(string.Join(" ", inputs))})[/]");
        console.MarkupLine($"store: [bold]{Markup.Escape(location.Store)}[/]");
        console.MarkupLine($"findings: {verdicts.GetValueOrDefault("supported")} supported, {verdicts.GetValueOrDefault("contradicted")} contradicted, " +
            $"{verdicts.GetValueOrDefault("inconclusive")} inconclusive [grey]({Markup.Escape(CliText.Command)} findings {Markup.Escape(location.Store)})[/]");
        if (report is not null) ReportCommand.Print(console, report);
        return ImbLabApp.Ok;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
