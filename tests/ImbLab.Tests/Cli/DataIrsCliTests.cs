using System.Text.Json;
using ImbLab.Store;
using ImbLab.Tests.Readers;
using ImbLab.Tests.Store;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>
/// Per-dataset imbalance ratios from the command line's side: only a study file sets them, the dry run shows them with
/// what each dataset can reach, and a study with them trains, shards, merges and states findings per dataset.
/// </summary>
public sealed class DataIrsCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-data-irs-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Pima => Path.Combine(ReaderFixtures.KeelCorpus(), "pima", "pima.dat").Replace('\\', '/');

    private string StudyFile(string json, string name = "study.json")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json.Replace("\"PIMA\"", $"\"{Pima}\"", StringComparison.Ordinal));
        return path;
    }

    /// <summary>Two synthetic datasets, the second with its own grid; few rows and epochs.</summary>
    private string Small(string irsOfSecond = "[3, 6, 12]", string name = "study.json") => StudyFile($$"""
        {
          "name": "per-dataset",
          "data": ["synthetic:rows=300,d=3", { "path": "synthetic:rows=240,d=2,sep=3", "irs": {{irsOfSecond}} }],
          "protocols": ["subsample-minority", "fixed-n"],
          "irs": [2, 4, 8],
          "seeds": 3,
          "model": { "epochs": 3, "hidden": [8] }
        }
        """, name);

    private static void Ok((int Exit, string Out, string Err) result) =>
        Assert.True(result.Exit == 0, $"exit {result.Exit}: {result.Err}\n{result.Out}");

    private static string OneLineError((int Exit, string Out, string Err) result)
    {
        Assert.True(result.Exit == 2, $"exit {result.Exit}: {result.Err}");
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        return line;
    }

    [Fact]
    public void Given_a_study_file_with_a_datasets_own_irs_When_dry_run_with_json_Then_each_dataset_has_its_irs_and_what_subsample_minority_reaches()
    {
        var file = StudyFile("""{ "data": [{ "path": "PIMA", "irs": [2, 5, 10] }, "synthetic:rows=300,d=3"], "irs": [3], "seeds": 2, "model": { "epochs": 2, "hidden": [8] } }""");

        var (exit, stdout, stderr) = CliHarness.Run("study", "--config", file, "--dry-run", "--json", "--out", _dir);

        Assert.True(exit == 0, stderr + stdout);
        using var doc = JsonDocument.Parse(stdout);
        var datasets = doc.RootElement.GetProperty("datasets").EnumerateArray().ToList();
        var pima = datasets.Single(d => d.GetProperty("name").GetString() == "pima");
        Assert.Equal([2.0, 5, 10], pima.GetProperty("irs").EnumerateArray().Select(x => x.GetDouble()));
        Assert.True(pima.GetProperty("own_irs").GetBoolean());
        // pima's training parts (20% test): 214 positive / 400 negative; IR > 400 / 214.5, up to 2 x 400 (one minority row).
        var reach = pima.GetProperty("subsample_minority");
        Assert.Equal(400 / 214.5, reach.GetProperty("above").GetDouble(), 9);
        Assert.Equal(800, reach.GetProperty("at_most").GetDouble());
        Assert.Equal(214, reach.GetProperty("train_minority").GetInt32());
        var synthetic = datasets.Single(d => d.GetProperty("name").GetString() != "pima");
        Assert.Equal([3.0], synthetic.GetProperty("irs").EnumerateArray().Select(x => x.GetDouble()));
        Assert.False(synthetic.GetProperty("own_irs").GetBoolean());
        Assert.Equal(2 * (3 + 1), doc.RootElement.GetProperty("runs").GetInt32());
    }

    [Fact]
    public void Given_a_datasets_own_irs_When_dry_run_as_tables_Then_the_ratios_table_shows_them_and_the_feasible_range()
    {
        var file = StudyFile("""{ "data": [{ "path": "PIMA", "irs": [2, 5, 10] }], "seeds": 1, "model": { "epochs": 2, "hidden": [8] } }""");

        var (exit, stdout, stderr) = CliHarness.Run("study", "--config", file, "--dry-run", "--out", _dir);

        Assert.True(exit == 0, stderr + stdout);
        var row = Assert.Single(stdout.Split('\n'), l => l.Contains("1.865 <= IR <= 800", StringComparison.Ordinal));
        Assert.Contains("214/400", row, StringComparison.Ordinal);
        Assert.Contains("2, 5, 10 (its own)", row, StringComparison.Ordinal);
        Assert.Contains("levels: per dataset", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_datasets_own_irs_it_cannot_reach_When_dry_run_Then_it_is_listed_infeasible_and_exit_1()
    {
        var file = StudyFile("""{ "data": [{ "path": "PIMA", "irs": [1.5, 5] }], "seeds": 1, "model": { "epochs": 2, "hidden": [8] } }""");

        var (exit, stdout, _) = CliHarness.Run("study", "--config", file, "--dry-run", "--out", _dir);

        Assert.Equal(1, exit);
        Assert.Contains(stdout.Split('\n'), l => l.TrimStart().StartsWith("pima x subsample-minority", StringComparison.Ordinal)
            && l.Contains("cannot reach IR 1.5", StringComparison.Ordinal) && l.Contains("feasible: 1.865 < IR <= 800", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--ir", "3,4", "error: --ir: 3,4 given, but the study file")]
    [InlineData("--data", "synthetic", "error: --data: synthetic given, but the study file")]
    public void Given_a_study_file_with_per_dataset_irs_When_ir_or_data_is_given_Then_it_is_refused_naming_the_option_and_the_file(string option, string value, string message)
    {
        var file = Small();

        var line = OneLineError(CliHarness.Run("study", "--config", file, option, value, "--dry-run", "--out", _dir));

        Assert.StartsWith(message, line, StringComparison.Ordinal);
        Assert.Contains($"{file} sets irs per dataset (data[1].irs)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_study_file_with_per_dataset_irs_When_protocol_natural_is_given_Then_the_unused_irs_are_refused_naming_the_file_and_entry()
    {
        var file = Small();

        var line = OneLineError(CliHarness.Run("study", "--config", file, "--protocol", "natural", "--dry-run", "--out", _dir));

        Assert.Contains($"{file}: data[1].irs: 3,6,12 given, but protocols [natural] read no imbalance ratio", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "imblab.db")));
    }

    [Fact]
    public void Given_a_study_with_per_dataset_irs_in_two_shards_When_merged_Then_the_store_equals_the_one_process_store_and_findings_are_per_dataset_levels()
    {
        var file = Small();
        var one = Path.Combine(_dir, "one");
        Ok(CliHarness.Run("study", "--config", file, "--out", one, "--no-report", "--threads", "2"));
        for (var k = 1; k <= 2; k++) Ok(CliHarness.Run("study", "--config", file, "--shard", $"{k}/2", "--out", Path.Combine(_dir, $"shard-{k}.db"), "--no-report"));
        var merged = Path.Combine(_dir, "merged.db");

        var result = CliHarness.Run("merge", merged, Path.Combine(_dir, "shard-2.db"), Path.Combine(_dir, "shard-1.db"), "--no-report");

        Ok(result);
        Assert.Equal(StoreDump.Of(Path.Combine(one, "imblab.db")), StoreDump.Of(merged));
        // Findings compare levels within a dataset: each dataset's statements are at its own most imbalanced level.
        var findings = CliHarness.Run("findings", merged, "--json");
        Ok(findings);
        using var doc = JsonDocument.Parse(findings.Out);
        var fitting = doc.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("finding").GetString() == "eventual-minority-fitting" && f.GetProperty("protocol").GetString() == "subsample-minority")
            .Select(f => f.GetProperty("statement").GetString()!).ToList();
        Assert.Equal(2, fitting.Count);
        Assert.Contains(fitting, s => s.Contains("at ir=8 (IR 8", StringComparison.Ordinal));
        Assert.Contains(fitting, s => s.Contains("at ir=12 (IR 12", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_stores_of_two_studies_that_differ_in_one_datasets_irs_When_merged_Then_refused_naming_that_entrys_irs()
    {
        var first = Path.Combine(_dir, "first.db");
        var second = Path.Combine(_dir, "second.db");
        Ok(CliHarness.Run("study", "--config", Small("[3, 6]", "a.json"), "--seeds", "1", "--out", first, "--no-report"));
        Ok(CliHarness.Run("study", "--config", Small("[3, 7]", "b.json"), "--seeds", "1", "--out", second, "--no-report"));

        var result = CliHarness.Run("merge", Path.Combine(_dir, "merged.db"), first, second);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("their specs differ in data[1].irs ([3,6] vs [3,7])", result.Err, StringComparison.Ordinal);
    }
}
