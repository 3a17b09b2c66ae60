using ImbLab.Engine;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Engine;

public sealed class TrainingTests
{
    private static TrainingJob Job(ulong seed, ITrainingObserver observer, int rows = 90, int epochs = 3, int batch = 16,
        OptimizerSettings? optimizer = null, MlpShape? shape = null)
    {
        shape ??= new MlpShape(6, [12, 9], 3);
        var (x, y) = EngineTestSupport.RandomBatch(rows, shape.Inputs, shape.Classes, seed + 1000);
        return new TrainingJob(new Mlp(shape, seed), x, y, rows, optimizer ?? new OptimizerSettings(), epochs, batch, seed + 7, 1, observer);
    }

    [Fact]
    public void Given_the_same_jobs_When_trained_with_1_or_2_threads_and_alone_or_in_a_group_Then_parameters_are_bit_identical()
    {
        var observer = new RecordingObserver();
        var alone = Job(3, observer);
        LockstepTrainer.Train([alone], 1, CancellationToken.None);

        var group1 = new[] { Job(1, observer), Job(3, observer), Job(5, observer, optimizer: new OptimizerSettings(OptimizerKind.Sgd, 0.05, WeightDecay: 1e-3)) };
        var group2 = new[] { Job(1, observer), Job(3, observer), Job(5, observer, optimizer: new OptimizerSettings(OptimizerKind.Sgd, 0.05, WeightDecay: 1e-3)) };
        LockstepTrainer.Train(group1, 1, CancellationToken.None);
        LockstepTrainer.Train(group2, 2, CancellationToken.None);

        Assert.Equal(EngineTestSupport.ParameterBytes(alone.Model), EngineTestSupport.ParameterBytes(group1[1].Model));
        for (var i = 0; i < 3; i++)
            Assert.Equal(EngineTestSupport.ParameterBytes(group1[i].Model), EngineTestSupport.ParameterBytes(group2[i].Model));
        Assert.NotEqual(EngineTestSupport.ParameterBytes(group1[0].Model), EngineTestSupport.ParameterBytes(group1[1].Model));
        Assert.NotEqual(EngineTestSupport.ParameterBytes(new Mlp(alone.Model.Shape, 3)), EngineTestSupport.ParameterBytes(alone.Model));
    }

    [Fact]
    public void Given_jobs_of_different_shapes_and_sizes_When_trained_together_Then_each_matches_its_solo_run()
    {
        var observer = new RecordingObserver();
        TrainingJob Make(int i) => i switch
        {
            0 => Job(11, observer, rows: 50, batch: 7, shape: new MlpShape(3, [], 2)),
            1 => Job(12, observer, rows: 130, batch: 32, shape: new MlpShape(10, [33, 17], 4, Activation.Tanh)),
            _ => Job(13, observer, rows: 64, batch: 64, shape: new MlpShape(6, [12, 9], 3)),
        };
        var together = Enumerable.Range(0, 3).Select(Make).ToArray();
        LockstepTrainer.Train(together, 2, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            var solo = Make(i);
            LockstepTrainer.Train([solo], 1, CancellationToken.None);
            Assert.Equal(EngineTestSupport.ParameterBytes(solo.Model), EngineTestSupport.ParameterBytes(together[i].Model));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Given_two_separable_blobs_When_training_Then_the_loss_falls_and_every_row_is_classified_right(int path)
    {
        var (x, y) = EngineTestSupport.SeparableBlobs(200, 4, 5);
        var model = new Mlp(new MlpShape(4, [16], 2), 9) { KernelPath = (KernelPath)path };
        var losses = new List<double>();
        var observer = new RecordingObserver
        {
            OnEach = (c, m) =>
            {
                if (!c.IsEpochEnd) return;
                var trainer = new MlpTrainer(m, new OptimizerSettings(), 200);
                losses.Add(trainer.LossAndGradient(x, y, 200, new float[m.ParameterCount]));
            },
        };
        LockstepTrainer.Train([new TrainingJob(model, x, y, 200, new OptimizerSettings(LearningRate: 0.01), 20, 16, 3, 1, observer)], 1, CancellationToken.None);

        Assert.Equal(21, losses.Count);
        Assert.True(losses[^1] < 0.1 * losses[0], $"loss went from {losses[0]} to {losses[^1]}");
        var logits = new float[400];
        model.Predict(x, 200, logits);
        for (var r = 0; r < 200; r++) Assert.Equal(y[r], logits[2 * r + 1] > logits[2 * r] ? 1 : 0);
    }

    [Fact]
    public void Given_a_job_When_trained_Then_the_observer_sees_step_0_the_log_spaced_early_steps_and_every_epoch_end_in_order()
    {
        var observer = new RecordingObserver();
        // 100 rows, batch 8: 13 steps per epoch, the last batch partial (4 rows).
        var job = Job(2, observer, rows: 100, epochs: 4, batch: 8) with { EarlyEpochs = 2 };
        LockstepTrainer.Train([job], 1, CancellationToken.None);

        var expected = new[] { 0, 1, 2, 4, 8, 13, 16, 26, 39, 52 };
        Assert.Equal(expected, observer.Checkpoints.Select(c => c.Step));
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 1, 1, 2, 3, 4 }, observer.Checkpoints.Select(c => c.Epoch));
        Assert.Equal(new[] { true, false, false, false, false, true, false, true, true, true }, observer.Checkpoints.Select(c => c.IsEpochEnd));
        Assert.Equal(16 / 13.0, observer.Checkpoints[6].EpochPosition, 12);
    }

