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
    [Description("A JSON study file (the same fields as the options, snake_case); options given here override it.")]
    public string? Config { get; init; }

    [CommandOption("--name <NAME>")]
    public string? Name { get; init; }

    [CommandOption("--seeds <N>")]
    [Description("How many seeds (runs per condition), default 5.")]
    public int? Seeds { get; init; }

    [CommandOption("--seed <N>")]
    [Description("First seed; runs use seed, seed+1, ... (default 0).")]
    public int? Seed { get; init; }

    [CommandOption("-o|--out <FOLDER>")]
    [Description("Output folder; the store is FOLDER/imblab.db (default ./imblab-results).")]
    public string Out { get; init; } = "imblab-results";
}

internal sealed class StudyCommand(IAnsiConsole console, ErrorConsole errors) : AsyncCommand<StudySettings>
{
    public const string StoreFile = "imblab.db";

    public override Task<int> ExecuteAsync(CommandContext context, StudySettings settings, CancellationToken cancellationToken)
    {
        var start = settings.Config is null ? new StudySpec() : StudySpec.FromJsonFile(settings.Config);
        var spec = settings.Apply(start) with
        {
            Name = settings.Name ?? start.Name,
            Seeds = settings.Seeds ?? start.Seeds,
            Seed = settings.Seed ?? start.Seed,
        };
        var storePath = Path.Combine(settings.Out, StoreFile);
        var threads = settings.ResolveThreads();

        ReportResult? report = null;
        var reportPath = Path.Combine(settings.Out, ReportWriter.DefaultFileName);
        void Outputs(StudyData data, IReadOnlyList<FindingRow> stated) => report = ReportWriter.Write(data, stated, reportPath, cancellationToken);
        void Phase(StudyPhase phase) => errors.Console.MarkupLine(phase switch
        {
            StudyPhase.Summary => "[grey]reading the study back from the store[/]",
            StudyPhase.Findings => "[grey]stating the findings[/]",
            _ => "[grey]writing the report[/]",
        });

        StudyResults results;
        if (settings.Json || !errors.Console.Profile.Capabilities.Interactive)
        {
            results = StudyPipeline.Run(spec, storePath, threads, new PlainProgress(errors.Console, settings.Json), cancellationToken,
                plan => Announce(errors.Console, plan, storePath), settings.Json ? null : Phase, Outputs);
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
                        plan => Announce(errors.Console, plan, storePath));
                    task.Value = task.MaxValue;
                });
            results = StudyPipeline.Analyse(trained, storePath, Phase, Outputs);
        }

        var outcome = results.Outcome;
        var summary = results.Summary;
        var findings = results.Findings;
        var verdicts = findings.GroupBy(f => f.Verdict).ToDictionary(g => g.Key, g => g.Count());
        if (settings.Json)
        {
            console.WriteLine(JsonSerializer.Serialize(new { outcome, store = storePath, summary, diverged = results.Diverged, findings = verdicts, report = report?.HtmlPath }, CliJson.Options));
        }
        else
        {
            WriteSummary(console, summary);
            WriteDiverged(console, results.Diverged);
            console.MarkupLine($"study [bold]{outcome.StudyId}[/]: {outcome.RunsDone} runs trained, {outcome.RunsSkipped} already finished and kept" +
                (outcome.RunsRedone > 0 ? $", {outcome.RunsRedone} interrupted runs redone" : "") +
                $" in {outcome.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            console.MarkupLine($"store: [bold]{Markup.Escape(storePath)}[/]");
            console.MarkupLine($"findings: {verdicts.GetValueOrDefault("supported")} supported, {verdicts.GetValueOrDefault("contradicted")} contradicted, " +
                $"{verdicts.GetValueOrDefault("inconclusive")} inconclusive [grey](imblab findings {Markup.Escape(storePath)})[/]");
            console.MarkupLine($"[grey]CSV: imblab export {Markup.Escape(storePath)} --format csv[/]");
            if (report is not null) ReportCommand.Print(console, report);
        }
        return Task.FromResult(ImbLabApp.Ok);
    }

    private static void Announce(IAnsiConsole errors, ImbLab.Study.Planning.StudyPlan plan, string storePath) =>
        errors.MarkupLine($"study {plan.StudyId}: {plan.Datasets.Count} dataset(s), {plan.Runs.Count} runs, store {Markup.Escape(storePath)}");

    /// <summary>One compact table per dataset, so it stays readable in an 80-column terminal.</summary>
    public static void WriteSummary(IAnsiConsole console, IReadOnlyList<SummaryRow> rows)
    {
        console.MarkupLine("[bold]Last epoch[/], mean±sd over seeds; min = the training part's minority class, maj = its majority");
        foreach (var dataset in rows.GroupBy(r => r.Dataset))
        {
            var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(dataset.Key));
            foreach (var h in new[] { "protocol", "level", "n", "train min/maj", "train rec min", "test rec min", "test rec maj", "test bal acc", "test AUC" })
                table.AddColumn(new TableColumn(h).RightAligned().NoWrap());
            foreach (var r in dataset)
            {
                table.AddRow(r.Protocol, Markup.Escape(r.Level), r.Runs.ToString(CultureInfo.InvariantCulture),
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
        console.MarkupLine($"[yellow]{runs.Count} diverged run(s)[/] (the training loss became non-finite; stored with status 'diverged', left out of the table and the findings):");
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in new[] { "dataset", "protocol", "level", "seed", "diverged at epoch", "step" }) table.AddColumn(h);
        foreach (var r in runs)
            table.AddRow(Markup.Escape(r.Dataset), r.Protocol, Markup.Escape(r.Level), r.Seed.ToString(CultureInfo.InvariantCulture),
                r.Epoch.ToString(CultureInfo.InvariantCulture), r.Step.ToString(CultureInfo.InvariantCulture));
        console.Write(table);
    }

    public static string Format(SeedStat s) => s.N == 0 ? "n/a"
        : double.IsNaN(s.Sd) ? s.Mean.ToString("F2", CultureInfo.InvariantCulture)
        : $"{s.Mean.ToString("F2", CultureInfo.InvariantCulture)}±{s.Sd.ToString("F2", CultureInfo.InvariantCulture)}";

    /// <summary>Drives the Spectre progress bar: epochs done out of epochs to do, so the ETA moves smoothly.</summary>
    private sealed class Progress(ProgressTask task) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value)
        {
            task.MaxValue = Math.Max(1, value.EpochsToDo);
            task.Value = value.EpochsDone;
            task.Description = $"{value.RunsDone}/{value.RunsToDo} runs [grey]{Markup.Escape(value.Current)}[/]";
        }
    }

    /// <summary>When the terminal is not interactive (CI, a pipe): one line each time another tenth of the runs is done.</summary>
    private sealed class PlainProgress(IAnsiConsole errors, bool quiet) : IProgress<StudyProgress>
    {
        private int _lastTenth = -1;

        public void Report(StudyProgress value)
        {
            if (quiet || value.RunsToDo == 0) return;
            var tenth = value.RunsDone * 10 / value.RunsToDo;
            if (Interlocked.Exchange(ref _lastTenth, tenth) != tenth)
                errors.WriteLine($"{value.RunsDone}/{value.RunsToDo} runs done");
        }
    }
}

internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(StudySpec.Json) { WriteIndented = true };
}
