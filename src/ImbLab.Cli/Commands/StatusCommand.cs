using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Core.Specs;
using ImbLab.Study;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class StatusSettings : CommandSettings
{
    [CommandArgument(0, "<STORES>")]
    [Description("The study's stores: its shard stores ('study --shard K/N'), a merged store, or a study's own store; a folder stands for its imblab.db. A shard store not written yet counts as empty.")]
    public string[] Stores { get; init; } = [];

    [CommandOption("--config <FILE>")]
    [Description("The study file: the plan comes from it instead of the spec stored with the study. Default: the stored spec.")]
    public string? Config { get; init; }

    [CommandOption("--study <ID>")]
    [Description("The study (an id or a unique prefix), when the stores hold several. Default: the one study they hold.")]
    public string? Study { get; init; }

    [CommandOption("--json")]
    [Description("Print results as JSON instead of tables. Default: tables.")]
    public bool Json { get; init; }
}

/// <summary>
/// Which runs of a study's plan are finished, diverged, in flight or missing across its stores; for shard stores, by
/// shard, ending with the line "shards to resubmit: K,..." (or "none"), which scripts may parse.
/// </summary>
internal sealed class StatusCommand(IAnsiConsole console) : Command<StatusSettings>
{
    /// <summary>The line scripts parse (tools/slurm): the shards with runs nobody is training, comma-separated, or "none".</summary>
    public static string ResubmitLine(IReadOnlyList<int> shards) =>
        "shards to resubmit: " + (shards.Count == 0 ? "none" : string.Join(",", shards.Select(k => k.ToString(CultureInfo.InvariantCulture))));

    public override int Execute(CommandContext context, StatusSettings settings, CancellationToken cancellationToken)
    {
        var spec = settings.Config is null ? null : StudySpec.FromJsonFile(settings.Config);
        var stores = settings.Stores.Select(StoreLocation.Input).ToList();
        var status = StudyStatus.Compute(stores, spec, settings.Study, cancellationToken: cancellationToken);
        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                study = status.StudyId, name = status.Name, planned = status.Planned, finished = status.Finished, diverged = status.Diverged,
                in_flight = status.InFlight, abandoned = status.Abandoned, missing = status.Missing, not_in_plan = status.NotInPlan, complete = status.Complete,
                shard_count = status.ShardCount, shards = status.Shards, resubmit = status.ShardCount is null ? null : status.Resubmit,
                stores = status.Stores, pending = status.Pending.Select(p => new
                {
                    p.RunId, p.Dataset, p.Protocol, p.Level, p.Remedy, p.SeedIndex, p.Shard, standing = Standing(p.Standing), p.Store, p.OwnerHost, p.OwnerPid, p.HeartbeatAgeSeconds,
                }),
            }, CliJson.Options));
            return ImbLabApp.Ok;
        }

        console.MarkupLine($"study [bold]{status.StudyId}[/] ({Markup.Escape(status.Name)}): {I(status.Planned)} runs planned" +
            (status.ShardCount is { } n ? $" in {I(n)} shards" : ""));
        console.MarkupLine($"finished {I(status.Finished)}, diverged {I(status.Diverged)}, in flight {I(status.InFlight)}, " +
            $"abandoned {I(status.Abandoned)} (claimed by a process that is gone), missing {I(status.Missing)}");
        if (status.NotInPlan > 0)
            console.MarkupLine($"[yellow]{I(status.NotInPlan)} run(s) in the stores are not in the plan[/] (a data file changed since they ran, or the study file differs)");

        var storeTable = new Table().Border(TableBorder.Simple).Title("stores");
        foreach (var h in new[] { "store", "shard", "finished", "diverged", "running", "" }) storeTable.AddColumn(new TableColumn(h).RightAligned());
        foreach (var s in status.Stores)
            storeTable.AddRow(Markup.Escape(s.Path), s.Shards ?? "-", I(s.Finished), I(s.Diverged), I(s.Running), Markup.Escape(s.Note ?? ""));
        console.Write(storeTable);

        if (status.ShardCount is not null)
        {
            var shards = new Table().Border(TableBorder.Simple).Title("by shard");
            foreach (var h in new[] { "shard", "planned", "finished", "diverged", "in flight", "abandoned", "missing", "" }) shards.AddColumn(new TableColumn(h).RightAligned());
            foreach (var s in status.Shards)
                shards.AddRow(I(s.Shard), I(s.Planned), I(s.Finished), I(s.Diverged), I(s.InFlight), I(s.Abandoned), I(s.Missing),
                    s.Resubmit ? "resubmit" : s.InFlight > 0 ? "running" : "done");
            console.Write(shards);
        }

        var claimed = status.Pending.Where(p => p.Standing is RunStanding.InFlight or RunStanding.Abandoned).ToList();
        if (claimed.Count > 0)
        {
            var runs = new Table().Border(TableBorder.Simple).Title("runs claimed but not finished");
            foreach (var h in new[] { "run", "dataset", "protocol", "level", "remedy", "seed index", "shard", "standing", "store", "owner", "heartbeat age" }) runs.AddColumn(h);
            foreach (var p in claimed)
                runs.AddRow(p.RunId, Markup.Escape(p.Dataset), p.Protocol, Markup.Escape(p.Level), Markup.Escape(p.Remedy), I(p.SeedIndex), p.Shard is { } k ? I(k) : "-", Standing(p.Standing),
                    Markup.Escape(p.Store ?? ""), Markup.Escape($"{p.OwnerHost ?? "?"} pid {p.OwnerPid?.ToString(CultureInfo.InvariantCulture) ?? "?"}"),
                    p.HeartbeatAgeSeconds is { } age ? $"{age.ToString("F0", CultureInfo.InvariantCulture)} s" : "none");
            console.Write(runs);
        }

        if (status.ShardCount is not null)
        {
            console.WriteLine(ResubmitLine(status.Resubmit));
        }
        else if (!status.Complete)
        {
            console.MarkupLine(status.InFlight > 0 && status.Abandoned + status.Missing == 0
                ? "runs are in flight: the study is being trained"
                : $"to finish the study, run the same study command on its store again: it resumes [grey](missing and abandoned runs are trained, finished ones kept)[/]");
        }
        if (status.Complete) console.MarkupLine("[green]the study is complete[/]");
        return ImbLabApp.Ok;
    }

    private static string Standing(RunStanding standing) => standing switch
    {
        RunStanding.InFlight => "in flight",
        _ => standing.ToString().ToLowerInvariant(),
    };

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
