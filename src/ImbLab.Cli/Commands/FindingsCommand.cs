using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;
using ImbLab.Study;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

/// <summary>
/// Tests the study's claims on a store, writes the findings into it, and prints them. On a store that may not be written
/// (a read-only file, folder or file system) the findings are still stated and printed; one line on stderr says they
/// were not saved, and the exit code is 0: the answer asked for was given.
/// </summary>
internal sealed class FindingsCommand(IAnsiConsole console, ErrorConsole errors) : Command<StoreStudySettings>
{
    public override int Execute(CommandContext context, StoreStudySettings settings, CancellationToken cancellationToken)
    {
        var (studyId, findings, notSaved) = StudyPipeline.StateFindings(settings.Store, settings.Study);
        if (notSaved is not null) errors.Console.MarkupLine($"[yellow]findings not saved:[/] {Markup.Escape(notSaved)}");
        if (settings.Json)
        {
            // Straight to the writer: the console would wrap long lines and break the JSON strings.
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                study = studyId,
                findings = findings.Select(f => new
                {
                    f.Dataset, f.Protocol, f.Remedy, f.Finding, f.Verdict, f.Statement,
                    effect = Num(f.Effect), ci_low = Num(f.CiLow), ci_high = Num(f.CiHigh), p_value = Num(f.PValue), f.N,
                    details = JsonDocument.Parse(f.DetailsJson).RootElement,
                }),
            }, CliJson.Options));
            return ImbLabApp.Ok;
        }
        console.MarkupLine($"[bold]Findings[/] of study {studyId} (rules: docs/findings.md; alpha 0.05, Holm across each dataset's findings)");
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in new[] { "dataset", "protocol", "finding", "verdict", "statement" }) table.AddColumn(h);
        foreach (var f in findings)
        {
            var colour = f.Verdict switch { "supported" => "green", "contradicted" => "red", _ => "yellow" };
            table.AddRow(Markup.Escape(f.Dataset), Markup.Escape(f.Remedy == "none" ? f.Protocol : $"{f.Protocol}, remedy {f.Remedy}"), Markup.Escape(f.Finding), $"[{colour}]{f.Verdict}[/]", Markup.Escape(f.Statement));
        }
        console.Write(table);
        console.MarkupLine($"{findings.Count.ToString(CultureInfo.InvariantCulture)} findings " + (notSaved is null ? "written to the store's findings table" : "stated (not saved: the store is read-only)"));
        return ImbLabApp.Ok;
    }

    private static double? Num(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;
}
