using ImbLab.Engine;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Engine;

/// <summary>Records every batch (rows, logits, step, epoch) and, at checkpoints, the parameters and LastUpdate.</summary>
internal sealed class BatchRecorder : ITrainingObserver, IBatchObserver
{
    public List<(int Step, int Epoch, int[] Rows, float[] Logits)> Batches { get; } = [];
    public List<(int Step, float[] Parameters, float[] LastUpdate)> Checkpoints { get; } = [];

    public void OnBatch(in BatchView batch) => Batches.Add((batch.Step, batch.Epoch, batch.Rows.ToArray(), batch.Logits.ToArray()));

    public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
    {
        var p = new float[model.ParameterCount];
        model.CopyParameters(p);
        Checkpoints.Add((checkpoint.Step, p, model.LastUpdate.ToArray()));
    }
}

public sealed class TrainingProbeTests
{
    private static readonly MlpShape Shape = new(6, [12, 9], 3);

    private static TrainingJob Job(ITrainingObserver observer, OptimizerSettings optimizer, int rows = 100, int epochs = 3, int batch = 8) =>
        Job(observer, optimizer, rows, epochs, batch, new Mlp(Shape, 5));

    private static TrainingJob Job(ITrainingObserver observer, OptimizerSettings optimizer, int rows, int epochs, int batch, Mlp model)
    {
        var (x, y) = EngineTestSupport.RandomBatch(rows, Shape.Inputs, Shape.Classes, 77);
        return new TrainingJob(model, x, y, rows, optimizer, epochs, batch, 9, 2, observer);
    }

    public static TheoryData<int> Optimizers() => [0, 1];

    private static OptimizerSettings Optimizer(int kind) =>
        kind == 0 ? new OptimizerSettings(LearningRate: 0.01) : new OptimizerSettings(OptimizerKind.Sgd, 0.05, WeightDecay: 1e-3);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Given_a_batch_observer_When_training_Then_every_batch_logits_equal_Predict_with_the_parameters_before_its_update(int kind)
    {
        var recorder = new BatchRecorder();
        var job = Job(recorder, Optimizer(kind));
        LockstepTrainer.Train([job], 1, CancellationToken.None);

        // Replay the same batches on a fresh copy of the model: before each step, Predict must give the recorded logits.
        var replica = new Mlp(Shape, 5);
        var trainer = new MlpTrainer(replica, Optimizer(kind), 8);
        var expectedStep = 0;
        foreach (var (step, epoch, rows, logits) in recorder.Batches)
        {
            Assert.Equal(expectedStep++, step);
            Assert.Equal(step / 13, epoch);
            var x = rows.SelectMany(r => job.Features.Skip(r * 6).Take(6)).ToArray();
            var predicted = new float[rows.Length * 3];
            trainer.Publish();
            replica.Predict(x, rows.Length, predicted);
            for (var i = 0; i < predicted.Length; i++) EngineTestSupport.AssertClose(predicted[i], logits[i], 1e-6, 1e-7, $"step {step} logits[{i}]");
            trainer.StepOnRows(job.Features, job.Labels, rows);
        }
        Assert.Equal(39, recorder.Batches.Count);
        trainer.Publish();
        Assert.Equal(EngineTestSupport.ParameterBytes(job.Model), EngineTestSupport.ParameterBytes(replica));
    }

