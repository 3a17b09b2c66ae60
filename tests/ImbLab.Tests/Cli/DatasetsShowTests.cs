using System.Text.Json;
using ImbLab.Data.Readers;
using ImbLab.Study.Datasets;
using ImbLab.Tests.Metrics;
using ImbLab.Tests.Readers;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>`imblab datasets show`: paths as arguments, the study's dataset table (Table A.1) with SC, and folders with non-datasets.</summary>
public sealed class DatasetsShowTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-show-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Lazy<JsonElement> Goldens = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Datasets", "dataset_table_goldens.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    });

    public static TheoryData<string> GoldenDatasets()
    {
        var names = new TheoryData<string>();
        foreach (var d in Goldens.Value.GetProperty("datasets").EnumerateArray()) names.Add(d.GetProperty("name").GetString()!);
        return names;
    }

    private static string Keel(string name) => Path.Combine(ReaderFixtures.KeelCorpus(), name, name + ".dat");

    [Theory]
    [MemberData(nameof(GoldenDatasets))]
    public void Given_a_KEEL_dataset_When_profiled_Then_SC_and_the_table_columns_match_sklearn(string name)
    {
        var g = Goldens.Value.GetProperty("datasets").EnumerateArray().Single(d => d.GetProperty("name").GetString() == name);

        var p = DatasetProfile.Describe(Keel(name), ReadOptions.Default);

        Assert.Equal(g.GetProperty("rows").GetInt32(), p.Rows);
        Assert.Equal(g.GetProperty("numeric").GetInt32(), p.Numeric);
        Assert.Equal(g.GetProperty("nominal").GetInt32(), p.Nominal);
        MetricsAssert.Close(g.GetProperty("majority_pct").GetDouble(), p.MajorityPercent, 1e-12, $"{name} % majority");
        MetricsAssert.Close(g.GetProperty("minority_pct").GetDouble(), p.MinorityPercent, 1e-12, $"{name} % minority");
        MetricsAssert.Close(g.GetProperty("ir").GetDouble(), p.ImbalanceRatio, 1e-12, $"{name} IR");
        Assert.NotNull(p.Silhouette);
        MetricsAssert.Close(g.GetProperty("sc").GetDouble(), p.Silhouette!.Value, 1e-6, $"{name} SC");
    }

    [Fact]
    public void Given_two_files_as_arguments_When_shown_Then_both_are_rows_sorted_by_IR()
    {
        var (exit, stdout, stderr) = CliHarness.Run("datasets", "show", Keel("abalone19"), Keel("glass1"), "--json");

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var names = doc.RootElement.EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList();
        Assert.Equal(["glass1", "abalone19"], names);
        var glass = doc.RootElement[0];
        Assert.Equal(JsonValueKind.Number, glass.GetProperty("silhouette").ValueKind);
        Assert.Equal(JsonValueKind.Number, glass.GetProperty("minority_percent").ValueKind);
    }

    [Fact]
    public void Given_the_data_option_When_shown_Then_it_reads_as_the_argument_does()
    {
        var (exit, stdout, stderr) = CliHarness.Run("datasets", "show", "--data", Keel("glass1"), "--no-sc");

        Assert.True(exit == 0, stderr);
        Assert.Contains("glass1", stdout);
    }

    [Fact]
    public void Given_a_path_that_does_not_exist_When_shown_Then_exit_2_naming_the_path_not_an_option_it_was_not_given()
    {
        var (exit, _, stderr) = CliHarness.Run("datasets", "show", Path.Combine(_dir, "nope.dat"));

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("nope.dat", line);
        Assert.DoesNotContain("--data", line);
    }

    [Fact]
    public void Given_a_folder_with_a_predictions_csv_When_shown_Then_the_file_is_one_skipped_line_not_hundreds_of_classes()
    {
        File.WriteAllText(Path.Combine(_dir, "data.csv"), "a,b,class\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{i},{i % 7},{(i % 4 == 0 ? "yes" : "no")}\n")));
        File.WriteAllText(Path.Combine(_dir, "preds.csv"), "label,score\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"{i % 2},{(i * 0.0031).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\n")));

        var (exit, stdout, stderr) = CliHarness.Run("datasets", "show", _dir, "--csv", Path.Combine(_dir, "out", "table.csv"));

        Assert.True(exit == 0, stderr);
        var skipped = stdout.Split('\n').Where(l => l.StartsWith("skipped:", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(skipped);
        Assert.Contains("preds.csv", line);
        Assert.Contains("looks continuous", line);
        Assert.True(stdout.Split('\n').Length < 20, stdout);
        var csv = File.ReadAllLines(Path.Combine(_dir, "out", "table.csv"));
        Assert.StartsWith("name,instances,attributes,numeric,nominal,majority_pct,minority_pct,ir,sc,", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("data,40,2,2,0,75,25,3,", csv[1]);
        Assert.Contains("looks continuous", csv[2]);
    }

    [Fact]
    public void Given_the_KEEL_folder_When_shown_Then_one_table_of_84_datasets_sorted_by_IR()
    {
        var (exit, stdout, stderr) = CliHarness.Run("datasets", "show", ReaderFixtures.KeelCorpus(), "--no-sc", "--json");

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var irs = doc.RootElement.EnumerateArray().Select(d => d.GetProperty("imbalance_ratio").GetDouble()).ToList();
        Assert.Equal(84, irs.Count);
        Assert.Equal(irs.Order().ToList(), irs);
        Assert.Equal("glass1", doc.RootElement[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Given_a_csv_with_a_numeric_coded_column_When_shown_with_nominal_Then_it_is_read_as_nominal()
    {
        var file = Path.Combine(_dir, "coded.csv");
        File.WriteAllText(file, "x,grade,class\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{i * 0.5},{1 + i % 3},{(i % 3 == 0 ? "a" : "b")}\n")));

        var plain = CliHarness.Run("datasets", "show", file, "--json");
        var (exit, stdout, stderr) = CliHarness.Run("datasets", "show", file, "--nominal", "grade", "--json");

        Assert.True(plain.Exit == 0, plain.Err);
        Assert.Equal(0, JsonDocument.Parse(plain.Out).RootElement[0].GetProperty("nominal").GetInt32());
        Assert.True(exit == 0, stderr);
        var d = JsonDocument.Parse(stdout).RootElement[0];
        Assert.Equal(1, d.GetProperty("nominal").GetInt32());
        Assert.Equal("grade", d.GetProperty("nominal_attributes")[0].GetString());
    }

    [Fact]
    public void Given_nominal_on_a_KEEL_file_When_shown_Then_exit_2_saying_it_applies_to_csv_only()
    {
        var (exit, _, stderr) = CliHarness.Run("datasets", "show", Keel("glass1"), "--nominal", "1");

        Assert.Equal(2, exit);
        Assert.Contains("--nominal", stderr);
        Assert.Contains("CSV", stderr);
    }
}
