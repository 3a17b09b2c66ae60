using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

public sealed class BatchMixingTests
{
    private static readonly MlpShape Shape = new(5, [6, 4], 3, Activation.Tanh);

    private static TrainingJob Job(ulong seed, ITrainingObserver observer, BatchMixing? mixing, int rows = 90, int epochs = 3, int batch = 16)
    {
        var (x, y) = EngineTestSupport.RandomBatch(rows, Shape.Inputs, Shape.Classes, seed + 1000);
        return new TrainingJob(new Mlp(Shape, seed), x, y, rows, new OptimizerSettings(), epochs, batch, seed + 7, 1, observer) { Mixing = mixing };
    }

    [Fact]
    public void Given_a_seed_and_a_step_When_drawing_Then_lambda_and_the_partners_come_from_the_seeds_mix_stream_of_that_step()
    {
        var counts = new[] { 5, 3, 2 };
        var labels = new[] { 0, 0, 0, 0, 0, 1, 1, 1, 2, 2 };
        var batch = new[] { 9, 2, 5, 7, 0, 3 };
        var mixer = new BatchMixer(new BatchMixing(MixingKind.Mixup, Alpha: 0.4), 123, counts);
        foreach (var step in new[] { 0, 1, 17 })
        {
            mixer.Draw(step, batch, labels);
            var rng = new Rng(Rng.Derive(123, "mix", step));
            var lambda = rng.NextBeta(0.4, 0.4);
            var permutation = Enumerable.Range(0, batch.Length).ToArray();
            rng.Shuffle(permutation.AsSpan());
            Assert.Equal(lambda, mixer.Lambda);
            Assert.Equal(permutation.Select(i => batch[i]), mixer.Partners.ToArray());
            Assert.All(mixer.Shares.ToArray(), s => Assert.Equal((float)lambda, s));
        }
        mixer.Draw(3, batch.AsSpan(0, 2), labels);
        Assert.Equal(2, mixer.Partners.Length);
        Assert.Equal(batch[..2].Order(), mixer.Partners.ToArray().Order());
    }

    /// <summary>Remix (Chou et al. 2020), kappa 3, tau 0.5, class counts 90 / 10 / 30; shares hand-computed from the definition.</summary>
    [Theory]
    [InlineData(0, 1, 0.3, 0.0)]   // 90/10 = 9 >= 3 and lambda < tau: the label goes to the minority partner
    [InlineData(0, 1, 0.7, 0.7)]   // lambda >= tau: mixup label
    [InlineData(1, 0, 0.8, 1.0)]   // 10/90 <= 1/3 and 1 - lambda = 0.2 < tau: the minority row keeps its label
    [InlineData(1, 0, 0.4, 0.4)]   // 1 - lambda = 0.6 >= tau: mixup label
    [InlineData(0, 2, 0.2, 0.0)]   // ratio exactly kappa counts
    [InlineData(2, 0, 0.9, 1.0)]   // ratio exactly 1/kappa counts
    [InlineData(2, 1, 0.45, 0.0)]  // 30/10 = 3
    [InlineData(1, 2, 0.45, 0.45)] // 10/30 <= 1/3 but 1 - lambda = 0.55 >= tau
    [InlineData(1, 1, 0.1, 0.1)]   // same class
    public void Given_remix_When_a_pair_is_imbalanced_Then_the_share_follows_the_paper(int own, int partner, double lambda, double expected)
    {
        var counts = new[] { 90, 10, 30 };
        Assert.Equal(expected, BatchMixer.Share(new BatchMixing(MixingKind.Remix), counts, lambda, own, partner));
        Assert.Equal(lambda, BatchMixer.Share(new BatchMixing(MixingKind.Mixup), counts, lambda, own, partner));
    }

