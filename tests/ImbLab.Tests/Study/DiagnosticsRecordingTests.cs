using ImbLab.Study;
using ImbLab.Study.Running;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;
using ImbLab.Core.Specs;
using ImbLab.Analysis.Findings;
using ImbLab.Store.Export;

namespace ImbLab.Tests.Study;

public sealed class DiagnosticsRecordingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-diag-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static StudySpec Spec(DiagnosticsSpec diagnostics) => new()
    {
        Data = ["synthetic:rows=600,d=4"],
        Protocols = ["subsample-minority"],
        Irs = [5],
        Seeds = 1,
        Model = new ModelSpec { Hidden = [8, 6], Epochs = 5, BatchSize = 16 },
        Diagnostics = diagnostics,
    };

    private (StudyStore Store, RunRow Run) RunOne(DiagnosticsSpec diagnostics)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");
        StudyPipeline.Train(Spec(diagnostics), path, 1, null, CancellationToken.None);
        var store = StudyStore.Open(path, create: false);
        return (store, Assert.Single(store.Runs()));
    }

    [Fact]
    public void Given_the_every_schedule_When_a_run_trains_Then_class_gradients_are_recorded_at_every_checkpoint_with_consistent_update_shares()
    {
        var (store, run) = RunOne(new DiagnosticsSpec { GradientSchedule = GradientSchedule.Every });
        using var _ = store;
        var gradients = store.Gradients(run.RunId);
        var checkpoints = store.Metrics(run.RunId).Select(m => m.Record.Step).Distinct().ToList();
        Assert.Equal(checkpoints, gradients.Select(g => g.Step).Distinct().ToList());

        // Two parameter layers of hidden weights plus the output layer: norms for the whole net (null) and layers 0..2.
        var norms = gradients.Where(g => g.Metric == "grad_norm" && g.Step == checkpoints[^1]).ToList();
        Assert.Equal(new int?[] { null, 0, 1, 2 }, norms.Select(g => g.Layer).Distinct().ToArray());
        Assert.All(norms, g => Assert.True(g.Value >= 0));
        var cosine = Assert.Single(gradients, g => g.Metric == "grad_cosine" && g.Layer is null && g.Step == checkpoints[^1]);
        Assert.InRange(cosine.Value, -1, 1);

        Assert.DoesNotContain(gradients, g => g.Step == 0 && g.Metric.StartsWith("update_", StringComparison.Ordinal));
        foreach (var step in checkpoints.Skip(1))
        {
            var shares = gradients.Where(g => g.Step == step && g.Metric == "update_share").Select(g => g.Value).ToList();
            Assert.Equal(2, shares.Count);
            Assert.Equal(1.0, shares.Sum(Math.Abs), 9);
            var descent = gradients.Where(g => g.Step == step && g.Metric == "update_descent").Select(g => g.Value).ToList();
            Assert.Equal(Math.Sign(descent[0]), Math.Sign(shares[0]));
        }
    }

    [Fact]
    public void Given_the_default_log_schedule_When_a_run_trains_Then_gradients_come_at_the_early_steps_and_log_spaced_epochs()
    {
        var (store, run) = RunOne(new DiagnosticsSpec());
        using var _ = store;
        var metrics = store.Metrics(run.RunId).Select(m => m.Record).ToList();
        var early = metrics.Where(m => m.Epoch != Math.Floor(m.Epoch)).Select(m => m.Epoch).Distinct();
        var expected = early.Concat([0.0, 1, 2, 4, 5]).Order().ToArray();
        Assert.Equal(expected, store.Gradients(run.RunId).Select(g => g.Epoch).Distinct().Order().ToArray());
    }

    [Fact]
    public void Given_default_diagnostics_When_a_run_trains_Then_separability_is_measured_at_log_spaced_epochs_on_every_layer()
    {
        var (store, run) = RunOne(new DiagnosticsSpec());
        using var _ = store;
        var records = store.Representations(run.RunId);
        Assert.Equal([0.0, 1, 2, 4, 5], records.Select(r => r.Epoch).Distinct().Order().ToArray());
        // the input space once (epoch 0), hidden layers 1..2 at every scheduled epoch, the output layer's weights as "model"
        Assert.All(records.Where(r => r.Layer == 0), r => Assert.Equal(0.0, r.Epoch));
        var silhouettes = records.Where(r => r.Metric == "silhouette" && r.Split == "train").ToList();
        Assert.Equal([0, 1, 2], silhouettes.Select(r => r.Layer).Distinct().Order().ToArray());
        Assert.All(silhouettes, r => Assert.InRange(r.Value, -1, 1));
        Assert.All(records.Where(r => r.Split != RepresentationRecorder.ModelSplit), r => Assert.Equal(r.Split == "train" ? run.TrainCounts.Sum() : run.TestCounts.Sum(), r.Rows));
        Assert.Equal(2 * 5, records.Count(r => r.Metric == "weight_norm"));
        Assert.Contains(records, r => r.Metric == "nc1" && r.Layer == 2 && r.Split == "test");
    }

    [Fact]
    public void Given_a_row_cap_When_measured_Then_the_cap_is_recorded()
    {
        var (store, run) = RunOne(new DiagnosticsSpec { Gradients = false, RepresentationRows = 50 });
        using var _ = store;
        var records = store.Representations(run.RunId);
        Assert.All(records.Where(r => r.Split == "train"), r => Assert.Equal(50, r.Rows));
        Assert.Empty(store.Gradients(run.RunId));
    }

    [Fact]
    public void Given_the_default_study_shape_When_measured_Then_train_and_test_silhouettes_are_recorded_for_every_class_at_every_level()
    {
        // The default study's data, levels and 400-row cap; a tiny model, since only the sampled rows matter.
        var spec = new StudySpec
        {
            Seeds = 1,
            Model = new ModelSpec { Hidden = [4], Epochs = 1, BatchSize = 256 },
            Diagnostics = new DiagnosticsSpec { Gradients = false },
            RecordSamples = false,
        };
        var path = Path.Combine(_dir, "default-shape.db");
        StudyPipeline.Train(spec, path, 1, null, CancellationToken.None);
        using var store = StudyStore.Open(path, create: false);
        var runs = store.Runs();
        Assert.Equal(4, runs.Count);
        foreach (var run in runs)
        {
            var last = store.Representations(run.RunId).Where(r => r.Epoch == 1.0 && r.Layer == 1 && r.Metric == "silhouette").ToList();
            foreach (var split in new[] { "train", "test" })
            {
                var values = last.Where(r => r.Split == split).ToList();
                Assert.Equal([0, 1], values.Select(r => r.Class!.Value).Order().ToArray());
                Assert.All(values, r => Assert.True(double.IsFinite(r.Value), $"{run.Level} {split} class {r.Class}: {r.Value}"));
                Assert.All(values, r => Assert.Equal(Math.Min(400, split == "train" ? run.TrainCounts.Sum() : run.TestCounts.Sum()), r.Rows));
            }
        }
    }

    [Fact]
    public void Given_training_mode_dynamics_When_a_run_trains_Then_each_epoch_records_every_training_sample_as_presented()
    {
        var (store, run) = RunOne(new DiagnosticsSpec { Gradients = false, Representations = false, DynamicsFrom = DynamicsSource.Training });
        using var _ = store;
        var presented = store.Signals(run.RunId).Where(s => s.Split == "train_presented").ToList();
        Assert.Equal([1.0, 2, 3, 4, 5], presented.Select(s => s.Epoch).ToArray());
        var samples = store.Samples(run.RunId).Single(s => s.Split == "train_presented");
        Assert.All(presented, s => Assert.Equal(samples.RowIds.Length, s.TrueClassProbability.Length));
        Assert.All(presented, s => Assert.All(s.TrueClassProbability, p => Assert.InRange(p, 0f, 1f)));
        // Presented before the update: epoch 1's signals differ from the evaluation after epoch 1.
        var eval = store.Signals(run.RunId).Single(s => s.Split == "train" && s.Epoch == 1.0);
        Assert.NotEqual(eval.TrueClassProbability, presented[0].TrueClassProbability);
    }

    [Fact]
    public void Given_recorded_activations_When_exported_Then_every_sample_of_every_layer_and_checkpoint_is_a_row()
    {
        var (store, run) = RunOne(new DiagnosticsSpec { Gradients = false, RecordActivations = true });
        var snapshots = store.Activations(run.RunId).ToList();
        var expected = snapshots.Sum(a => a.RowIds.Length);
        store.Dispose();
        using var reopened = StudyStore.OpenForReading(Directory.GetFiles(_dir, "*.db").Single());
        var files = StoreExporter.Export(reopened, new ExportRequest(Path.Combine(_dir, "csv"), ExportFormat.Csv) { Tables = ["activations"], GzipLargeCsv = false },
            CancellationToken.None);
        var csv = Assert.Single(files, f => f.Path.EndsWith("activations.csv", StringComparison.Ordinal));
        Assert.Equal(expected, csv.Rows);
        var header = File.ReadLines(csv.Path).First().Split(',');
        var line = File.ReadLines(csv.Path).Skip(1).First().Split(',');
        Assert.Equal(int.Parse(line[Array.IndexOf(header, "width")], System.Globalization.CultureInfo.InvariantCulture),
            line[Array.IndexOf(header, "values")].Split(' ').Length);
    }
}

