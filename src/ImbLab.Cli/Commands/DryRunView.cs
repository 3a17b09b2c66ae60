using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Study.Planning;
using Spectre.Console;

namespace ImbLab.Cli.Commands;

/// <summary>`study --dry-run`: the plan as tables (or JSON), then the exit code: 0 when everything is feasible, 1 otherwise.</summary>
internal static class DryRunView
{
    public static int Show(IAnsiConsole console, DryRun plan, bool json)
    {
        // Infeasibility messages name settings as a study file does; say them with the options.
        var infeasible = plan.Infeasible.Select(i => i with { Message = Settings.Render(i.Message, OptionNames.For) }).ToList();
        if (json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(plan with { Infeasible = infeasible }, CliJson.Options));
            return plan.Feasible ? ImbLabApp.Ok : ImbLabApp.DataError;
        }

        console.MarkupLine($"[bold]dry run[/] of study {plan.StudyId} ({Markup.Escape(plan.Name)}): nothing is trained");
        var datasets = new Table().Border(TableBorder.Simple).Title("datasets");
        foreach (var h in new[] { "dataset", "rows", "classes", "IR", "features", "parameters", "splits" })
            datasets.AddColumn(new TableColumn(h).RightAligned());
        foreach (var d in plan.Datasets)
            datasets.AddRow(Markup.Escape(d.Name), I(d.Rows), Markup.Escape(string.Join(", ", d.Classes.Select((c, k) => $"{c}: {d.ClassCounts[k]}"))),
                F(d.ImbalanceRatio, 2), I(d.Features), I(d.Parameters), I(d.Splits));
        console.Write(datasets);

        // What subsample-minority can reach on each dataset, so that irs can be written that every dataset can serve. The
        // lower end is shown as the least IR of three decimals above it: every IR shown is feasible, and 1.865 reads better than 1.86480.
        var ratios = new Table().Border(TableBorder.Simple).Title("imbalance ratios per dataset (training parts, fewest rows over the splits)");
        foreach (var h in new[] { "dataset", "train min/maj", "subsample-minority reaches", "irs planned" })
            ratios.AddColumn(new TableColumn(h).RightAligned());
        foreach (var d in plan.Datasets)
            ratios.AddRow(Markup.Escape(d.Name),
                d.SubsampleMinority is { } r ? $"{I(r.TrainMinority)}/{I(r.TrainMajority)}" : "-",
                d.SubsampleMinority is { } range ? $"{Num(Math.Floor(range.Above * 1000 + 1) / 1000)} <= IR <= {Num(range.AtMost)}" : $"- ({I(d.Classes.Count)} classes)",
                d.Irs is null ? "- (no protocol reads irs)" : string.Join(", ", d.Irs.Select(Num)) + (d.OwnIrs ? " (its own)" : ""));
        console.Write(ratios);
        var levels = plan.Datasets.Any(d => d.OwnIrs) ? "per dataset (irs planned, above)" : string.Join(", ", plan.Levels);
        console.MarkupLine($"protocols: {Markup.Escape(string.Join(", ", plan.Protocols))}; levels: {Markup.Escape(levels)}; " +
            $"remedies: {Markup.Escape(string.Join(", ", plan.Remedies))}; " +
            $"seeds: {string.Join(", ", plan.Seeds)}; split: {Markup.Escape(plan.Split)}; [bold]{plan.Runs} runs[/]");

        if (plan.Conditions.Count > 0)
        {
            var conditions = new Table().Border(TableBorder.Simple).Title("runs per condition (realised counts; a range spans the splits)");
            // The remedy column only when the study has remedy levels, so a plain study's table stays as it was.
            var remedies = plan.Remedies.Count > 1 || plan.Remedies[0] != "none";
            foreach (var h in new[] { "dataset", "protocol", "level" }.Concat(remedies ? ["remedy"] : []).Concat(["runs", "train min", "train maj", "test min", "test maj", "est. CPU"]))
                conditions.AddColumn(new TableColumn(h).RightAligned());
            foreach (var c in plan.Conditions)
                conditions.AddRow([Markup.Escape(c.Dataset), c.Protocol, Markup.Escape(c.Level), .. remedies ? [Markup.Escape(c.Remedy)] : Array.Empty<string>(), I(c.Runs),
                    Range(c.TrainMinorityLow, c.TrainMinorityHigh), Range(c.TrainMajorityLow, c.TrainMajorityHigh),
                    Range(c.TestMinorityLow, c.TestMinorityHigh), Range(c.TestMajorityLow, c.TestMajorityHigh), Duration(c.EstimatedSeconds)]);
            console.Write(conditions);
        }

        if (plan.Shard is { } shard)
        {
            console.MarkupLine($"[bold]shard {shard.Shard}[/]: {I(shard.Runs)} of the study's {I(shard.StudyRuns)} runs, estimated {Duration(shard.EstimatedSeconds)} of CPU " +
                $"(shards: {string.Join(", ", shard.ShardSeconds.Select(Duration))}); the numbers above and below are the shard's");
            var runs = new Table().Border(TableBorder.Simple).Title("the shard's runs");
            foreach (var h in new[] { "run", "dataset", "protocol", "level", "remedy", "seed", "est. CPU" }) runs.AddColumn(new TableColumn(h).RightAligned());
            foreach (var r in shard.RunList)
                runs.AddRow(r.RunId, Markup.Escape(r.Dataset), r.Protocol, Markup.Escape(r.Level), Markup.Escape(r.Remedy), r.Seed.ToString(CultureInfo.InvariantCulture), Duration(r.EstimatedSeconds));
            console.Write(runs);
        }

        var e = plan.Estimate;
        console.MarkupLine($"estimated time: [bold]{Duration(e.WallSeconds)}[/] on {e.Threads} core(s) ({Duration(e.CpuSeconds)} of CPU)");
        console.MarkupLine($"[grey]cost model: {Markup.Escape(e.Model)}; c = {e.SecondsPerUnit.ToString("G3", CultureInfo.InvariantCulture)} s " +
            $"(calibration run: {e.CalibrationSeconds.ToString("F2", CultureInfo.InvariantCulture)} s)[/]");

        if (infeasible.Count == 0)
        {
            console.MarkupLine("every request is feasible");
            return ImbLabApp.Ok;
        }
        console.MarkupLine($"[red]infeasible[/]: {infeasible.Count} dataset x protocol request(s) the data cannot meet (no runs planned for them):");
        foreach (var i in infeasible)
            console.MarkupLine($"  {Markup.Escape(i.Dataset)} x {i.Protocol}: {Markup.Escape(i.Message)}");
        return ImbLabApp.DataError;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>At most three decimals, as the protocols' messages write IRs.</summary>
    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string F(double v, int decimals) => v.ToString("F" + I(decimals), CultureInfo.InvariantCulture);

    private static string Range(int low, int high) => low == high ? I(low) : $"{I(low)}-{I(high)}";

    private static string Duration(double seconds) => seconds switch
    {
        < 60 => $"{F(seconds, 1)} s",
        < 3600 => $"{F(seconds / 60, 1)} min",
        _ => $"{F(seconds / 3600, 1)} h",
    };
}