    /// <summary>
    /// The mixed step's gradient against float64 central finite differences of the mixed loss through the whole network:
    /// mean over rows of share_r CE(f(x~_r), y_r) + (1 - share_r) CE(f(x~_r), y_j(r)), x~ = lambda x_r + (1 - lambda) x_j(r).
    /// </summary>
    [Theory]
    [InlineData(MixingKind.Mixup)]
    [InlineData(MixingKind.Remix)]
    public void Given_a_mixed_batch_When_stepping_Then_loss_and_gradient_match_finite_differences_of_the_mixed_loss(MixingKind kind)
    {
        const int Rows = 7;
        var model = new Mlp(Shape, 5);
        var (x, _) = EngineTestSupport.RandomBatch(Rows, Shape.Inputs, Shape.Classes, 31);
        var y = new[] { 0, 0, 0, 0, 0, 1, 2 };
        var counts = new[] { 50, 5, 10 };
        var batch = Enumerable.Range(0, Rows).ToArray();
        var mixer = new BatchMixer(new BatchMixing(kind, Alpha: 0.5, Tau: 0.6), 9, counts);
        mixer.Draw(4, batch, y);
        var lambda = mixer.Lambda;
        var partners = mixer.Partners.ToArray();
        var shares = mixer.Shares.ToArray();
        if (kind == MixingKind.Remix) Assert.Contains(shares, s => s != (float)lambda);

        var reference = ReferenceMlp.From(model);
        var mixedX = new float[Rows * Shape.Inputs];
        for (var r = 0; r < Rows; r++)
            for (var k = 0; k < Shape.Inputs; k++)
                mixedX[r * Shape.Inputs + k] = (float)(lambda * x[r * Shape.Inputs + k] + (1 - lambda) * x[partners[r] * Shape.Inputs + k]);
        var expectedLoss = 0.0;
        var numeric = new double[model.ParameterCount];
        for (var r = 0; r < Rows; r++)
        {
            var row = mixedX.AsSpan(r * Shape.Inputs, Shape.Inputs);
            foreach (var (label, weight) in new[] { (y[r], (double)shares[r]), (y[partners[r]], 1 - (double)shares[r]) })
            {
                expectedLoss += weight * reference.Loss(row, [label], 1) / Rows;
                var g = reference.FiniteDifferenceGradient(row, [label], 1);
                for (var i = 0; i < g.Length; i++) numeric[i] += weight * g[i] / Rows;
            }
        }

        var trainer = new MlpTrainer(model, new OptimizerSettings(), Rows);
        var loss = trainer.StepOnMixedRows(x, y, batch, partners, lambda, shares, 0);
        var gradient = new float[model.ParameterCount];
        trainer.CopyLastGradient(gradient);

        EngineTestSupport.AssertClose(expectedLoss, loss, 1e-6, 1e-7, "mixed loss");
        EngineTestSupport.AssertAllClose(numeric, gradient.Select(v => (double)v).ToArray(), 1e-4, 1e-6, "mixed gradient");
    }

    [Fact]
    public void Given_a_mixup_job_When_trained_Then_it_equals_stepping_by_hand_with_the_mixers_draw_of_each_step()
    {
        var mixing = new BatchMixing(MixingKind.Remix, Alpha: 1, Kappa: 1.5);
        var job = Job(3, new RecordingObserver(), mixing, rows: 70, epochs: 2, batch: 16);
        var byHand = new Mlp(Shape, 3);
        LockstepTrainer.Train([job], 1, CancellationToken.None);

        var counts = new int[Shape.Classes];
        foreach (var label in job.Labels) counts[label]++;
        var mixer = new BatchMixer(mixing, job.ShuffleSeed, counts);
        var trainer = new MlpTrainer(byHand, job.Optimizer, 16);
        var step = 0;
        for (var epoch = 0; epoch < 2; epoch++)
        {
            var order = Enumerable.Range(0, 70).ToArray();
            new Rng(Rng.Derive(job.ShuffleSeed, "shuffle", epoch)).Shuffle(order.AsSpan());
            for (var start = 0; start < 70; start += 16)
            {
                var batch = order.AsSpan(start, Math.Min(16, 70 - start));
                mixer.Draw(step++, batch, job.Labels);
                trainer.StepOnMixedRows(job.Features, job.Labels, batch, mixer.Partners, mixer.Lambda, mixer.Shares, epoch);
            }
        }
        trainer.Publish();
        Assert.Equal(EngineTestSupport.ParameterBytes(byHand), EngineTestSupport.ParameterBytes(job.Model));
    }

