using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Data.Predictions;
using ImbLab.Tests.Cli;
using Xunit;

namespace ImbLab.Tests.Metrics;

/// <summary>
/// `imblab evaluate` on label,score files where the class labelled 1 is the majority and the score is P(1): the
/// metrics must be scikit-learn's (tools/reference/metrics_goldens.py, the heldout_* cases), whichever class is the
/// minority. Before the score was read as the minority's score, which inverted every metric on these files.
/// </summary>
public sealed class PredictionsGoldenTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-preds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Lazy<JsonElement> Fixture = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Metrics", "metrics_goldens.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    });

    private static List<string> HeldOutNames() => Fixture.Value.GetProperty("compute").EnumerateArray()
        .Select(c => c.GetProperty("name").GetString()!).Where(n => n.StartsWith("heldout_", StringComparison.Ordinal)).ToList();

    public static TheoryData<string> HeldOutCases() => new(HeldOutNames());

    [Fact]
    public void Given_the_fixture_Then_it_holds_the_reported_case_of_87_rows_with_44_ones()
    {
        Assert.True(HeldOutNames().Count >= 5);
        Assert.Contains("heldout_majority1_0_n87_ones44", HeldOutNames());
    }

    [Theory]
    [MemberData(nameof(HeldOutCases))]
    public void Given_scores_of_class_1_which_is_the_majority_When_evaluated_Then_the_metrics_match_sklearn(string name)
    {
        var (labels, scores, e) = Case(name);
        var file = Write($"{name}.csv", "label,score", labels, scores);

        var p = PredictionsFile.Read(file);
        var m = ClassificationMetrics.Compute(p.Probabilities, p.ClassNames.Count, p.Labels, p.PositiveClass, p.Loss);

        Assert.Equal(["0", "1"], p.ClassNames);
        Assert.Equal(1, p.ScoreClass);
        Assert.Equal(1, p.PositiveClass);
        const double relative = 1e-9;
        for (var k = 0; k < 2; k++)
        {
            MetricsAssert.Close(e.GetProperty("recall")[k].GetDouble(), m.Classes[k].Recall, relative, $"{name} recall[{k}]");
            MetricsAssert.Close(e.GetProperty("precision")[k].GetDouble(), m.Classes[k].Precision, relative, $"{name} precision[{k}]");
        }
        MetricsAssert.Close(e.GetProperty("accuracy").GetDouble(), m.Accuracy, relative, $"{name} accuracy");
        MetricsAssert.Close(e.GetProperty("balanced_accuracy").GetDouble(), m.BalancedAccuracy, relative, $"{name} balanced_accuracy");
        MetricsAssert.Close(e.GetProperty("g_mean").GetDouble(), m.GMean, relative, $"{name} g_mean");
        MetricsAssert.Close(e.GetProperty("roc_auc").GetDouble(), m.RocAuc, relative, $"{name} roc_auc");
        MetricsAssert.Close(e.GetProperty("pr_auc").GetDouble(), m.PrAuc, relative, $"{name} pr_auc");
        // The file's decimals are parsed as doubles, sklearn's loss used their float32 values.
        MetricsAssert.Close(e.GetProperty("mean_loss").GetDouble(), m.MeanLoss, 1e-6, $"{name} mean_loss");
    }

    [Fact]
    public void Given_the_score_of_the_smaller_label_named_by_score_class_Then_the_same_metrics()
    {
        var (labels, scores, e) = Case("heldout_majority1_0_n87_ones44");
        // The same predictions stated the other way round: 1 - P(1) is P(0).
        var file = Write("p0.csv", "label,score", labels, scores.Select(s => (1 - double.Parse(s, CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture)).ToArray());

        var p = PredictionsFile.Read(file, scoreClass: "0", positive: "1");
        var m = ClassificationMetrics.Compute(p.Probabilities, 2, p.Labels, p.PositiveClass, p.Loss);

        Assert.Equal(0, p.ScoreClass);
        MetricsAssert.Close(e.GetProperty("balanced_accuracy").GetDouble(), m.BalancedAccuracy, 1e-9, "balanced_accuracy");
        MetricsAssert.Close(e.GetProperty("roc_auc").GetDouble(), m.RocAuc, 1e-6, "roc_auc");
    }

    [Fact]
    public void Given_two_columns_one_of_them_score_When_evaluated_by_the_cli_Then_the_other_is_the_label_and_the_numbers_are_sklearns()
    {
        var (labels, scores, e) = Case("heldout_majority1_0_n87_ones44");
        var file = Write("y.csv", "y,score", labels, scores);

        var (exit, stdout, stderr) = CliHarness.Run("evaluate", "--predictions", file, "--json");

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("1", doc.RootElement.GetProperty("score_class").GetString());
        Assert.Equal("1", doc.RootElement.GetProperty("positive").GetString());
        double Metric(string metric) => doc.RootElement.GetProperty("metrics").EnumerateArray()
            .Single(x => x.GetProperty("metric").GetString() == metric && x.GetProperty("class").ValueKind == JsonValueKind.Null).GetProperty("value").GetDouble();
        MetricsAssert.Close(e.GetProperty("balanced_accuracy").GetDouble(), Metric("balanced_accuracy"), 1e-9, "balanced_accuracy");
        MetricsAssert.Close(e.GetProperty("roc_auc").GetDouble(), Metric("roc_auc"), 1e-9, "roc_auc");
    }

    [Fact]
    public void Given_three_columns_and_no_label_column_When_evaluated_Then_one_line_asks_for_the_label_column()
    {
        var file = Path.Combine(_dir, "three.csv");
        File.WriteAllText(file, "id,y,score\n1,0,0.2\n2,1,0.7\n3,1,0.4\n4,0,0.1\n");

        var (exit, _, stderr) = CliHarness.Run("evaluate", "--predictions", file);

        Assert.Equal(1, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("three.csv", line);
        Assert.Contains("--label-column", line);
    }

    private static (int[] Labels, string[] Scores, JsonElement Expected) Case(string name)
    {
        var c = Fixture.Value.GetProperty("compute").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var labels = c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        // Probabilities are stored row by row as [P(0), P(1)]; the file's score is P(1).
        var probabilities = c.GetProperty("probabilities").EnumerateArray().Select(v => v.GetString()!).ToArray();
        var scores = Enumerable.Range(0, labels.Length).Select(i => probabilities[2 * i + 1]).ToArray();
        return (labels, scores, c.GetProperty("expected"));
    }

    private string Write(string name, string header, int[] labels, string[] scores)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, [header, .. labels.Select((y, i) => $"{y.ToString(CultureInfo.InvariantCulture)},{scores[i]}")]);
        return path;
    }
}