    [Fact]
    public void Given_a_batch_observer_When_training_Then_each_epoch_presents_every_row_exactly_once_with_a_partial_last_batch()
    {
        var recorder = new BatchRecorder();
        LockstepTrainer.Train([Job(recorder, new OptimizerSettings(), rows: 100, epochs: 4, batch: 8)], 1, CancellationToken.None);
        for (var epoch = 0; epoch < 4; epoch++)
        {
            var batches = recorder.Batches.Where(b => b.Epoch == epoch).ToList();
            Assert.Equal(13, batches.Count);
            Assert.Equal(4, batches[^1].Rows.Length);
            Assert.Equal(Enumerable.Range(0, 100), batches.SelectMany(b => b.Rows).Order());
            Assert.All(batches, b => Assert.Equal(b.Rows.Length * 3, b.Logits.Length));
        }
        Assert.NotEqual(recorder.Batches[0].Rows, recorder.Batches[13].Rows);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Given_a_job_When_checkpoints_are_observed_Then_LastUpdate_is_the_parameter_change_of_the_step_before(int kind)
    {
        var recorder = new BatchRecorder();
        var job = Job(recorder, Optimizer(kind));
        LockstepTrainer.Train([job], 1, CancellationToken.None);

        // Parameters after every step, from a replay of the recorded batches.
        var replica = new Mlp(Shape, 5);
        var trainer = new MlpTrainer(replica, Optimizer(kind), 8);
        var states = new List<float[]> { Copy(replica) };
        foreach (var b in recorder.Batches)
        {
            trainer.StepOnRows(job.Features, job.Labels, b.Rows);
            trainer.Publish();
            states.Add(Copy(replica));
        }
        Assert.Empty(recorder.Checkpoints[0].LastUpdate);
        Assert.Equal(new[] { 0, 1, 2, 4, 8, 13, 16, 26, 39 }, recorder.Checkpoints.Select(c => c.Step));
        foreach (var (step, parameters, update) in recorder.Checkpoints.Skip(1))
        {
            Assert.Equal(states[step], parameters);
            var expected = states[step].Zip(states[step - 1], (a, b) => (double)(a - b)).ToArray();
            Assert.Contains(expected, v => v != 0);
            EngineTestSupport.AssertAllClose(expected, update.Select(v => (double)v).ToArray(), 1e-6, 1e-9, $"step {step} update");
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Given_a_trainer_When_stepping_Then_LastUpdate_is_the_difference_across_the_step(int kind)
    {
        var model = new Mlp(Shape, 8);
        var (x, y) = EngineTestSupport.RandomBatch(10, 6, 3, 3);
        var trainer = new MlpTrainer(model, Optimizer(kind));
        Assert.Empty(model.LastUpdate.ToArray());
        for (var step = 0; step < 3; step++)
        {
            var before = Copy(model);
            trainer.Step(x, y, 10);
            var after = Copy(model);
            var expected = after.Zip(before, (a, b) => (double)(a - b)).ToArray();
            EngineTestSupport.AssertAllClose(expected, model.LastUpdate.ToArray().Select(v => (double)v).ToArray(), 1e-6, 1e-9, $"step {step}");
        }
    }

    [Fact]
    public void Given_a_trained_model_When_it_starts_a_new_job_Then_step_0_has_no_LastUpdate()
    {
        var model = new Mlp(Shape, 5);
        LockstepTrainer.Train([Job(new BatchRecorder(), new OptimizerSettings(), 100, 1, 8, model)], 1, CancellationToken.None);
        Assert.NotEmpty(model.LastUpdate.ToArray());
        var again = new BatchRecorder();
        LockstepTrainer.Train([Job(again, new OptimizerSettings(), 100, 0, 8, model)], 1, CancellationToken.None);
        Assert.Empty(again.Checkpoints[0].LastUpdate);
    }

    [Fact]
    public void Given_a_warm_trainer_with_a_batch_observer_When_stepping_Then_nothing_is_allocated()
    {
        var (x, y) = EngineTestSupport.RandomBatch(100, 8, 2, 4);
        var trainer = new MlpTrainer(new Mlp(new MlpShape(8, [64, 64, 64], 2), 1), new OptimizerSettings(), 32);
        var observer = new TrueClassProbability(y);
        var rows = Enumerable.Range(0, 32).ToArray();
        trainer.StepOnRows(x, y, rows, observer, 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++) trainer.StepOnRows(x, y, rows.AsSpan(0, 32 - i % 5), observer, 0);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.InRange(observer.Sum, 0.1, 32 * 21);
    }

    private sealed class TrueClassProbability(int[] labels) : IBatchObserver
    {
        public double Sum { get; private set; }

        public void OnBatch(in BatchView batch)
        {
            for (var r = 0; r < batch.Rows.Length; r++)
            {
                var z = batch.Logits.Slice(r * 2, 2);
                Sum += 1 / (1 + Math.Exp(z[1 - labels[batch.Rows[r]]] - z[labels[batch.Rows[r]]]));
            }
        }
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 0)]
    [InlineData(true, 2)]
    public void Given_a_model_When_predicting_with_hidden_Then_logits_equal_Predict_and_each_layer_matches_float64(bool relu, int path)
    {
        var shape = new MlpShape(5, [16, 9, 7], 3, relu ? Activation.Relu : Activation.Tanh);
        var model = new Mlp(shape, 12) { KernelPath = (KernelPath)path };
        var (x, _) = EngineTestSupport.RandomBatch(150, 5, 3, 2);
        var logits = new float[450];
        var hidden = shape.Hidden.Select(h => new float[150 * h + 3]).ToArray();
        model.PredictWithHidden(x, 150, logits, hidden);
        var plain = new float[450];
        model.Predict(x, 150, plain);
        Assert.Equal(plain, logits);
        var reference = ReferenceMlp.From(model);
        for (var l = 0; l < 3; l++)
        {
            var expected = reference.Hidden(x, 150, l);
            EngineTestSupport.AssertAllClose(expected, hidden[l].Take(expected.Length).Select(v => (double)v).ToArray(), 1e-5, 1e-6, $"layer {l}");
            Assert.All(hidden[l][expected.Length..], v => Assert.Equal(0f, v));
        }
        Assert.Contains("hidden[1] has room for 8", Assert.Throws<ArgumentException>(() => model.PredictWithHidden(x, 1, logits, [new float[16], new float[8], new float[7]])).Message);
    }

    private static float[] Copy(Mlp model)
    {
        var p = new float[model.ParameterCount];
        model.CopyParameters(p);
        return p;
    }
}
