using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Report;
using ImbLab.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class CompareSettings : CommandSettings
{
    [CommandArgument(0, "<STORE_A>")]
    [Description("The store of study A (e.g. results-a/imblab.db).")]
    public string StoreA { get; init; } = "";

    [CommandArgument(1, "[STORE_B]")]
    [Description("The store of study B. Default: STORE_A (then --study-b names the second study).")]
    public string? StoreB { get; init; }

    [CommandOption("--study-a <ID>")]
    [Description("Study A's id (or a unique prefix). Default: the most recently updated study of STORE_A.")]
    public string? StudyA { get; init; }

    [CommandOption("--study-b <ID>")]
    [Description("Study B's id (or a unique prefix). Default: the most recently updated study of STORE_B; required when STORE_B is not given.")]
    public string? StudyB { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("The folder to write compare.html and its figures into. Default: imblab-compare.")]
    public string Out { get; init; } = "imblab-compare";

    [CommandOption("--json")]
    [Description("Print what was written as JSON instead of a line. Default: a line.")]
    public bool Json { get; init; }
}

/// <summary>Two studies (two stores, or two studies of one store) side by side: curves overlaid and findings in one HTML page.</summary>
internal sealed class CompareCommand(IAnsiConsole console) : Command<CompareSettings>
{
    public override int Execute(CommandContext context, CompareSettings settings, CancellationToken cancellationToken)
    {
        if (settings.StoreB is null && settings.StudyB is null)
            throw new UsageException("STORE_B: not given, and no --study-b; give a second store, or --study-b ID for a second study of STORE_A");
        var storeB = settings.StoreB ?? settings.StoreA;
        using var a = StudyStore.Load(settings.StoreA, settings.StudyA);
        using var b = StudyStore.Load(storeB, settings.StudyB);
        var result = CompareWriter.Write(a, settings.StoreA, b, storeB, settings.Out, cancellationToken);
        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            return ImbLabApp.Ok;
        }
        console.MarkupLine($"comparison of study {Markup.Escape(result.StudyA)} with {Markup.Escape(result.StudyB)} on {result.Datasets.Count.ToString(CultureInfo.InvariantCulture)} dataset(s): " +
            $"[bold]{Markup.Escape(result.HtmlPath)}[/], {result.Figures.ToString(CultureInfo.InvariantCulture)} figures as SVG in {Markup.Escape(result.FiguresFolder)}, " +
            $"{result.Findings.ToString(CultureInfo.InvariantCulture)} findings side by side");
        return ImbLabApp.Ok;
    }
}
