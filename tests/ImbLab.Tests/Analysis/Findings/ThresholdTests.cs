using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Findings;

public sealed class ThresholdTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-threshold-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float Logit(double p) => (float)Math.Log(p / (1 - p));

    [Fact]
    public void Given_hand_made_signals_When_thresholds_are_applied_Then_argmax_tuned_and_logit_adjusted_recall_match_the_hand_count()
    {
        using var store = StudyStore.Open(Path.Combine(_dir, "t.db"), create: true);
        store.UpsertStudy("s1", "{}");
        store.UpsertDataset(new DatasetRow("ds-1", "toy", "toy.dat", "fp", 15, 1, 1, 0, ["neg", "pos"], [10, 5], "{}"));
        // Train: 6 majority (class 0), 3 minority (class 1); prior of the minority 1/3.
        var run = new RunRow("r", "s1", "ds-1", "h", "{}", 0, 0, "natural", "natural", null, 0, 0, 1, [6, 3], [3, 3], "running",
            "2026-01-01T00:00:00.000Z", null, null, "0.1.0");
        store.BeginRun(run);
        var rec = new RunRecords();
        int[] trainLabels = [0, 0, 0, 0, 0, 0, 1, 1, 1];
        double[] trainPTrue = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.3, 0.35, 0.4];
        int[] testLabels = [0, 0, 0, 1, 1, 1];
        double[] testPTrue = [0.9, 0.8, 0.95, 0.32, 0.2, 0.45];
        rec.Samples.Add(new SplitSamples("train", Enumerable.Range(0, 9).ToArray(), trainLabels));
        rec.Samples.Add(new SplitSamples("test", Enumerable.Range(9, 6).ToArray(), testLabels));
        foreach (var (split, p) in new[] { ("train", trainPTrue), ("test", testPTrue) })
            rec.Signals.Add(new SampleSignals(10, 1, split, p.Select(v => (float)v).ToArray(), p.Select(Logit).ToArray(), p.Select(v => v > 0.5).ToArray()));
        rec.Metrics.Add(new MetricRecord(10, 1, "train", 1, "recall", 0));
        store.CompleteRun("r", rec, 1);

        using var data = store.LoadStudy("s1");
        var view = RunView.Of(data.Runs[0], data.Samples, "toy");
        var t = RunMeasures.Thresholds(view);
        Assert.NotNull(t);
        Assert.Equal(0.3, t.Threshold, 3);          // p(minority) >= 0.3 separates the training part perfectly (stored as float16)
        Assert.Equal(0.0, t.Argmax, 12);            // no test minority sample has p > 0.5
        Assert.Equal(2.0 / 3, t.AtThreshold, 12);   // 0.32 and 0.45 pass 0.3; 0.2 does not
        // Logit adjustment: predict minority iff z_min - z_maj > log(pi_min / pi_maj) = log(1/2) = -0.693:
        // logit(0.45) = -0.20 passes, logit(0.32) = -0.75 and logit(0.2) = -1.39 do not.
        Assert.Equal(1.0 / 3, t.LogitAdjusted, 12);
    }

    [Fact]
    public void Given_tied_scores_When_the_best_threshold_is_chosen_Then_ties_move_together_and_the_highest_best_wins()
    {
        Assert.Equal(0.7, RunMeasures.BestThreshold([0.7, 0.7, 0.2, 0.1], [1, 1, 0, 0], 1), 12);
        Assert.Equal(0.5, RunMeasures.BestThreshold([0.7, 0.7, 0.5, 0.1], [1, 0, 1, 0], 1), 12);
    }

    [Fact]
    public async Task Given_a_NaN_probability_When_the_best_threshold_is_sought_Then_it_is_refused_rather_than_looped_on()
    {
        // NaN == NaN is false: the tie loop used to spin on it forever (findings of a run whose outputs overflowed).
        var error = await Task.Run(() => Record.Exception(() => RunMeasures.BestThreshold([0.7, double.NaN, 0.2], [1, 1, 0], 1)))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsType<ArgumentException>(error);
    }
}
