using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImbLab.Analysis.Statistics;
using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;
using ImbLab.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class DynamicsSettings : StoreStudySettings
{
    [CommandOption("--csv <FILE>")]
    [Description("Also write every sample's dynamics (one row per run, split and sample) to FILE. Default: none.")]
    public string? Csv { get; init; }
}

/// <summary>Per-sample learning dynamics (learned epoch, forgetting, cartography, AUM) summarised per class and split.</summary>
internal sealed class DynamicsCommand(IAnsiConsole console) : Command<DynamicsSettings>
{
    public override int Execute(CommandContext context, DynamicsSettings settings, CancellationToken cancellationToken)
    {
        using var data = StudyStore.Load(settings.Store, settings.Study);
        var studyId = data.StudyId;
        var (unordered, unorderedGaps) = StudyDynamics.Summarise(data);
        // Levels by their numbers (ir=10 before ir=100), not as text; the rest keeps the summary's own order.
        var groups = unordered.OrderBy(g => g.Dataset, StringComparer.Ordinal).ThenBy(g => g.Protocol, StringComparer.Ordinal)
            .ThenByLevel(g => g.Level).ThenBy(g => g.Role, StringComparer.Ordinal).ThenBy(g => g.Split, StringComparer.Ordinal).ToList();
        var gaps = unorderedGaps.OrderBy(g => g.Dataset, StringComparer.Ordinal).ThenBy(g => g.Protocol, StringComparer.Ordinal)
            .ThenByLevel(g => g.Level).ToList();
        if (settings.Csv is { } csv) WriteCsv(data, csv, cancellationToken);
        if (settings.Json)
        {
            // Straight to the writer: the console would wrap long lines and break the JSON strings.
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                study = studyId,
                groups = groups.Select(g => new
                {
                    g.Dataset, g.Protocol, g.Level, g.Remedy, g.Role, g.Split, g.Runs, samples = g.Summary.Samples,
                    learned_epoch_quantiles = DynamicsQuantiles(g),
                    median_learned_epoch = Json(g.Summary.MedianLearnedEpoch),
                    never_learned = Json(g.Summary.NeverLearned),
                    mean_forgetting_events = Num(g.Summary.MeanForgettingEvents),
                    confidence = Num(g.Summary.MeanConfidence), variability = Num(g.Summary.MeanVariability),
                    correctness = Num(g.Summary.MeanCorrectness), aum = Num(g.Summary.MeanAum),
                }),
                memorisation_gap = gaps.Select(g => new { g.Dataset, g.Protocol, g.Level, g.Remedy, pooled = Json(g.Gap.Pooled), across_seeds = Json(g.Gap.AcrossSeeds), seeds = g.Gap.Seeds }),
            }, CliJson.Options));
            return ImbLabApp.Ok;
        }
        console.MarkupLine($"[bold]Per-sample dynamics[/] of study {studyId}: learned epoch = first epoch after which a sample stays right " +
                           "(median with its 95% order-statistic interval; never-learned rank last); cartography over epochs 1..E");
        foreach (var dataset in groups.GroupBy(g => g.Dataset))
        {
            var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(dataset.Key));
            foreach (var h in new[] { "protocol", "level", "role", "split", "samples", "median learned [95% CI]", "never learned", "forgetting", "conf", "var", "correct", "AUM" })
                table.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned().NoWrap());
            foreach (var g in dataset)
            {
                var s = g.Summary;
                table.AddRow(Markup.Escape(Condition(g.Protocol, g.Remedy)), Markup.Escape(g.Level), g.Role, g.Split, s.Samples.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape($"{FindingRules.F(s.MedianLearnedEpoch.Value, 1)} [{FindingRules.F(s.MedianLearnedEpoch.Low, 0)}, {FindingRules.F(s.MedianLearnedEpoch.High, 0)}]"),
                    $"{FindingRules.F(s.NeverLearned.Value)}", FindingRules.F(s.MeanForgettingEvents), FindingRules.F(s.MeanConfidence),
                    FindingRules.F(s.MeanVariability), FindingRules.F(s.MeanCorrectness), FindingRules.F(s.MeanAum));
            }
            console.Write(table);
        }
        var gapTable = new Table().Border(TableBorder.Simple).Title("memorisation gap: minority train learned - minority test right at the end");
        foreach (var h in new[] { "dataset", "protocol", "level", "seeds", "pooled [95% Newcombe]", "across seeds [95% t]" })
            gapTable.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned().NoWrap());
        foreach (var g in gaps)
            gapTable.AddRow(Markup.Escape(g.Dataset), Markup.Escape(Condition(g.Protocol, g.Remedy)), Markup.Escape(g.Level), g.Gap.Seeds.ToString(CultureInfo.InvariantCulture),
                Markup.Escape($"{FindingRules.F(g.Gap.Pooled.Value)} [{FindingRules.F(g.Gap.Pooled.Low)}, {FindingRules.F(g.Gap.Pooled.High)}]"),
                Markup.Escape($"{FindingRules.F(g.Gap.AcrossSeeds.Value)} [{FindingRules.F(g.Gap.AcrossSeeds.Low)}, {FindingRules.F(g.Gap.AcrossSeeds.High)}]"));
        console.Write(gapTable);
        if (settings.Csv is not null) console.MarkupLine($"per-sample dynamics: [bold]{Markup.Escape(settings.Csv)}[/]");
        return ImbLabApp.Ok;
    }

    private static Dictionary<string, double?> DynamicsQuantiles(DynamicsGroup g) =>
        Analysis.Dynamics.DynamicsSummary.QuantileLevels.Select((q, i) => (q, i))
            .ToDictionary(t => "q" + (t.q * 100).ToString("F0", CultureInfo.InvariantCulture), t => Num(g.Summary.LearnedEpochQuantiles[t.i]));

    private static object Json(Estimate e) => new { value = Num(e.Value), low = Num(e.Low), high = Num(e.High), n = e.N };

    /// <summary>Infinity (a never-learned median) is written as null: JSON has no infinity, and the state is in never_learned.</summary>
    private static double? Num(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;

    private static void WriteCsv(StudyData data, string path, CancellationToken cancellationToken)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.WriteLine("run,split,sample,class,role,learned_epoch,never_learned,forgetting_events,confidence,variability,correctness,aum");
        foreach (var r in StudyDynamics.Samples(data))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var d = r.Dynamics;
            writer.WriteLine(string.Join(',', r.RunId, r.Split, r.Sample.ToString(CultureInfo.InvariantCulture), r.Class.ToString(CultureInfo.InvariantCulture), r.Role,
                d.LearnedEpoch?.ToString(CultureInfo.InvariantCulture) ?? "", d.NeverLearned ? "true" : "false",
                d.ForgettingEvents.ToString(CultureInfo.InvariantCulture), R(d.Confidence), R(d.Variability), R(d.Correctness), R(d.Aum)));
        }
    }

    /// <summary>A protocol with its remedy when there is one, so rows of different remedies never read as the same condition.</summary>
    private static string Condition(string protocol, string remedy) => remedy == "none" ? protocol : $"{protocol}, remedy {remedy}";

    private static string R(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