    [Fact]
    public void Given_a_schedule_Then_it_contains_exactly_step_0_powers_of_two_in_early_epochs_and_epoch_ends()
    {
        var s = CheckpointSchedule.LogSpaced(stepsPerEpoch: 105, earlyEpochs: 3);
        var steps = Enumerable.Range(0, 1000).Where(s.Contains).ToArray();
        Assert.Equal(new[] { 0, 1, 2, 4, 8, 16, 32, 64, 105, 128, 210, 256, 315, 420, 525, 630, 735, 840, 945 }, steps);
        Assert.Equal(105, s.StepsPerEpoch);
        Assert.Equal(new[] { 0, 105, 210 }, Enumerable.Range(0, 300).Where(CheckpointSchedule.LogSpaced(105, 0).Contains));
    }

    [Fact]
    public void Given_a_cancelled_token_When_training_Then_it_throws_OperationCanceled_and_stops_early()
    {
        using var cts = new CancellationTokenSource();
        var observer = new RecordingObserver { OnEach = (c, _) => { if (c.Step == 4) cts.Cancel(); } };
        var jobs = new[] { Job(1, observer, epochs: 50), Job(2, new RecordingObserver(), epochs: 50) };
        Assert.ThrowsAny<OperationCanceledException>(() => LockstepTrainer.Train(jobs, 2, cts.Token));
        Assert.DoesNotContain(observer.Checkpoints, c => c.Step > 4);
    }

    [Fact]
    public void Given_an_observer_that_throws_When_training_on_two_threads_Then_its_exception_surfaces()
    {
        var bad = new RecordingObserver { OnEach = (c, _) => { if (c.Step == 2) throw new InvalidOperationException("observer broke"); } };
        var jobs = new[] { Job(1, new RecordingObserver(), epochs: 30), Job(2, bad) };
        var e = Assert.Throws<InvalidOperationException>(() => LockstepTrainer.Train(jobs, 2, CancellationToken.None));
        Assert.Equal("observer broke", e.Message);
    }

    [Fact]
    public void Given_bad_jobs_When_training_Then_the_problems_are_named()
    {
        var observer = new RecordingObserver();
        var job = Job(1, observer);
        var e = Assert.Throws<ArgumentException>(() => LockstepTrainer.Train([job with { BatchSize = 0, Labels = [5, .. job.Labels[1..]] }], 1, CancellationToken.None));
        Assert.Contains("BatchSize is 0", e.Message);
        Assert.Contains("Labels[0] is 5", e.Message);
        Assert.Throws<ArgumentException>(() => LockstepTrainer.Train([job, job with { ShuffleSeed = 2 }], 1, CancellationToken.None));
    }

    [Fact]
    public void Given_a_model_changed_between_steps_When_stepping_Then_the_trainer_uses_the_new_values()
    {
        var model = new Mlp(new MlpShape(3, [4], 2), 1);
        var (x, y) = EngineTestSupport.RandomBatch(5, 3, 2, 8);
        var trainer = new MlpTrainer(model, new OptimizerSettings());
        trainer.Step(x, y, 5);
        var zeros = new float[model.ParameterCount];
        model.SetParameters(zeros);
        var gradient = new float[model.ParameterCount];
        var loss = trainer.LossAndGradient(x, y, 5, gradient);
        Assert.Equal(Math.Log(2), loss, 6);
    }

    [Fact]
    public void Given_a_warm_trainer_When_stepping_Then_nothing_is_allocated()
    {
        var (x, y) = EngineTestSupport.RandomBatch(100, 8, 2, 4);
        var trainer = new MlpTrainer(new Mlp(new MlpShape(8, [64, 64, 64], 2), 1), new OptimizerSettings(), 32);
        var rows = Enumerable.Range(0, 32).ToArray();
        trainer.StepOnRows(x, y, rows);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++) trainer.StepOnRows(x, y, rows.AsSpan(0, 32 - i % 5));
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(51, trainer.Steps);
    }

    [Fact]
    public void Given_zero_epochs_When_training_Then_only_the_initial_model_is_observed_and_left_unchanged()
    {
        var observer = new RecordingObserver();
        var job = Job(4, observer, epochs: 0);
        var initial = EngineTestSupport.ParameterBytes(job.Model);
        LockstepTrainer.Train([job], 2, CancellationToken.None);
        Assert.Equal([new Checkpoint(0, 0, 0, true)], observer.Checkpoints);
        Assert.Equal(initial, EngineTestSupport.ParameterBytes(job.Model));
    }

    /// <summary>Stops after a given number of epochs, recording what it was asked.</summary>
    private sealed class StopAfter(int epochs) : ITrainingObserver, IStoppingObserver
    {
        public List<Checkpoint> Checkpoints { get; } = [];
        public List<int> Asked { get; } = [];

        public void OnCheckpoint(in Checkpoint checkpoint, Mlp model) => Checkpoints.Add(checkpoint);

        public bool ShouldStop(int epochsDone)
        {
            Asked.Add(epochsDone);
            return epochsDone >= epochs;
        }
    }

    [Fact]
    public void Given_an_observer_that_stops_after_epoch_2_of_5_Then_training_ends_there_with_the_same_parameters_as_a_2_epoch_job()
    {
        var stopper = new StopAfter(2);
        var stopped = Job(21, stopper, epochs: 5);
        var twoEpochs = Job(21, new RecordingObserver(), epochs: 2);

        LockstepTrainer.Train([stopped, twoEpochs], 2, CancellationToken.None);

        Assert.Equal([1, 2], stopper.Asked);
        Assert.Equal(2, stopper.Checkpoints[^1].Epoch);
        Assert.Equal(EngineTestSupport.ParameterBytes(twoEpochs.Model), EngineTestSupport.ParameterBytes(stopped.Model));
    }
}
