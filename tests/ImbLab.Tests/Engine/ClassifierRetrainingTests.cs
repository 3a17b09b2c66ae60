using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>cRT (Kang et al. 2020): after the job's epochs, re-initialise the output layer and train only it.</summary>
public sealed class ClassifierRetrainingTests
{
    private static readonly MlpShape Shape = new(6, [12, 9], 3);

    /// <summary>
    /// A class-balanced test sampler (until the resampling work's sampler lands): each epoch draws Rows / (2 C) rows of every
    /// class with replacement, classes interleaved, from the seed's "test-balanced" stream of the epoch. Half an epoch of the
    /// job's rows, so the re-training epochs have another length than the job's.
    /// </summary>
    private sealed class BalancedTestSampler : IBatchSampler
    {
        public int EpochRows(in SamplingFrame frame) => frame.ClassCounts.Length * Math.Max(1, frame.Rows / (2 * frame.ClassCounts.Length));

        public void Fill(in SamplingFrame frame, int epoch, Span<int> order)
        {
            var classes = frame.ClassCounts.Length;
            var byClass = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
            for (var r = 0; r < frame.Rows; r++) byClass[frame.Labels[r]].Add(r);
            var rng = new Rng(Rng.Derive(frame.Seed, "test-balanced", epoch));
            for (var i = 0; i < order.Length; i++)
            {
                var members = byClass[i % classes];
                order[i] = members[rng.NextInt(members.Count)];
            }
        }
    }

    private static TrainingJob Job(ulong seed, ITrainingObserver observer, int epochs, ClassifierRetraining? retraining, OptimizerSettings? optimizer = null,
        int rows = 90, int batch = 16)
    {
        var (x, y) = EngineTestSupport.RandomBatch(rows, Shape.Inputs, Shape.Classes, seed + 1000);
        return new TrainingJob(new Mlp(Shape, seed), x, y, rows, optimizer ?? new OptimizerSettings(LearningRate: 0.01), epochs, batch, seed + 7, 0, observer)
        {
            ClassifierRetraining = retraining,
        };
    }

    private static float[] Parameters(Mlp model)
    {
        var p = new float[model.ParameterCount];
        model.CopyParameters(p);
        return p;
    }

