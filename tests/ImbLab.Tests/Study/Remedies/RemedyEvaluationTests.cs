using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Core.Specs;
using ImbLab.Engine;
using ImbLab.Store;
using ImbLab.Study;
using ImbLab.Study.Remedies;
using Xunit;

namespace ImbLab.Tests.Study.Remedies;

/// <summary>Post hoc and validation remedies: hand-computed cases for each adjustment, and what a run stores with them.</summary>
public sealed class RemedyEvaluationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-posthoc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] BinaryLogits(params double[] scores) => [.. scores.SelectMany(s => new[] { 0f, (float)s })];

    [Fact]
    public void Given_validation_scores_When_the_threshold_is_chosen_Then_it_is_the_hand_computed_best_midpoint()
    {
        // Scores s = z_1 - z_0 with class 1 the minority. By hand, balanced accuracy per offset d (minority when s > d):
        // d < -3: 0.5; d = -2: 0.667; d = -0.75: 0.833 (best); d = 0: 0.583; d = 1.25: 0.75; d > 2: 0.5.
        var logits = BinaryLogits(-3, -1, 0.5, -0.5, 2);
        int[] labels = [0, 0, 0, 1, 1];
        Assert.Equal(-0.75, RemedyEvaluation.BestOffset(logits, labels, 2, minority: 1), 12);
    }

    [Fact]
    public void Given_a_perfect_plain_decision_When_the_threshold_is_chosen_Then_the_offset_nearest_0_wins_the_tie()
    {
        // d in (-1, 1) all separate perfectly; the candidate midpoint is 0.
        Assert.Equal(0, RemedyEvaluation.BestOffset(BinaryLogits(-1, 1), [0, 1], 2, minority: 1), 12);
        // Every row of the minority: only an offset below every score predicts them all (one unit below the lowest).
        Assert.Equal(-3, RemedyEvaluation.BestOffset(BinaryLogits(-2, -1), [1, 1], 2, minority: 1), 12);
    }

    private static (Mlp Model, EncodedSet Set) Toy()
    {
        var shape = new MlpShape(3, [4], 2);
        var model = new Mlp(shape, 7);
        var rng = new Rng(3);
        var features = Enumerable.Range(0, 5 * 3).Select(_ => (float)rng.NextGaussian()).ToArray();
        return (model, new EncodedSet(features, 3, [0, 1, 0, 1, 0], 2, [0, 1, 2, 3, 4]));
    }

    [Fact]
    public void Given_posthoc_la_When_applied_Then_each_logit_moves_by_minus_tau_log_pi()
    {
        var (model, set) = Toy();
        var evaluation = RemedyEvaluation.For(RemedyCatalog.Parse("posthoc-la:tau=0.5"), [90, 10], 1, null, model.Shape)!;
        var logits = new float[10];
        model.Predict(set.Features, 5, logits);
        var adjusted = (float[])logits.Clone();
        evaluation.Prepare(model);
        evaluation.Adjust(adjusted, 5);
        for (var r = 0; r < 5; r++)
        {
            Assert.Equal(logits[2 * r] - 0.5 * Math.Log(0.9), adjusted[2 * r], 5);
            Assert.Equal(logits[2 * r + 1] - 0.5 * Math.Log(0.1), adjusted[2 * r + 1], 5);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(0.0)]
    public void Given_tau_norm_When_applied_Then_the_logits_are_those_of_the_normalised_output_weights_with_the_bias_kept(double tau)
    {
        var (model, set) = Toy();
        var bias = model.Bias(1);
        bias[0] = 0.3f;
        bias[1] = -0.2f;
        var weights = model.Weights(1).ToArray();
        var hidden = new[] { new float[5 * 4] };
        var logits = new float[10];
        model.PredictWithHidden(set.Features, 5, logits, hidden);
        var evaluation = RemedyEvaluation.For(RemedyCatalog.Parse($"tau-norm:tau={tau.ToString(System.Globalization.CultureInfo.InvariantCulture)}"), [3, 2], 1, null, model.Shape)!;
        evaluation.Prepare(model);
        evaluation.Adjust(logits, 5);
        for (var c = 0; c < 2; c++)
        {
            var w = weights.AsSpan(c * 4, 4).ToArray();
            var norm = Math.Sqrt(w.Sum(v => (double)v * v));
            for (var r = 0; r < 5; r++)
            {
                var h = hidden[0].AsSpan(r * 4, 4).ToArray();
                var expected = h.Zip(w, (a, b) => (double)a * b).Sum() / Math.Pow(norm, tau) + (c == 0 ? 0.3 : -0.2);
                Assert.Equal(expected, logits[r * 2 + c], 4);
            }
        }
    }

    [Fact]
    public void Given_a_training_part_When_a_validation_split_is_carved_Then_it_is_stratified_disjoint_and_from_its_own_stream()
    {
        var labels = Enumerable.Range(0, 70).Select(i => i < 50 ? 0 : i < 60 ? 1 : 2).ToArray();
        var rows = Enumerable.Range(0, 70).Where(i => i != 65).ToArray(); // class 2 has 9 rows here
        var (train, validation) = ValidationSplit.Carve(rows, labels, 0.2, 11);
        Assert.Equal(10, validation.Count(r => labels[r] == 0));
        Assert.Equal(2, validation.Count(r => labels[r] == 1));
        Assert.Equal(2, validation.Count(r => labels[r] == 2)); // round(1.8)
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(rows, train.Concat(validation).Order());
        Assert.Equal(validation, ValidationSplit.Carve(rows, labels, 0.2, 11).Validation);
        Assert.NotEqual(validation, ValidationSplit.Carve(rows, labels, 0.2, 12).Validation);
        // A class with one row keeps it for training; one with two gives one.
        var few = ValidationSplit.Carve([0, 1, 2], [0, 1, 1], 0.2, 1);
        Assert.Equal([0, 1], few.Train.Select(r => new[] { 0, 1, 1 }[r]).Order().ToArray());
        Assert.Single(few.Validation);
    }

    private StudyData Train(StudySpec spec)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");
        var outcome = StudyPipeline.Train(spec, path, threads: 1, progress: null, CancellationToken.None);
        return StudyStore.Load(path, outcome.StudyId);
    }

    private static StudySpec Spec(string remedy, int epochs) => new()
    {
        Data = ["synthetic:rows=500,d=4,sep=0.8"],
        Protocols = ["subsample-minority"],
        Irs = [4],
        Seeds = 1,
        Remedies = [remedy],
        Model = new ModelSpec { Hidden = [8], Epochs = epochs, BatchSize = 32, LearningRate = 0.01 },
    };

    [Fact]
    public void Given_early_stop_When_trained_Then_the_curves_end_at_the_best_validation_epoch_before_the_patience_ran_out()
    {
        using var data = Train(Spec("early-stop:val=0.25:patience=3", 60));
        var run = Assert.Single(data.Runs);
        var validation = run.Metrics.Where(m => m.Split == Splits.Validation && m.Class is null && m.Metric == MetricNames.BalancedAccuracy
            && m.Epoch >= 1 && m.Epoch == Math.Floor(m.Epoch)).ToList();
        var last = validation[^1];
        // The best epoch is the first to reach the highest validation balanced accuracy: strictly above every epoch before it.
        Assert.All(validation.Take(validation.Count - 1), m => Assert.True(m.Value < last.Value));
        // Nothing is stored after it, on any split or record.
        var lastStep = last.Step;
        Assert.All(run.Metrics, m => Assert.True(m.Step <= lastStep));
        Assert.All(run.Gradients, g => Assert.True(g.Step <= lastStep));
        Assert.All(data.Samples.Signals(run.Run.RunId), s => Assert.True(s.Step <= lastStep));
        Assert.True(last.Epoch < 60, "a 60-epoch run with patience 3 stops early on this data");

        // The validation rows are carved from the training part: disjoint from the rows trained on and from the test set.
        var samples = data.Samples.Samples(run.Run.RunId).ToDictionary(s => s.Split);
        var validationRows = samples[Splits.Validation].RowIds;
        Assert.NotEmpty(validationRows);
        Assert.Empty(validationRows.Intersect(samples[Splits.Train].RowIds));
        Assert.Empty(validationRows.Intersect(samples[Splits.Test].RowIds));
    }

    [Fact]
    public void Given_threshold_When_trained_Then_every_checkpoint_records_its_offset_and_the_validation_balanced_accuracy_it_reached()
    {
        using var data = Train(Spec("threshold", 5));
        var run = Assert.Single(data.Runs);
        var steps = run.Metrics.Where(m => m.Split == Splits.Test).Select(m => m.Step).Distinct().ToList();
        var offsets = run.Metrics.Where(m => m.Metric == MetricNames.ThresholdOffset).ToList();
        Assert.Equal(steps, offsets.Select(m => m.Step));
        Assert.All(offsets, m => Assert.Equal(Splits.Validation, m.Split));
        Assert.All(offsets, m => Assert.True(double.IsFinite(m.Value)));
        // At the chosen offset the validation split is at least as balanced as with the plain decision (offset 0 is a candidate region).
        Assert.All(run.Metrics.Where(m => m.Split == Splits.Validation && m.Metric == MetricNames.BalancedAccuracy), m => Assert.InRange(m.Value, 0.5, 1));
    }

    [Fact]
    public async Task Given_logits_that_are_not_numbers_When_the_offset_is_sought_Then_it_is_zero_rather_than_looped_on()
    {
        // A network whose outputs overflowed (the monitor stores its run as diverged at that checkpoint).
        var offset = await Task.Run(() => RemedyEvaluation.BestOffset([float.PositiveInfinity, float.PositiveInfinity, 1f, 2f], [0, 1], 2, minority: 1))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, offset);
    }
}
