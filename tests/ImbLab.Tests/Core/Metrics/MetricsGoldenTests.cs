using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using Xunit;

namespace ImbLab.Tests.Metrics;

/// <summary>
/// ClassificationMetrics and Softmax against scikit-learn / imbalanced-learn, from the fixture written by
/// tools/reference/metrics_goldens.py (which states where ImbLab's conventions are applied on top of the libraries).
/// </summary>
public sealed class MetricsGoldenTests
{
    private const double Relative = 1e-9;

    private static readonly Lazy<JsonElement> Fixture = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Metrics", "metrics_goldens.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    });

    public static TheoryData<string> ComputeCases() => Names("compute");

    public static TheoryData<string> RankCases() => Names("rank");

    public static TheoryData<string> SoftmaxCases() => Names("softmax");

    [Fact]
    public void Given_the_fixture_Then_it_covers_the_cases_the_brief_asks_for()
    {
        Assert.True(Fixture.Value.GetProperty("compute").GetArrayLength() >= 25);
        Assert.True(Fixture.Value.GetProperty("rank").GetArrayLength() >= 5);
        Assert.True(Fixture.Value.GetProperty("softmax").GetArrayLength() >= 3);
    }

    [Theory]
    [MemberData(nameof(ComputeCases))]
    public void Given_predictions_When_computing_metrics_Then_they_match_sklearn(string name)
    {
        var c = Case("compute", name);
        var classes = c.GetProperty("classes").GetInt32();
        var labels = Ints(c.GetProperty("labels"));
        var probabilities = c.GetProperty("probabilities").EnumerateArray()
            .Select(v => float.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        var losses = Doubles(c.GetProperty("loss_per_sample"));
        var e = c.GetProperty("expected");

        var m = ClassificationMetrics.Compute(probabilities, classes, labels, c.GetProperty("positive_class").GetInt32(), losses);

        Assert.Equal(classes, m.Classes.Count);
        var support = Ints(e.GetProperty("support"));
        for (var k = 0; k < classes; k++)
        {
            var cm = m.Classes[k];
            Assert.Equal(k, cm.Class);
            Assert.Equal(support[k], cm.Support);
            MetricsAssert.Close(At(e, "recall", k), cm.Recall, Relative, $"{name} recall[{k}]");
            MetricsAssert.Close(At(e, "precision", k), cm.Precision, Relative, $"{name} precision[{k}]");
            MetricsAssert.Close(At(e, "f1", k), cm.F1, Relative, $"{name} f1[{k}]");
            MetricsAssert.Close(At(e, "pred_share", k), cm.PredictedShare, Relative, $"{name} pred_share[{k}]");
            MetricsAssert.Close(At(e, "loss", k), cm.MeanLoss, Relative, $"{name} loss[{k}]");
        }
        MetricsAssert.Close(Value(e, "mean_loss"), m.MeanLoss, Relative, $"{name} mean_loss");
        MetricsAssert.Close(Value(e, "accuracy"), m.Accuracy, Relative, $"{name} accuracy");
        MetricsAssert.Close(Value(e, "balanced_accuracy"), m.BalancedAccuracy, Relative, $"{name} balanced_accuracy");
        MetricsAssert.Close(Value(e, "g_mean"), m.GMean, Relative, $"{name} g_mean");
        MetricsAssert.Close(Value(e, "roc_auc"), m.RocAuc, Relative, $"{name} roc_auc");
        MetricsAssert.Close(Value(e, "pr_auc"), m.PrAuc, Relative, $"{name} pr_auc");
    }

    [Theory]
    [MemberData(nameof(RankCases))]
    public void Given_scores_with_ties_When_ranking_Then_auc_and_ap_match_sklearn(string name)
    {
        var c = Case("rank", name);
        var scores = Doubles(c.GetProperty("scores"));
        var positive = c.GetProperty("positive").EnumerateArray().Select(v => v.GetBoolean()).ToArray();

        MetricsAssert.Close(Value(c, "roc_auc"), ClassificationMetrics.RocAuc(scores, positive), Relative, $"{name} roc_auc");
        MetricsAssert.Close(Value(c, "average_precision"), ClassificationMetrics.AveragePrecision(scores, positive), Relative, $"{name} ap");
    }

    [Theory]
    [MemberData(nameof(SoftmaxCases))]
    public void Given_logits_When_applying_softmax_Then_probabilities_and_losses_match_float64_logsumexp(string name)
    {
        var c = Case("softmax", name);
        var classes = c.GetProperty("classes").GetInt32();
        var logits = Doubles(c.GetProperty("logits")).Select(v => (float)v).ToArray();
        var labels = Ints(c.GetProperty("labels"));
        var expectedProbabilities = Doubles(c.GetProperty("probabilities"));
        var expectedLoss = Doubles(c.GetProperty("loss"));
        var probabilities = new float[logits.Length];
        var loss = new double[labels.Length];

        Softmax.FromLogits(logits, classes, labels, probabilities, loss);

        for (var i = 0; i < probabilities.Length; i++)
            MetricsAssert.Close(expectedProbabilities[i], probabilities[i], 1e-6, $"{name} p[{i}]", absolute: 1e-44);
        for (var i = 0; i < loss.Length; i++)
            MetricsAssert.Close(expectedLoss[i], loss[i], Relative, $"{name} loss[{i}]", absolute: 1e-12);
    }

    private static TheoryData<string> Names(string section)
    {
        var names = new TheoryData<string>();
        foreach (var c in Fixture.Value.GetProperty(section).EnumerateArray()) names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    private static JsonElement Case(string section, string name) =>
        Fixture.Value.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(AsDouble).ToArray();

    private static double AsDouble(JsonElement v) => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble();

    private static double Value(JsonElement e, string property) => AsDouble(e.GetProperty(property));

    private static double At(JsonElement e, string property, int index) => AsDouble(e.GetProperty(property)[index]);
}
