using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Study;
using ImbLab.Report;
using ImbLab.Analysis.Findings;
using ImbLab.Study.Running;
using ImbLab.Core.Results;
using ImbLab.Store;
using Spectre.Console;
using Spectre.Console.Cli;
using ImbLab.Core.Specs;

namespace ImbLab.Cli.Commands;

internal sealed class StudySettings : RunSettings
{
    [CommandOption("--config <FILE>")]
    [Description("A JSON study file (the same fields as the options, snake_case); options given here override it. Default: none.")]
    public string? Config { get; init; }

    [CommandOption("--name <NAME>")]
    [Description("The study's name, shown in the report (part of the study's id). Default: study.")]
    public string? Name { get; init; }

    [CommandOption("--seeds <N>")]
    [Description("How many seeds (runs per condition), 1..10000. Default: 5.")]
    public string? Seeds { get; init; }

    [CommandOption("--seed <N>")]
    [Description("First seed; runs use seed, seed+1, ..., 0..2147483647. Default: 0.")]
    public string? Seed { get; init; }

    [CommandOption("-o|--out <PATH>")]
    [Description("Output folder: the store is FOLDER/imblab.db, the report FOLDER/report.html; or a store file NAME.db, with report.html beside it. Default: ./imblab-results.")]
    public string Out { get; init; } = "imblab-results";

    [CommandOption("--shard <K/N>")]
    [Description("Train only shard K of N (1-based, as Slurm array task ids): the plan split into N disjoint parts of about equal estimated cost, the same in every process. One store per shard (--out); 'imblab merge' joins them. Not part of the study: run ids are those of the whole study. Default: the whole study.")]
    public string? Shard { get; init; }

    [CommandOption("--dry-run")]
    [Description("Print the plan without training: datasets, runs, train/test counts per condition, what is infeasible and why, and an estimated time. Exit 1 if anything is infeasible. Default: off.")]
    public bool DryRun { get; init; }

    [CommandOption("--no-report")]
    [Description("Do not write the HTML report (findings are still stated and stored). Default: the report is written.")]
    public bool NoReport { get; init; }
}

