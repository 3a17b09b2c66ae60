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
    [Description("CSV of true labels and either a 'score' column (two classes) or one probability column per class (named LABEL or p_LABEL). " +
        "A score is the score (a probability in [[0, 1]], or else a logit) of ONE class: the greater label, as in scikit-learn " +
        "(labels sorted, numerically if all are numbers: score = P(classes_[[1]]), e.g. P(1) for 0/1 labels), unless --score-class names it. " +
        "Threshold metrics (recall per class, balanced accuracy, G-mean, ...) do not depend on which class is called positive.")]
    public string Predictions { get; init; } = "";

    [CommandOption("--label-column <NAME|INDEX>")]
    [Description("The column of true labels (default: 'label'; in a file of two columns, one of them 'score', the other one).")]
    public string? LabelColumn { get; init; }

    [CommandOption("--score-column <NAME>")]
    [Description("The score column (default: 'score').")]
    public string? ScoreColumn { get; init; }

    [CommandOption("--score-class <LABEL>")]
    [Description("The class the score column scores (default: the greater label).")]
    public string? ScoreClass { get; init; }

    [CommandOption("--positive <LABEL>")]
    [Description("The class ROC AUC and PR AUC (average precision) are computed for (default: the scored class; with probability columns, the minority by count).")]
    public string? Positive { get; init; }

    [CommandOption("--json")]
    public bool Json { get; init; }
}

internal sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateSettings>
{
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var p = PredictionsFile.Read(settings.Predictions, settings.LabelColumn, settings.ScoreColumn, settings.Positive, settings.ScoreClass);
        var m = ClassificationMetrics.Compute(p.Probabilities, p.ClassNames.Count, p.Labels, p.PositiveClass, p.Loss);
        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                file = settings.Predictions,
                input = p.Kind,
                classes = p.ClassNames,
                positive = p.ClassNames[p.PositiveClass],
                score_class = p.ScoreClass is { } s ? p.ClassNames[s] : null,
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