    /// <summary>Where the output layer starts in the flat parameter order W0, b0, W1, b1, ...</summary>
    private static int OutputOffset(MlpShape shape)
    {
        var at = 0;
        for (var l = 0; l < shape.LayerCount - 1; l++) at += shape.LayerOutputs(l) * (shape.LayerInputs(l) + 1);
        return at;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Given_cRT_after_plain_epochs_Then_the_hidden_layers_are_bit_for_bit_those_of_the_plain_job_and_the_output_layer_retrained(int kind)
    {
        // Weight decay would move frozen parameters if the optimizer touched them.
        var optimizer = kind == 0 ? new OptimizerSettings(LearningRate: 0.01, WeightDecay: 0.05) : new OptimizerSettings(OptimizerKind.Sgd, 0.05, WeightDecay: 0.05);
        var plain = Job(5, new RecordingObserver(), 3, null, optimizer);
        var retrained = Job(5, new RecordingObserver(), 3, new ClassifierRetraining(4, new BalancedTestSampler(), 99), optimizer);
        LockstepTrainer.Train([plain, retrained], 2, CancellationToken.None);

        var before = Parameters(plain.Model);
        var after = Parameters(retrained.Model);
        var output = OutputOffset(Shape);
        Assert.Equal(before[..output], after[..output]);
        var fresh = Parameters(new Mlp(Shape, 99))[output..];
        Assert.NotEqual(before[output..], after[output..]);
        Assert.NotEqual(fresh, after[output..]);
    }

    [Fact]
    public void Given_classifier_retraining_begins_Then_the_output_layer_is_a_new_models_from_the_seed_and_the_hidden_layers_are_untouched()
    {
        var model = new Mlp(Shape, 1);
        var (x, y) = EngineTestSupport.RandomBatch(20, Shape.Inputs, Shape.Classes, 2);
        var trainer = new MlpTrainer(model, new OptimizerSettings(LearningRate: 0.01));
        for (var i = 0; i < 3; i++) trainer.Step(x, y, 20);
        var trained = Parameters(model);
        trainer.BeginClassifierRetraining(new OptimizerSettings(), 42);

        var output = OutputOffset(Shape);
        var now = Parameters(model);
        Assert.Equal(trained[..output], now[..output]);
        Assert.Equal(Parameters(new Mlp(Shape, 42))[output..], now[output..]);
        Assert.All(model.Bias(Shape.LayerCount - 1).ToArray(), b => Assert.Equal(0f, b));
        Assert.Equal(3, trainer.Steps);
    }

    [Fact]
    public void Given_classifier_retraining_When_stepping_Then_the_gradient_is_the_full_gradients_output_layer_part_bit_for_bit()
    {
        var model = new Mlp(Shape, 3);
        var (x, y) = EngineTestSupport.RandomBatch(24, Shape.Inputs, Shape.Classes, 4);
        var trainer = new MlpTrainer(model, new OptimizerSettings(LearningRate: 0.01), 24);
        trainer.Step(x, y, 24);
        trainer.BeginClassifierRetraining(new OptimizerSettings(LearningRate: 0.01), 8);
        var full = new float[model.ParameterCount];
        trainer.LossAndGradient(x, y, 24, full);
        var rows = Enumerable.Range(0, 24).ToArray();
        var hidden = Parameters(model)[..OutputOffset(Shape)];

        trainer.StepOnRows(x, y, rows);
        var used = new float[model.ParameterCount];
        trainer.CopyLastGradient(used);

        var output = OutputOffset(Shape);
        Assert.Equal(full[output..], used[output..]);
        Assert.Contains(full[..output], g => g != 0);
        trainer.Publish();
        Assert.Equal(hidden, Parameters(model)[..output]);
    }

    [Fact]
    public void Given_cRT_When_trained_Then_the_observer_sees_every_epoch_numbered_on_with_the_update_only_in_the_output_layer()
    {
        var observer = new RecordingObserver();
        var batches = new BatchRecorder();
        // 90 rows, batch 16: 6 steps per epoch; the test sampler's epochs are 45 rows, 3 steps.
        var job = Job(6, observer, 2, new ClassifierRetraining(3, new BalancedTestSampler(), 1));
        var recorded = Job(6, batches, 2, new ClassifierRetraining(3, new BalancedTestSampler(), 1));
        Assert.Equal(5, job.TotalEpochs);
        LockstepTrainer.Train([job, recorded], 1, CancellationToken.None);

        Assert.Equal(new[] { 0, 6, 12, 15, 18, 21 }, observer.Checkpoints.Select(c => c.Step));
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, observer.Checkpoints.Select(c => c.Epoch));
        Assert.Equal(new[] { 0.0, 1, 2, 3, 4, 5 }, observer.Checkpoints.Select(c => c.EpochPosition));
        Assert.All(observer.Checkpoints, c => Assert.True(c.IsEpochEnd));

        var output = OutputOffset(Shape);
        foreach (var (step, _, update) in batches.Checkpoints.Where(c => c.Step > 12))
        {
            Assert.All(update[..output], u => Assert.Equal(0f, u));
            Assert.Contains(update[output..], u => u != 0);
        }
        var crtBatches = batches.Batches.Where(b => b.Epoch >= 2).ToArray();
        Assert.Equal(9, crtBatches.Length);
        Assert.Equal(Enumerable.Range(12, 9), crtBatches.Select(b => b.Step));
        Assert.Equal(new[] { 2, 2, 2, 3, 3, 3, 4, 4, 4 }, crtBatches.Select(b => b.Epoch));
        var sampler = new BalancedTestSampler();
        var counts = Enumerable.Range(0, 3).Select(c => job.Labels.Count(y => y == c)).ToArray();
        var order = new int[45];
        sampler.Fill(new SamplingFrame(job.Labels.AsSpan(0, 90), counts, 16, job.ShuffleSeed), 3, order);
        Assert.Equal(order, crtBatches.Where(b => b.Epoch == 3).SelectMany(b => b.Rows));
    }

    [Fact]
    public void Given_cRT_jobs_When_trained_with_1_or_2_threads_Then_parameters_are_bit_identical()
    {
        TrainingJob[] Make() => Enumerable.Range(0, 3)
            .Select(i => Job((ulong)i + 1, new RecordingObserver(), 2, new ClassifierRetraining(2 + i, new BalancedTestSampler(), 10UL + (ulong)i))).ToArray();
        var one = Make();
        var two = Make();
        LockstepTrainer.Train(one, 1, CancellationToken.None);
        LockstepTrainer.Train(two, 2, CancellationToken.None);
        for (var i = 0; i < 3; i++) Assert.Equal(EngineTestSupport.ParameterBytes(one[i].Model), EngineTestSupport.ParameterBytes(two[i].Model));
    }

    [Fact]
    public void Given_a_stopping_observer_When_it_stops_during_retraining_Then_the_job_ends_there()
    {
        var stopper = new StopAt(3);
        LockstepTrainer.Train([Job(2, stopper, 2, new ClassifierRetraining(4, new BalancedTestSampler(), 1))], 1, CancellationToken.None);
        Assert.Equal(new[] { 1, 2, 3 }, stopper.Asked);
        Assert.Equal(3, stopper.Checkpoints[^1].Epoch);
    }

    [Fact]
    public void Given_bad_retraining_settings_Then_they_are_named()
    {
        var job = Job(1, new RecordingObserver(), 2, new ClassifierRetraining(0, null!, 1));
        var e = Assert.Throws<ArgumentException>(() => LockstepTrainer.Train([job], 1, CancellationToken.None));
        Assert.Contains("ClassifierRetraining.Epochs is 0", e.Message);
        Assert.Contains("ClassifierRetraining.Sampler is null", e.Message);
    }

    private sealed class StopAt(int epochs) : ITrainingObserver, IStoppingObserver
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
}
