using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Study;
using ImbLab.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;
using ImbLab.Core.Specs;

namespace ImbLab.Cli.Commands;

internal sealed class TrainSettings : RunSettings
{
    [CommandOption("--seed <N>")]
    [Description("The run's seed, 0..2147483647. Default: 0.")]
    public string? Seed { get; init; }

    [CommandOption("-o|--out <FOLDER>")]
    [Description("Also write the run to the store FOLDER/imblab.db (created if missing), as 'study --out' does. Default: not stored.")]
    public string? Out { get; init; }

    [CommandOption("--every <N>")]
    [Description("Print every Nth epoch (the first and last are always printed). Default: 1.")]
    public string? Every { get; init; }
}

/// <summary>One run, printed as a per-epoch, per-class table. It is a one-run study, so it shares every code path with `study`.</summary>
internal sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        // With an --ir but no --protocol, the study's own design (subsample the minority) is meant.
        var protocol = settings.Ir is null ? "natural" : "subsample-minority";
        var seed = OptionLists.Int(Core.Settings.Seed, settings.Seed, "a whole number 0..2147483647") ?? 0;
        var spec = settings.Apply(new StudySpec { Name = "train", Protocols = [protocol], Irs = [], Seeds = 1 }) with { Seed = seed, Seeds = 1 };
        settings.RefuseUnusedIrs(spec);
        var every = OptionLists.Int("--every", settings.Every, "a whole number >= 1") ?? 1;
        if (every < 1) throw new Core.UsageException($"--every: {every} is out of range; accepted: a whole number >= 1");
        var storePath = settings.Out is null ? null : Path.Combine(settings.Out, StoreLocation.StoreFile);
        var (dataset, run, records) = StudyPipeline.TrainOne(spec, storePath, settings.ResolveThreads(), cancellationToken);

        var classNames = dataset.Whole.ClassNames;
        var minority = run.MinorityClass;
        var majority = run.MajorityClass;
        var epochEnds = records.Metrics.Where(m => m.Epoch == Math.Floor(m.Epoch)).ToLookup(m => m.Step);
        var steps = epochEnds.Select(g => g.Key).Order().ToList();

        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                run = new { run.RunId, run.Protocol, run.Level, run.Remedy, run.Seed, run.TrainCounts, run.TestCounts, run.MinorityClass, class_names = classNames },
                config = JsonDocument.Parse(run.ConfigJson).RootElement,
                metrics = records.Metrics.Select(m => new { m.Step, m.Epoch, m.Split, m.Class, m.Metric, m.Value }),
            }, CliJson.Options));
            return ImbLabApp.Ok;
        }

        console.MarkupLine($"run [bold]{run.RunId}[/] on {Markup.Escape(dataset.Name)}: {run.Protocol} {Markup.Escape(run.Level)}" +
            (run.Remedy == "none" ? "" : $", remedy {Markup.Escape(run.Remedy)}") + $", seed {run.Seed}; " +
            $"train {Counts(run.TrainCounts, classNames)}, test {Counts(run.TestCounts, classNames)}; minority = {Markup.Escape(classNames[minority])}");
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("epoch");
        foreach (var h in new[] { "train loss maj", "train loss min", "train recall maj", "train recall min", "test recall maj", "test recall min", "test prec min", "test bal acc", "test ROC AUC" })
            table.AddColumn(new TableColumn(h).RightAligned());
        for (var i = 0; i < steps.Count; i++)
        {
            var rows = epochEnds[steps[i]].ToList();
            var epoch = (int)rows[0].Epoch;
            if (i != 0 && i != steps.Count - 1 && epoch % every != 0) continue;
            string V(string split, int? cls, string metric) => F(rows.FirstOrDefault(m => m.Split == split && m.Class == cls && m.Metric == metric).Value, rows.Any(m => m.Split == split && m.Class == cls && m.Metric == metric));
            table.AddRow(epoch.ToString(CultureInfo.InvariantCulture), V("train", majority, "loss"), V("train", minority, "loss"),
                V("train", majority, "recall"), V("train", minority, "recall"), V("test", majority, "recall"), V("test", minority, "recall"),
                V("test", minority, "precision"), V("test", null, "balanced_accuracy"), V("test", null, "roc_auc"));
        }
        console.Write(table);
        if (storePath is not null) console.MarkupLine($"stored in [bold]{Markup.Escape(storePath)}[/]");
        return ImbLabApp.Ok;
    }

    private static string Counts(IReadOnlyList<int> counts, IReadOnlyList<string> names) =>
        string.Join(" / ", counts.Select((n, c) => $"{Markup.Escape(names[c])} {n}"));

    private static string F(double v, bool present) => !present ? "" : double.IsNaN(v) ? "n/a" : v.ToString("F3", CultureInfo.InvariantCulture);
}
