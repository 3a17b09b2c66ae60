using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Data.Predictions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class EvaluateSettings : CommandSettings
{
    [CommandOption("--predictions <FILE>", isRequired: true)]
    [Description("CSV with a label column and either a 'score' column (binary) or one probability column per class.")]
    public string Predictions { get; init; } = "";

    [CommandOption("--label-column <NAME>")]
    public string LabelColumn { get; init; } = "label";

    [CommandOption("--score-column <NAME>")]
    public string? ScoreColumn { get; init; }

    [CommandOption("--positive <LABEL>")]
    [Description("The class the AUCs are computed for (default: the minority by count).")]
    public string? Positive { get; init; }

    [CommandOption("--json")]
    public bool Json { get; init; }
}

internal sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateSettings>
{
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var p = PredictionsFile.Read(settings.Predictions, settings.LabelColumn, settings.ScoreColumn, settings.Positive);
        var m = ClassificationMetrics.Compute(p.Probabilities, p.ClassNames.Count, p.Labels, p.PositiveClass, p.Loss);
        if (settings.Json)
        {
            console.WriteLine(JsonSerializer.Serialize(new
            {
                file = settings.Predictions,
                input = p.Kind,
                classes = p.ClassNames,
                positive = p.ClassNames[p.PositiveClass],
                metrics = m.ToLong().Select(x => new { @class = x.Class is { } c ? p.ClassNames[c] : null, metric = x.Metric, value = x.Value }),
            }, CliJson.Options));
            return ImbLabApp.Ok;
        }
        console.MarkupLine($"{Markup.Escape(settings.Predictions)}: {p.Labels.Length} rows, {Markup.Escape(p.Kind)}; AUCs for class [bold]{Markup.Escape(p.ClassNames[p.PositiveClass])}[/]");
        var perClass = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "class", "support", "loss", "recall", "precision", "F1", "share of predictions" }) perClass.AddColumn(new TableColumn(h).RightAligned());
        foreach (var c in m.Classes)
            perClass.AddRow(Markup.Escape(p.ClassNames[c.Class]), c.Support.ToString(CultureInfo.InvariantCulture), F(c.MeanLoss), F(c.Recall), F(c.Precision), F(c.F1), F(c.PredictedShare));
        console.Write(perClass);
        var overall = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "loss", "accuracy", "balanced accuracy", "G-mean", "ROC AUC", "PR AUC (AP)" }) overall.AddColumn(new TableColumn(h).RightAligned());
        overall.AddRow(F(m.MeanLoss), F(m.Accuracy), F(m.BalancedAccuracy), F(m.GMean), F(m.RocAuc), F(m.PrAuc));
        console.Write(overall);
        return ImbLabApp.Ok;
    }

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F4", CultureInfo.InvariantCulture);
}