    [Theory]
    [InlineData(MixingKind.Mixup)]
    [InlineData(MixingKind.Remix)]
    public void Given_mixing_jobs_When_trained_with_1_or_2_threads_Then_parameters_are_bit_identical_and_differ_from_plain_training(MixingKind kind)
    {
        var mixing = new BatchMixing(kind, Alpha: 0.2, Kappa: 1.2);
        TrainingJob[] Make() => [Job(1, new RecordingObserver(), mixing), Job(2, new RecordingObserver(), mixing), Job(3, new RecordingObserver(), mixing)];
        var one = Make();
        var two = Make();
        LockstepTrainer.Train(one, 1, CancellationToken.None);
        LockstepTrainer.Train(two, 2, CancellationToken.None);
        for (var i = 0; i < 3; i++) Assert.Equal(EngineTestSupport.ParameterBytes(one[i].Model), EngineTestSupport.ParameterBytes(two[i].Model));

        var plain = Job(1, new RecordingObserver(), null);
        LockstepTrainer.Train([plain], 1, CancellationToken.None);
        Assert.NotEqual(EngineTestSupport.ParameterBytes(plain.Model), EngineTestSupport.ParameterBytes(one[0].Model));
    }

    [Fact]
    public void Given_mixing_When_trained_Then_checkpoints_are_as_without_it_and_the_batch_observer_is_shown_no_mixed_rows()
    {
        var mixed = new BatchRecorder();
        var plain = new BatchRecorder();
        LockstepTrainer.Train([Job(4, mixed, new BatchMixing(MixingKind.Mixup)), Job(4, plain, null)], 1, CancellationToken.None);
        Assert.Empty(mixed.Batches);
        Assert.NotEmpty(plain.Batches);
        Assert.Equal(plain.Checkpoints.Select(c => c.Step), mixed.Checkpoints.Select(c => c.Step));
    }

    [Fact]
    public void Given_mixing_on_separable_blobs_When_training_Then_every_row_is_classified_right()
    {
        var (x, y) = EngineTestSupport.SeparableBlobs(200, 4, 5);
        var model = new Mlp(new MlpShape(4, [16], 2), 9);
        var job = new TrainingJob(model, x, y, 200, new OptimizerSettings(LearningRate: 0.01), 20, 16, 3, 1, new RecordingObserver())
        {
            Mixing = new BatchMixing(MixingKind.Mixup, Alpha: 1),
        };
        LockstepTrainer.Train([job], 1, CancellationToken.None);
        var logits = new float[400];
        model.Predict(x, 200, logits);
        for (var r = 0; r < 200; r++) Assert.Equal(y[r], logits[2 * r + 1] > logits[2 * r] ? 1 : 0);
    }

    [Fact]
    public void Given_bad_mixing_settings_When_training_Then_every_problem_is_named()
    {
        var job = Job(1, new RecordingObserver(), new BatchMixing((MixingKind)7, Alpha: 0, Kappa: 0.5, Tau: 2));
        var e = Assert.Throws<ArgumentException>(() => LockstepTrainer.Train([job], 1, CancellationToken.None));
        Assert.Contains("Mixing.Kind is 7", e.Message);
        Assert.Contains("Mixing.Alpha is 0", e.Message);
        Assert.Contains("Mixing.Kappa is 0.5", e.Message);
        Assert.Contains("Mixing.Tau is 2", e.Message);
        var both = Job(1, new RecordingObserver(), new BatchMixing(MixingKind.Mixup)) with { PerClassNormalised = true };
        Assert.Contains("Mixing and PerClassNormalised cannot be combined", Assert.Throws<ArgumentException>(() => LockstepTrainer.Train([both], 1, CancellationToken.None)).Message);
    }
}
