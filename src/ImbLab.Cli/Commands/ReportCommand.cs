using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Report;
using ImbLab.Core.Results;
using ImbLab.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class ReportSettings : StoreStudySettings
{
    [CommandOption("-o|--out <FILE>")]
    [Description("The HTML file to write (default: report.html beside the store); figures go to <name>-figures/ beside it.")]
    public string? Out { get; init; }

    [CommandOption("--png")]
    [Description("Also write every figure as PNG (2x) beside its SVG; rendering them takes most of the time of a big report. Default: SVG only.")]
    public bool Png { get; init; }
}

internal sealed class ReportCommand(IAnsiConsole console) : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings settings, CancellationToken cancellationToken)
    {
        using var data = StudyStore.Load(settings.Store, settings.Study);
        var result = ReportWriter.Write(data, data.Findings, settings.Out ?? ReportWriter.DefaultPath(settings.Store), new ReportOptions { Png = settings.Png }, cancellationToken);
        if (settings.Json) console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
        else Print(console, result);
        return ImbLabApp.Ok;
    }

    public static void Print(IAnsiConsole console, ReportResult result) =>
        console.MarkupLine($"report: [bold]{Markup.Escape(result.HtmlPath)}[/] ({(result.HtmlBytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture)} MB), " +
            $"{result.Figures.ToString(CultureInfo.InvariantCulture)} figures as SVG{(result.Png ? " and PNG" : "")} in {Markup.Escape(result.FiguresFolder)}");
}
