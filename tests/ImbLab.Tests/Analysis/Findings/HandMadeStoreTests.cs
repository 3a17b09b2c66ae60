using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Findings;

/// <summary>
/// Stores with fabricated runs whose numbers are chosen so that each verdict comes out on purpose: the rules can
/// say supported, contradicted and inconclusive, and say why.
/// </summary>
public sealed class HandMadeStoreTests : IDisposable
{
    private const int Epochs = 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-handmade-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Minority train recall at epoch e of seed s, at an imbalance level with the given IR.</summary>
    private delegate double Curve(double ir, int seed, int epoch);

    private StudyStore Build(string name, (string Protocol, Curve Minority)[] protocols, int seeds, double[] irs, int minorityTest = 20)
    {
        var store = StudyStore.Open(Path.Combine(_dir, name + ".db"), create: true);
        store.UpsertStudy("s1", "{}");
        store.UpsertDataset(new DatasetRow("ds-1", "toy", "toy.dat", "fp", 2000, 4, 4, 0, ["neg", "pos"], [1500, 500], "{}"));
        foreach (var (protocol, minority) in protocols)
            foreach (var ir in irs)
                for (var s = 0; s < seeds; s++)
                {
                    var id = $"{protocol}-{ir}-{s}";
                    var nMin = (int)(400 / ir);
                    store.BeginRun(new RunRow(id, "s1", "ds-1", "h", "{}", s, s, protocol, $"ir={ir}", ir, 0, 0, 1, [400, nMin],
                        [200, minorityTest], "running", "2026-01-01T00:00:00.000Z", null, null, "0.1.0"));
                    var r = new RunRecords();
                    for (var e = 0; e <= Epochs; e++)
                    {
                        var trainMin = minority(ir, s, e);
                        r.Metrics.Add(new MetricRecord(e * 10, e, "train", 1, "recall", trainMin));
                        r.Metrics.Add(new MetricRecord(e * 10, e, "train", 0, "recall", e == 0 ? 0.5 : 0.95 + 0.01 * s));
                        // Test: the minority generalises less the larger the IR; the majority keeps its train recall.
                        r.Metrics.Add(new MetricRecord(e * 10, e, "test", 1, "recall", trainMin * (1 - 0.03 * ir) - 0.01 * s));
                        r.Metrics.Add(new MetricRecord(e * 10, e, "test", 0, "recall", 0.94 + 0.01 * s));
                        r.Metrics.Add(new MetricRecord(e * 10, e, "test", null, "roc_auc", 0.9 - 0.004 * ir + 0.01 * s));
                        if (e == 0)
                        {
                            r.Metrics.Add(new MetricRecord(0, 0, "train", 0, "pred_share", 0.9 + 0.02 * s));
                            r.Metrics.Add(new MetricRecord(0, 0, "train", 1, "pred_share", 0.1 - 0.02 * s));
                        }
                    }
                    store.CompleteRun(id, r, 1);
                }
        return store;
    }

    private static double Noise(int seed) => 0.02 * (seed % 3) - 0.02;

    /// <summary>The study's story: the minority starts near 0, reaches ~1 by epoch 10, later the more imbalanced.</summary>
    private static readonly Curve Story = (ir, s, e) => e == 0 ? 0.5 : Math.Clamp(0.1 + Noise(s) + (e - ir / 10) * 0.1, 0, 1);

    /// <summary>No underfitting: the minority's train recall is the majority's from epoch 1.</summary>
    private static readonly Curve Alike = (ir, s, e) => e == 0 ? 0.5 : 0.95 + 0.01 * s + Noise(s) * 0.1;

    private static IReadOnlyList<FindingRow> Compute(StudyStore store)
    {
        using var data = store.LoadStudy("s1");
        return FindingsEngine.Compute(data);
    }

    private static FindingRow Get(IReadOnlyList<FindingRow> rows, string protocol, string finding) =>
        Assert.Single(rows, r => r.Protocol == protocol && r.Finding == finding);

    [Fact]
    public void Given_minority_far_below_majority_early_When_computed_Then_early_underfitting_is_supported_with_its_numbers()
    {
        using var store = Build("story", [("subsample-minority", Story)], seeds: 4, irs: [1, 5, 10, 20]);
        var rows = Compute(store);
        var f = Get(rows, "subsample-minority", "early-minority-underfitting");
        Assert.Equal("supported", f.Verdict);
        Assert.True(f.Effect < -0.5 && f.CiHigh < -0.1, f.Statement);
        Assert.Contains("epochs 1-2", f.Statement);
        Assert.Contains("4 seeds", f.Statement);
        Assert.Equal("supported", Get(rows, "subsample-minority", "eventual-minority-fitting").Verdict);
        Assert.Equal("supported", Get(rows, "subsample-minority", "initial-guessing-bias").Verdict);
        Assert.Equal("supported", Get(rows, "subsample-minority", "non-generalisation-trend").Verdict);
        // No signals were recorded: the threshold analysis and the silhouette cannot be decided, and say so.
        Assert.StartsWith("inconclusive: not recorded", Get(rows, "subsample-minority", "threshold-recovers-minority").Statement);
        Assert.StartsWith("inconclusive: not recorded", Get(rows, "subsample-minority", "minority-silhouette-gap").Statement);
        // No control protocol ran.
        Assert.Contains("no control protocol", Get(rows, "subsample-minority", "controls:early-minority-underfitting").Statement);
    }