internal sealed class StudyCommand(IAnsiConsole console, ErrorConsole errors) : AsyncCommand<StudySettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, StudySettings settings, CancellationToken cancellationToken)
    {
        var start = settings.Config is null ? new StudySpec() : StudySpec.FromJsonFile(settings.Config);
        if (settings.Config is not null) settings.RefuseOverridingDataIrs(start, settings.Config);
        var spec = settings.Apply(start) with
        {
            Name = settings.Name ?? start.Name,
            Seeds = OptionLists.Int(Core.Settings.Seeds, settings.Seeds, "a whole number 1..10000") ?? start.Seeds,
            Seed = OptionLists.Int(Core.Settings.Seed, settings.Seed, "a whole number 0..2147483647") ?? start.Seed,
        };
        settings.RefuseUnusedIrs(spec, settings.Config);
        var shard = settings.Shard is null ? null : Shard.Parse(settings.Shard);
        var location = StoreLocation.Of(settings.Out);
        var storePath = location.Store;
        var threads = settings.ResolveThreads();
        if (settings.DryRun) return Task.FromResult(DryRunView.Show(console, ImbLab.Study.Planning.DryRun.Create(spec, threads, shard, cancellationToken), settings.Json));

        ReportResult? report = null;
        var reportPath = location.Report;
        Action<StudyData, IReadOnlyList<FindingRow>>? outputs = settings.NoReport ? null
            : (data, stated) => report = ReportWriter.Write(data, stated, reportPath, cancellationToken);
        var phases = new PhaseClock(errors.Console);

        StudyResults results;
        if (settings.Json || !errors.Console.Profile.Capabilities.Interactive)
        {
            results = StudyPipeline.Run(spec, storePath, threads, settings.Json ? null : new ProgressLines(errors.Console), cancellationToken,
                plan => Announce(errors.Console, plan, storePath, shard), settings.Json ? null : phases.Start, outputs, shard);
            phases.Finish();
        }
        else
        {
            StudyOutcome trained = default!;
            errors.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("runs", autoStart: true, maxValue: 1);
                    trained = StudyPipeline.Train(spec, storePath, threads, new Progress(task), cancellationToken,
                        plan => Announce(errors.Console, plan, storePath, shard), shard);
                    task.Value = task.MaxValue;
                });
            results = StudyPipeline.Analyse(trained, storePath, phases.Start, outputs);
            phases.Finish();
        }

        var outcome = results.Outcome;
        var summary = results.Summary;
        var findings = results.Findings;
        var verdicts = findings.GroupBy(f => f.Verdict).ToDictionary(g => g.Key, g => g.Count());
        if (settings.Json)
        {
            // Durations as numbers of seconds: a TimeSpan would be written as text ("00:00:02.55").
            var outcomeJson = new
            {
                outcome.StudyId, outcome.RunsTotal, outcome.RunsSkipped, outcome.RunsDone, outcome.RunsRedone,
                ElapsedSeconds = Math.Round(outcome.Elapsed.TotalSeconds, 3),
            };
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new { outcome = outcomeJson, shard = shard?.ToString(), store = storePath, summary, diverged = results.Diverged, findings = verdicts, report = report?.HtmlPath }, CliJson.Options));
        }
        else
        {
            WriteSummary(console, summary);
            WriteDiverged(console, results.Diverged);
            console.MarkupLine($"study [bold]{outcome.StudyId}[/]{(shard is null ? "" : $" shard {shard}")}: {outcome.RunsDone} runs trained, {outcome.RunsSkipped} already finished and kept" +
                (outcome.RunsRedone > 0 ? $", {outcome.RunsRedone} interrupted runs redone" : "") +
                $" in {outcome.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            console.MarkupLine($"store: [bold]{Markup.Escape(storePath)}[/]");
            console.MarkupLine($"findings: {verdicts.GetValueOrDefault("supported")} supported, {verdicts.GetValueOrDefault("contradicted")} contradicted, " +
                $"{verdicts.GetValueOrDefault("inconclusive")} inconclusive [grey]({Markup.Escape(CliText.Command)} findings {Markup.Escape(storePath)})[/]");
            console.MarkupLine($"[grey]CSV: {Markup.Escape(CliText.Command)} export {Markup.Escape(storePath)} --format csv[/]");
            if (report is not null) ReportCommand.Print(console, report);
        }
        return Task.FromResult(ImbLabApp.Ok);
    }

    private static void Announce(IAnsiConsole errors, ImbLab.Study.Planning.StudyPlan plan, string storePath, Shard? shard) =>
        errors.MarkupLine($"study {plan.StudyId}{(shard is null ? "" : $" shard {shard}")}: {plan.Datasets.Count} dataset(s), {plan.Runs.Count} runs, store {Markup.Escape(storePath)}");

    /// <summary>
    /// One table per dataset and protocol, so that it fits an 80-column terminal: level labels are short (a grid cell
    /// as 20x200), headers take two lines, and no value is ever wrapped.
    /// </summary>
    public static void WriteSummary(IAnsiConsole console, IReadOnlyList<SummaryRow> rows)
    {
        // Every run diverged: the list of diverged runs that follows says so; a heading over no table says nothing.
        if (rows.Count == 0) return;
        console.MarkupLine("[bold]Last epoch[/], mean±sd over seeds (n);");
        console.MarkupLine("min = the training part's minority class, maj = its majority, rec = recall");
        foreach (var group in rows.GroupBy(r => (r.Dataset, r.Protocol, r.Remedy)))
        {
            var title = group.Key.Remedy == "none" ? $"{group.Key.Dataset}: {group.Key.Protocol}" : $"{group.Key.Dataset}: {group.Key.Protocol}, remedy {group.Key.Remedy}";
            var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(title));
            foreach (var h in new[] { "level", "n", "train\nmin/maj", "train\nrec min", "test\nrec min", "test\nrec maj", "test\nbal acc", "test\nAUC" })
                table.AddColumn(new TableColumn(h).RightAligned().NoWrap().Padding(0, 0, 1, 0));
            foreach (var r in group.OrderByLevel(r => r.Level))
            {
                table.AddRow(Markup.Escape(LevelOrder.Short(r.Level)), r.Runs.ToString(CultureInfo.InvariantCulture),
                    $"{r.TrainMinority:F0}/{r.TrainMajority:F0}", Format(r.TrainMinorityRecall), Format(r.TestMinorityRecall),
                    Format(r.TestMajorityRecall), Format(r.TestBalancedAccuracy), Format(r.TestRocAuc));
            }
            console.Write(table);
        }
    }

    /// <summary>Names every diverged run, since the table above leaves them out.</summary>
    public static void WriteDiverged(IAnsiConsole console, IReadOnlyList<ImbLab.Store.DivergedRun> runs)
    {
        if (runs.Count == 0) return;
        console.MarkupLine($"[yellow]{runs.Count} diverged run(s)[/] (the training loss or the network's outputs became non-finite; stored with status 'diverged', left out of the table and the findings):");
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in new[] { "dataset", "protocol", "level", "remedy", "seed", "diverged at epoch", "step" }) table.AddColumn(h);
        foreach (var r in runs)
            table.AddRow(Markup.Escape(r.Dataset), r.Protocol, Markup.Escape(r.Level), Markup.Escape(r.Remedy), r.Seed.ToString(CultureInfo.InvariantCulture),
                r.Epoch.ToString(CultureInfo.InvariantCulture), r.Step.ToString(CultureInfo.InvariantCulture));
        console.Write(table);
    }

    /// <summary>Mean±sd with the sd's leading zero dropped (0.77±.05): every value here is a rate in [0, 1], and the column stays narrow.</summary>
    public static string Format(SeedStat s) => s.N == 0 ? "n/a"
        : double.IsNaN(s.Sd) ? s.Mean.ToString("F2", CultureInfo.InvariantCulture)
        : $"{s.Mean.ToString("F2", CultureInfo.InvariantCulture)}±{s.Sd.ToString(".00", CultureInfo.InvariantCulture)}";

    /// <summary>Drives the Spectre progress bar: epochs done out of epochs to do, so the ETA moves smoothly.</summary>
    private sealed class Progress(ProgressTask task) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value)
        {
            task.MaxValue = Math.Max(1, value.EpochsToDo);
            task.Value = value.EpochsDone;
            // Epochs too, so that a single long run shows it moves.
            task.Description = $"{value.RunsDone}/{value.RunsToDo} runs, {value.EpochsDone}/{value.EpochsToDo} epochs [grey]{Markup.Escape(value.Current)}[/]";
        }
    }
}

internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(StudySpec.Json) { WriteIndented = true };
}
