using ImbLab.Report;
using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Report;

/// <summary>What every figure of a report must satisfy, checked on the model's figure data (not on pixels).</summary>
internal static class FigureChecks
{
    public static List<string> Problems(ReportModel model)
    {
        var problems = model.Figures.SelectMany(f => Problems(f).Select(p => $"{f.Slug}: {p}")).ToList();
        foreach (var grid in model.Sections.SelectMany(s => s.Grids))
            if (grid.Figures.Count % grid.Columns != 0)
                problems.Add($"a grid of {grid.Figures.Count} figures in {grid.Columns} columns leaves blank slots ({string.Join(", ", grid.Figures.Select(f => f.Slug))})");
        return problems;
    }

    public static IEnumerable<string> Problems(FigureModel f)
    {
        var chart = f.Chart;
        // A critical-difference diagram has no data axes: CdDiagramTests checks its lines and labels.
        if (chart is CdChart) yield break;
        var points = chart switch
        {
            LineChart l => l.Series.SelectMany(s => s.X.Select((x, i) => (x, s.Y[i])).Concat(s.Low is null ? [] : s.X.Select((x, i) => (x, s.Low[i])))
                .Concat(s.High is null ? [] : s.X.Select((x, i) => (x, s.High![i])))),
            ScatterChart sc => sc.Series.SelectMany(s => s.X.Select((x, i) => (x, s.Y[i]))),
            BarChart b => b.Series.SelectMany(s => s.Values.Select((v, i) => ((double)i, v))),
            _ => [],
        };
        var drawn = points.Where(p => double.IsFinite(p.Item2)).ToList();
        if (drawn.Count == 0 || (chart is BarChart && drawn.All(p => p.Item2 == 0))) yield return "empty panel";
        foreach (var (x, y) in drawn)
        {
            if (!chart.X.Contains(x)) yield return $"x = {x} outside [{chart.X.Min}, {chart.X.Max}]";
            if (!chart.Y.Contains(y)) yield return $"y = {y} outside [{chart.Y.Min}, {chart.Y.Max}]";
        }
        var legend = FigureModel.LegendLabels(chart);
        var rows = Layout.LegendRows(legend, f.Width);
        if (Layout.LegendHeight(rows) > f.Height / 5.0) yield return $"the legend takes {rows} rows";
        foreach (var label in legend)
            if (label.StartsWith("min ", StringComparison.Ordinal) || label.StartsWith("maj ", StringComparison.Ordinal)) yield return $"legend label '{label}' stutters";
        foreach (var problem in Overlaps(chart.X, Layout.DataWidth(f.Width), horizontal: true)
                     .Concat(Overlaps(chart.Y, Layout.DataHeight(f.Height, rows), horizontal: false)))
            yield return problem;
        foreach (var axis in new[] { chart.X, chart.Y })
        {
            if (axis.Ticks.Count(t => t.Label.Length > 0 && axis.Contains(t.Value)) < 2) yield return $"axis '{axis.Label}' has fewer than 2 labelled ticks";
            if (Layout.TextWidth(axis.Label, 12) > (axis == chart.X ? f.Width : f.Height) - 20) yield return $"axis label '{axis.Label}' is longer than its side";
        }
    }

    /// <summary>Pairs of neighbouring labelled ticks whose estimated extents (width along x, height along y) overlap.</summary>
    public static IEnumerable<string> Overlaps(Axis axis, double length, bool horizontal)
    {
        var labelled = axis.Ticks.Where(t => t.Label.Length > 0).OrderBy(t => t.Value).ToList();
        double Extent(Tick t) => horizontal ? Layout.TextWidth(t.Label, Layout.TickFontSize) : Layout.TickFontSize * 1.2;
        for (var i = 1; i < labelled.Count; i++)
        {
            var (a, b) = (labelled[i - 1], labelled[i]);
            var room = Layout.Pixel(axis, b.Value, length) - Layout.Pixel(axis, a.Value, length);
            if (room < (Extent(a) + Extent(b)) / 2) yield return $"tick labels '{a.Label}' and '{b.Label}' overlap on '{axis.Label}' ({room:F0} px apart)";
        }
    }
}