public sealed class TrainingModeDynamicsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-tmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Given_a_study_recorded_with_training_mode_dynamics_When_its_dynamics_are_derived_Then_the_train_samples_come_from_the_presentations()
    {
        var spec = new StudySpec
        {
            Data = ["synthetic:rows=400,d=4"], Protocols = ["natural"], Seeds = 1,
            Model = new ModelSpec { Hidden = [8], Epochs = 4, BatchSize = 16 },
            Diagnostics = new DiagnosticsSpec { Gradients = false, Representations = false, DynamicsFrom = DynamicsSource.Training },
        };
        var path = Path.Combine(_dir, "s.db");
        var outcome = StudyPipeline.Train(spec, path, 1, null, CancellationToken.None);
        using var store = StudyStore.Open(path, create: false);
        var run = Assert.Single(store.Runs());
        Assert.True(ImbLab.Analysis.Findings.RunView.UsesTrainingDynamics(run));

        // Presented signals exist from epoch 1 only (nothing is presented before training): a sample right at
        // every presentation is learned at epoch 1, never at 0, which the evaluation signals would allow.
        using var data = store.LoadStudy(outcome.StudyId);
        var rows = ImbLab.Analysis.Findings.StudyDynamics.Samples(data).Where(r => r.Split == "train").ToList();
        Assert.Equal(run.TrainCounts.Sum(), rows.Count);
        Assert.DoesNotContain(rows, r => r.Dynamics.LearnedEpoch == 0);
    }
}