    [Fact]
    public void Given_minority_learned_like_the_majority_When_computed_Then_early_underfitting_is_contradicted()
    {
        using var store = Build("alike", [("subsample-minority", Alike)], seeds: 5, irs: [1, 5, 20]);
        var rows = Compute(store);
        var f = Get(rows, "subsample-minority", "early-minority-underfitting");
        Assert.Equal("contradicted", f.Verdict);
        Assert.True(f.CiLow > -0.1, f.Statement);
    }

    [Fact]
    public void Given_two_seeds_When_computed_Then_every_across_seed_finding_is_inconclusive_and_says_why()
    {
        using var store = Build("two", [("subsample-minority", Story)], seeds: 2, irs: [1, 5, 20]);
        var rows = Compute(store);
        var f = Get(rows, "subsample-minority", "early-minority-underfitting");
        Assert.Equal("inconclusive", f.Verdict);
        Assert.StartsWith("inconclusive: fewer than 3 seeds (2)", f.Statement);
    }

    [Fact]
    public void Given_two_levels_When_computed_Then_trends_are_inconclusive()
    {
        using var store = Build("levels", [("subsample-minority", Story)], seeds: 4, irs: [1, 20]);
        var rows = Compute(store);
        Assert.StartsWith("inconclusive: fewer than 3 imbalance levels (2)", Get(rows, "subsample-minority", "underfitting-lag-trend").Statement);
    }

    [Fact]
    public void Given_few_minority_test_samples_When_computed_Then_test_based_findings_are_inconclusive()
    {
        using var store = Build("fewtest", [("subsample-minority", Story)], seeds: 4, irs: [1, 5, 20], minorityTest: 4);
        var rows = Compute(store);
        Assert.StartsWith("inconclusive: fewer than 5 minority test samples in a run (4)", Get(rows, "subsample-minority", "minority-non-generalisation").Statement);
        Assert.Equal("supported", Get(rows, "subsample-minority", "early-minority-underfitting").Verdict); // train-only finding is unaffected
    }

    [Fact]
    public void Given_an_effect_that_vanishes_under_fixed_n_When_computed_Then_it_does_not_survive_the_controls()
    {
        using var store = Build("controls", [("subsample-minority", Story), ("fixed-n", Alike), ("fixed-majority", Story)], seeds: 4, irs: [1, 5, 20]);
        var rows = Compute(store);
        var c = Get(rows, "subsample-minority", "controls:early-minority-underfitting");
        Assert.Equal("contradicted", c.Verdict);
        Assert.Contains("fixed-n: contradicted", c.Statement);
        Assert.Contains("fixed-majority: supported", c.Statement);

        using var store2 = Build("controls2", [("subsample-minority", Story), ("fixed-n", Story)], seeds: 4, irs: [1, 5, 20]);
        Assert.Equal("supported", Get(Compute(store2), "subsample-minority", "controls:early-minority-underfitting").Verdict);
    }

    [Fact]
    public void Given_a_plateau_that_differs_wildly_across_three_seeds_When_computed_Then_its_interval_stays_within_0_and_1_and_says_it_was_clamped()
    {
        // Seeds 0 and 1 fit the minority, seed 2 stops at 0.3: the t interval (t = 4.30 with 2 df) would be [-0.24, 1.77].
        Curve spread = (ir, s, e) => e == 0 ? 0.5 : s == 2 ? 0.3 : 1.0;
        using var store = Build("spread", [("subsample-minority", spread)], seeds: 3, irs: [1, 5, 20]);
        var f = Get(Compute(store), "subsample-minority", "eventual-minority-fitting");

        Assert.Equal((0.0, 1.0), (f.CiLow, f.CiHigh));
        Assert.Contains("95% CI [0.00, 1.00]", f.Statement);
        using var details = System.Text.Json.JsonDocument.Parse(f.DetailsJson);
        Assert.True(details.RootElement.GetProperty("ci_clamped").GetBoolean());
        Assert.Equal([0.0, 1.0], details.RootElement.GetProperty("ci_range").EnumerateArray().Select(x => x.GetDouble()));
    }

    [Fact]
    public void Given_an_interval_inside_the_range_When_computed_Then_the_details_do_not_mention_clamping()
    {
        using var store = Build("inside", [("subsample-minority", Story)], seeds: 4, irs: [1, 5, 10, 20]);
        var f = Get(Compute(store), "subsample-minority", "early-minority-underfitting");
        Assert.InRange(f.CiLow, -1, 1);
        Assert.DoesNotContain("ci_clamped", f.DetailsJson);
    }

    [Fact]
    public void Given_a_difference_with_no_spread_across_seeds_When_computed_Then_its_p_value_reads_below_1e_16_not_zero()
    {
        // Every seed's minority sits exactly 0.5 below the majority (0.95 + 0.01 s) early on: the paired t test has
        // no variation, p = 0 (x - 0.5 is exact for x in [0.5, 1]).
        Curve flat = (ir, s, e) => e == 0 ? 0.5 : e <= 2 ? 0.95 + 0.01 * s - 0.5 : 1.0;
        using var store = Build("flat", [("subsample-minority", flat)], seeds: 3, irs: [1, 5, 20]);
        var f = Get(Compute(store), "subsample-minority", "early-minority-underfitting");
        Assert.Equal(0.0, f.PValue);
        Assert.Contains("p < 1e-16", f.Statement);
        Assert.DoesNotContain("E+0", f.Statement);
    }

    [Fact]
    public void Given_the_same_store_When_computed_twice_Then_the_findings_are_identical()
    {
        using var store = Build("det", [("subsample-minority", Story)], seeds: 3, irs: [1, 5, 20]);
        Assert.Equal(Compute(store).Select(r => r.Statement), Compute(store).Select(r => r.Statement));
    }
}
