using System.Text.Json;
using System.Text.RegularExpressions;
using ImbLab.Analysis.Findings;
using ImbLab.Cli;
using ImbLab.Cli.Commands;
using ImbLab.Study;
using ImbLab.Study.Running;
using Spectre.Console;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>What the CLI prints: tables that fit a terminal, progress with time, help with defaults, JSON numbers.</summary>
public sealed partial class CliOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-output-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Tiny = ["--epochs", "2", "--hidden", "8", "--batch-size", "16"];

    private static (IAnsiConsole Console, StringWriter Text) Terminal(int width)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        return (console, text);
    }

    [Fact]
    public void Given_a_summary_When_printed_at_80_columns_Then_no_line_is_wider_and_no_value_is_split()
    {
        static SeedStat S(double mean, double sd) => new(mean, sd, 5);
        var rows = new List<SummaryRow>();
        foreach (var (level, min, maj) in new[] { ("ir=100", 20, 2000), ("ir=20", 100, 2000), ("ir=1", 2000, 2000), ("ir=12.5", 160, 2000) })
            rows.Add(new SummaryRow("yeast-1-2-8-9_vs_7", "subsample-minority", level, 5, min, maj, S(1, 0), S(0.0612, 0.0456), S(0.9987, 0.0012), S(0.5234, 0.0311), S(0.8812, 0.0413)));
        rows.Add(new SummaryRow("yeast-1-2-8-9_vs_7", "grid", "min=20,maj=2000", 10, 20, 2000, S(1, 0), S(0.1, 0.2), S(0.99, 0.01), S(0.55, 0.1), S(0.9, 0.05)));
        rows.Add(new SummaryRow("abalone19", "natural", "natural", 1, 26, 3314, new SeedStat(double.NaN, double.NaN, 0), S(0.5, double.NaN), S(1, 0), S(0.75, 0), S(0.8, 0)));

        var (console, text) = Terminal(80);
        StudyCommand.WriteSummary(console, rows);
        var lines = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        string[] cells = ["ir=100", "ir=20", "ir=1", "ir=12.5", "20x2000", "natural", "20/2000", "2000/2000", "26/3314", "0.06±.05", "1.00±.00", "0.52±.03", "0.88±.04", "n/a"];
        foreach (var cell in cells)
            Assert.True(lines.Any(l => Regex.IsMatch(l, $@"(^|\s){Regex.Escape(cell)}(\s|$)")), $"'{cell}' is not whole on one line:\n{text}");
        // Levels by value: ir=1 before ir=12.5 before ir=20 before ir=100.
        var order = new[] { "ir=1 ", "ir=12.5", "ir=20", "ir=100" }.Select(l => lines.FindIndex(x => x.TrimStart().StartsWith(l, StringComparison.Ordinal))).ToList();
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public void Given_levels_When_ordered_Then_natural_first_then_irs_by_value_then_grid_cells_by_counts()
    {
        string[] levels = ["ir=50", "min=20,maj=200", "ir=100", "natural", "min=10,maj=200", "ir=1", "ir=10", "min=10,maj=100"];
        Assert.Equal(["natural", "ir=1", "ir=10", "ir=50", "ir=100", "min=10,maj=100", "min=10,maj=200", "min=20,maj=200"], levels.OrderByLevel(l => l));
    }

    [Fact]
    public void Given_piped_progress_of_one_long_run_When_reported_Then_lines_show_epochs_elapsed_and_time_left()
    {
        var (console, text) = Terminal(200);
        var now = TimeSpan.Zero;
        var progress = new ProgressLines(console, () => now);
        for (var epoch = 0; epoch <= 1000; epoch++)
        {
            now = TimeSpan.FromSeconds(epoch * 0.2);
            progress.Report(new StudyProgress(epoch == 1000 ? 1 : 0, 1, epoch, 1000, "pima"));
        }
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Inside the one run: a line per tenth of its epochs (and every 30 s), not only when the run ends.
        Assert.InRange(lines.Length, 10, 20);
        Assert.Contains(lines, l => l.Contains("runs 0/1 done, epochs 500/1000 (50%), elapsed 1m40s, about 1m40s left", StringComparison.Ordinal));
        Assert.Contains("runs 1/1 done, epochs 1000/1000 (100%), elapsed 3m20s, done", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Given_phases_When_each_ends_Then_its_elapsed_time_is_printed()
    {
        var (console, text) = Terminal(200);
        var clock = new PhaseClock(console);
        clock.Start(StudyPhase.Summary);
        clock.Start(StudyPhase.Findings);
        clock.Finish();
        Assert.Matches(@"reading the study back from the store\.\.\.\s+read the study back in \d+\.\d s\s+stating the findings\.\.\.\s+stated the findings in \d+\.\d s", text.ToString());
    }

    [Fact]
    public void Given_a_study_When_run_piped_without_report_and_again_as_json_Then_phases_are_timed_durations_are_seconds_and_levels_sort_by_value()
    {
        string[] study = ["study", "--data", "synthetic:rows=1000,d=2", "--ir", "100,10,50", "--seeds", "1", "--out", _dir, "--no-report", .. Tiny];
        var text = CliHarness.Run(study);
        Assert.True(text.Exit == 0, text.Err);
        Assert.Contains("elapsed", text.Err, StringComparison.Ordinal);
        Assert.Contains("stated the findings in", text.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("report", text.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "report.html")));

        var json = CliHarness.Run([.. study, "--json"]);
        Assert.True(json.Exit == 0, json.Err);
        using var doc = JsonDocument.Parse(json.Out);
        var outcome = doc.RootElement.GetProperty("outcome");
        Assert.Equal(JsonValueKind.Number, outcome.GetProperty("elapsed_seconds").ValueKind);
        Assert.False(outcome.TryGetProperty("elapsed", out _));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("report").ValueKind);

        var dynamics = CliHarness.Run("dynamics", Path.Combine(_dir, "imblab.db"), "--json");
        Assert.True(dynamics.Exit == 0, dynamics.Err);
        using var d = JsonDocument.Parse(dynamics.Out);
        var levels = d.RootElement.GetProperty("memorisation_gap").EnumerateArray().Select(g => g.GetProperty("level").GetString()).ToList();
        Assert.Equal(["ir=10", "ir=50", "ir=100"], levels);
        var groupLevels = d.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("level").GetString()).Distinct().ToList();
        Assert.Equal(["ir=10", "ir=50", "ir=100"], groupLevels);
    }

    [Fact]
    public void Given_train_out_a_folder_When_run_Then_the_run_is_stored_in_folder_imblab_db_as_study_does()
    {
        var folder = Path.Combine(_dir, "trained");
        var result = CliHarness.Run(["train", "--data", "synthetic:rows=300,d=2", "--ir", "4", "--out", folder, .. Tiny]);
        Assert.True(result.Exit == 0, result.Err);
        var store = Path.Combine(folder, StoreLocation.StoreFile);
        Assert.True(File.Exists(store));
        Assert.Contains(store, result.Out, StringComparison.Ordinal);
        var export = CliHarness.Run("export", store, "--format", "csv", "--no-samples", "--out", Path.Combine(_dir, "csv"));
        Assert.True(export.Exit == 0, export.Err);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_dir, "csv", "runs.csv")).Length);
    }

    [Theory]
    [InlineData("study")]
    [InlineData("train")]
    [InlineData("findings")]
    [InlineData("dynamics")]
    [InlineData("report")]
    [InlineData("export")]
    public void Given_help_When_asked_Then_every_option_has_a_description_with_its_default(string command)
    {
        var (exit, stdout, _) = CliHarness.Run(command, "--help");
        Assert.Equal(0, exit);
        var options = stdout[stdout.IndexOf("OPTIONS:", StringComparison.Ordinal)..].Split('\n').Skip(1);
        var blocks = new List<(string Name, string Text)>();
        foreach (var line in options.Where(l => l.Trim().Length > 0))
        {
            var m = OptionLine().Match(line);
            if (m.Success) blocks.Add((m.Groups[1].Value, m.Groups[2].Value));
            else if (blocks.Count > 0) blocks[^1] = (blocks[^1].Name, blocks[^1].Text + " " + line.Trim());
        }
        Assert.NotEmpty(blocks);
        foreach (var (name, description) in blocks.Where(b => b.Name != "--help"))
            Assert.True(description.Contains("default", StringComparison.OrdinalIgnoreCase), $"{command} {name}: '{description.Trim()}'");
    }

    [GeneratedRegex(@"^\s+(?:-\w, )?(--[\w-]+)(?: <[^>]+>)?(.*)$")]
    private static partial Regex OptionLine();
}