public sealed class ReportModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-report-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The default study's shape: one dataset, IR 1, 10, 50 and 100, 5 seeds, 100 epochs, every probe and findings.</summary>
    private static readonly FabricatedStore.Shape DefaultShape = new(1, [1, 10, 50, 100], 5, 100, ["subsample-minority"], Probes: true, Signals: true, Findings: true);

    private ReportModel Model(FabricatedStore.Shape shape)
    {
        var db = Path.Combine(_dir, "s.db");
        FabricatedStore.Create(db, shape);
        using var data = StudyStore.Load(db, null);
        return ReportModel.Build(data, data.Findings, new ReportOptions());
    }

    [Fact]
    public void Given_the_default_study_shape_When_modelled_Then_no_panel_is_empty_no_point_leaves_its_axis_no_labels_overlap_and_no_grid_slot_is_blank()
    {
        var model = Model(DefaultShape);
        Assert.True(model.Figures.Count() >= 30, $"{model.Figures.Count()} figures");
        Assert.True(FigureChecks.Problems(model) is [], string.Join("\n", FigureChecks.Problems(model).Take(20)));
    }

    [Fact]
    public void Given_minority_update_shares_below_zero_When_modelled_Then_the_share_axis_spans_minus_one_to_one()
    {
        var share = Model(DefaultShape).Figures.First(f => f.Slug.EndsWith("-update-share", StringComparison.Ordinal)).Chart;
        Assert.Contains(((LineChart)share).Series, s => s.Y.Min() < -0.5);
        Assert.True(share.Y.Min <= -1 && share.Y.Max >= 1, $"[{share.Y.Min}, {share.Y.Max}]");
        Assert.Empty(FigureChecks.Problems(Model(DefaultShape).Figures.First(f => f.Slug.EndsWith("-update-share", StringComparison.Ordinal))));
    }

    [Fact]
    public void Given_100_epochs_When_the_learned_epoch_histogram_is_modelled_Then_its_tick_labels_do_not_run_into_each_other()
    {
        var learned = Model(DefaultShape).Figures.First(f => f.Slug.EndsWith("-learned", StringComparison.Ordinal));
        var chart = (BarChart)learned.Chart;
        Assert.Equal(11, chart.Categories.Count); // ten bins of ten epochs and 'never'
        Assert.Equal("never", chart.X.Ticks[^1].Label);
        Assert.Empty(FigureChecks.Overlaps(chart.X, Layout.DataWidth(learned.Width), horizontal: true));
        Assert.Empty(FigureChecks.Problems(learned));
    }

    [Fact]
    public void Given_a_whole_run_When_curves_are_modelled_Then_epoch_0_the_early_checkpoints_and_the_last_epoch_share_one_log_axis()
    {
        var recall = Model(DefaultShape).Figures.First(f => f.Slug.EndsWith("-ir-100-recall", StringComparison.Ordinal));
        var chart = (LineChart)recall.Chart;
        Assert.Equal(AxisScale.SymLog, chart.X.Scale);
        foreach (var s in chart.Series)
        {
            Assert.Equal(0, s.X[0]);
            Assert.Contains(s.X, x => x > 0 && x < 1);
            Assert.Equal(100, s.X[^1]);
        }
        // the first epoch takes a good part of the axis, not a sliver
        Assert.True(Layout.Pixel(chart.X, 1, 300) > 90, $"epoch 1 at {Layout.Pixel(chart.X, 1, 300):F0} of 300 px");
        Assert.Equal(["minority train", "minority test", "majority train", "majority test"], chart.Series.Select(s => s.Label));
    }

    [Fact]
    public void Given_a_two_protocol_study_When_modelled_Then_a_learning_curve_panel_holds_the_curves_of_both_protocols()
    {
        var model = Model(DefaultShape with { Protocols = ["fixed-n", "subsample-minority"] });
        Assert.Contains(model.Figures, f => f.Chart is LineChart { X.Scale: AxisScale.SymLog } curves
            && curves.Series.Any(s => s.Label.StartsWith("fixed-n ", StringComparison.Ordinal))
            && curves.Series.Any(s => s.Label.StartsWith("subsample-minority ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Given_two_protocols_at_the_same_levels_When_modelled_Then_one_panel_per_level_and_class_overlays_both_protocols_in_their_sweep_colours()
    {
        string[] protocols = ["fixed-n", "subsample-minority"];
        var model = Model(DefaultShape with { Protocols = protocols });
        var section = Assert.Single(model.Sections);
        Assert.Equal(["IR 1: fixed-n, subsample-minority", "IR 10: fixed-n, subsample-minority", "IR 50: fixed-n, subsample-minority", "IR 100: fixed-n, subsample-minority"],
            section.Compared.Select(g => g.Heading));
        var ir10 = section.Compared[1].Grid.Figures;
        Assert.Equal(["recall-minority", "recall-majority", "loss-minority", "loss-majority"], ir10.Select(f => string.Join('-', f.Slug.Split('-')[^2..])));
        var recall = (LineChart)ir10[0].Chart;
        Assert.Equal("IR 10, minority", recall.Title);
        Assert.Equal(["fixed-n train", "fixed-n test", "subsample-minority train", "subsample-minority test"], recall.Series.Select(s => s.Label));
        Assert.Equal([false, true, false, true], recall.Series.Select(s => s.Dashed));
        // colour = protocol, the colour the protocol has in the sweeps of the same section
        var sweep = (LineChart)section.Sweeps.Grid.Figures.Single(f => f.Slug.EndsWith("-sweep-gap", StringComparison.Ordinal)).Chart;
        foreach (var p in protocols)
            Assert.All(recall.Series.Where(s => s.Label.StartsWith(p + " ", StringComparison.Ordinal)), s => Assert.Equal(sweep.Series.Single(x => x.Label == p).Color, s.Color));
        Assert.NotEqual(recall.Series[0].Color, recall.Series[2].Color);
        Assert.True(FigureChecks.Problems(model) is [], string.Join("\n", FigureChecks.Problems(model).Take(20)));
    }

    [Fact]
    public void Given_four_protocols_at_one_level_When_modelled_Then_they_are_overlaid_three_at_most_each_set_led_by_subsample_minority()
    {
        var model = Model(new FabricatedStore.Shape(1, [10], 2, 20, ["fixed-majority", "fixed-minority", "fixed-n", "subsample-minority"]));
        var compared = Assert.Single(Assert.Single(model.Sections).Compared);
        var sets = compared.Grid.Figures.Where(f => f.Slug.EndsWith("-recall-minority", StringComparison.Ordinal))
            .Select(f => ((LineChart)f.Chart).Series.Where(s => !s.Dashed).Select(s => s.Label[..^" train".Length]).ToList()).ToList();
        Assert.Equal([["subsample-minority", "fixed-majority", "fixed-minority"], ["subsample-minority", "fixed-n"]], sets);
        Assert.Equal(0, compared.Grid.Figures.Count % compared.Grid.Columns);
        var problems = compared.Grid.Figures.SelectMany(f => FigureChecks.Problems(f).Select(p => $"{f.Slug}: {p}")).ToList();
        Assert.True(problems is [], string.Join("\n", problems));
    }

    [Fact]
    public void Given_one_protocol_When_modelled_Then_there_is_nothing_to_compare()
    {
        Assert.Empty(Assert.Single(Model(DefaultShape).Sections).Compared);
    }

    [Fact]
    public void Given_findings_with_a_controls_row_When_modelled_Then_they_are_grouped_by_dataset_with_the_controls_in_their_findings_row()
    {
        var model = Model(DefaultShape);
        var group = Assert.Single(model.Findings);
        Assert.Equal("dataset00", group.Dataset);
        Assert.DoesNotContain(group.Entries, e => e.Finding.Finding.StartsWith("controls:", StringComparison.Ordinal));
        var memorisation = Assert.Single(group.Entries, e => e.Finding.Finding == "memorisation");
        Assert.Equal("controls:memorisation", memorisation.Controls?.Finding);
        Assert.Null(Assert.Single(group.Entries, e => e.Finding.Finding == "majority-first").Controls);
    }
}

[Collection(ReportCollection.Name)]
public sealed class RealStudyModelTests(ReportStudyFixture study)
{
    [Fact]
    public void Given_a_small_real_study_When_modelled_Then_every_figure_passes_the_checks()
    {
        using var data = StudyStore.Load(study.StorePath, null);
        var model = ReportModel.Build(data, data.Findings, new ReportOptions());
        Assert.NotEmpty(model.Figures);
        Assert.True(FigureChecks.Problems(model) is [], string.Join("\n", FigureChecks.Problems(model).Take(20)));
    }
}
