using System.Text.Json;
using ImbLab.Core.Specs;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>PCNGD (Francazi et al. 2023): steps along sum_c g_c / ||g_c|| (fixtures from tools/reference/pcngd_goldens.py, torch float64).</summary>
public sealed unsafe class PerClassNormalisedTests
{
    private sealed record LayerParams(double[] Weight, double[] Bias);
    private sealed record OptimizerCase(string Name, Dictionary<string, JsonElement> Settings, int Steps, LayerParams[] Parameters);
    private sealed record GoldenCase(string Name, int[] Sizes, string Activation, int Rows, LayerParams[] Parameters, float[] X, int[] Y,
        double?[] ClassNorms, LayerParams[] Direction, OptimizerCase[] Optimizers);

    private static readonly JsonSerializerOptions JsonOptions =
        new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "tanh_5_7_6_4", "relu_6_8_3" })
            for (var path = 0; path < 3; path++) data.Add(name, path);
        return data;
    }

    private static GoldenCase Load(string name) =>
        JsonSerializer.Deserialize<GoldenCase>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Engine", $"pcngd_{name}.json")), JsonOptions)!;

    private static double[] Flatten(LayerParams[] layers) => layers.SelectMany(l => l.Weight.Concat(l.Bias)).ToArray();

    private static Mlp ModelOf(GoldenCase g, int path)
    {
        var shape = new MlpShape(g.Sizes[0], g.Sizes[1..^1], g.Sizes[^1], g.Activation == "relu" ? Activation.Relu : Activation.Tanh);
        var model = new Mlp(shape, 0) { KernelPath = (KernelPath)path };
        model.SetParameters(Flatten(g.Parameters).Select(v => (float)v).ToArray());
        return model;
    }

    private static OptimizerSettings SettingsOf(OptimizerCase o)
    {
        var s = o.Settings;
        return s["kind"].GetString() == "Adam"
            ? new OptimizerSettings(OptimizerKind.Adam, s["lr"].GetDouble(), s["beta1"].GetDouble(), s["beta2"].GetDouble(), s["eps"].GetDouble(),
                WeightDecay: s["weight_decay"].GetDouble())
            : new OptimizerSettings(OptimizerKind.Sgd, s["lr"].GetDouble(), Momentum: s["momentum"].GetDouble(), WeightDecay: s["weight_decay"].GetDouble());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_torch_weights_and_a_batch_missing_a_class_When_computing_the_direction_Then_it_matches_torch(string name, int path)
    {
        var g = Load(name);
        var model = ModelOf(g, path);
        var direction = new float[model.ParameterCount];
        new MlpTrainer(model, new OptimizerSettings(), g.Rows).PerClassNormalisedDirection(g.X, g.Y, g.Rows, direction);
        EngineTestSupport.AssertAllClose(Flatten(g.Direction), direction.Select(v => (double)v).ToArray(), 1e-5, 1e-6, $"{name} direction");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_torch_weights_When_taking_three_PCNGD_steps_Then_the_parameters_match_torchs_optimizer_fed_the_direction(string name, int path)
    {
        var g = Load(name);
        var rows = Enumerable.Range(0, g.Rows).ToArray();
        foreach (var o in g.Optimizers)
        {
            var model = ModelOf(g, path);
            var trainer = new MlpTrainer(model, SettingsOf(o), g.Rows);
            for (var step = 0; step < o.Steps; step++) trainer.StepOnRowsPerClassNormalised(g.X, g.Y, rows, null, 0);
            trainer.Publish();
            var after = new float[model.ParameterCount];
            model.CopyParameters(after);
            EngineTestSupport.AssertAllClose(Flatten(o.Parameters), after.Select(v => (double)v).ToArray(), 1e-5, 2e-6, $"{name} {o.Name} parameters");
        }
    }

    /// <summary>
    /// The direction from float64 central finite differences: g_c of the mean loss over class c's rows through the whole network,
    /// normalised and summed over the classes present; a batch of one class gives a unit vector.
    /// </summary>
    [Fact]
    public void Given_a_batch_When_computing_the_direction_Then_it_is_the_sum_of_unit_finite_difference_class_gradients()
    {
        var shape = new MlpShape(4, [5, 6], 4, Activation.Tanh);
        var model = new Mlp(shape, 12);
        var (x, _) = EngineTestSupport.RandomBatch(8, 4, 4, 13);
        var y = new[] { 2, 0, 2, 2, 1, 0, 2, 2 };
        var reference = ReferenceMlp.From(model);
        var expected = new double[model.ParameterCount];
        foreach (var c in y.Distinct())
        {
            var members = Enumerable.Range(0, 8).Where(r => y[r] == c).ToArray();
            var xc = members.SelectMany(r => x.AsSpan(r * 4, 4).ToArray()).ToArray();
            var gc = reference.FiniteDifferenceGradient(xc, members.Select(_ => c).ToArray(), members.Length);
            var norm = Math.Sqrt(gc.Sum(v => v * v));
            for (var i = 0; i < gc.Length; i++) expected[i] += gc[i] / norm;
        }
        var direction = new float[model.ParameterCount];
        var trainer = new MlpTrainer(model, new OptimizerSettings());
        var loss = trainer.PerClassNormalisedDirection(x, y, 8, direction);
        EngineTestSupport.AssertClose(reference.Loss(x, y, 8), loss, 1e-6, 1e-7, "batch mean loss");
        EngineTestSupport.AssertAllClose(expected, direction.Select(v => (double)v).ToArray(), 1e-4, 1e-6, "direction");

        var single = new float[model.ParameterCount];
        trainer.PerClassNormalisedDirection(x, Enumerable.Repeat(1, 8).ToArray(), 8, single);
        Assert.Equal(1.0, Math.Sqrt(single.Sum(v => (double)v * v)), 5);
    }

    /// <summary>The step is the configured optimizer applied to the direction in place of the gradient, bit for bit.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Given_an_optimizer_When_taking_a_PCNGD_step_Then_it_equals_that_optimizer_stepping_on_the_direction(int kind)
    {
        var settings = kind == 0 ? new OptimizerSettings(LearningRate: 0.01, WeightDecay: 0.01) : new OptimizerSettings(OptimizerKind.Sgd, 0.05, WeightDecay: 0.01);
        var shape = new MlpShape(6, [12, 9], 3);
        var (x, y) = EngineTestSupport.RandomBatch(30, 6, 3, 5);
        var rows = Enumerable.Range(0, 30).ToArray();
        var stepped = new Mlp(shape, 4);
        var probe = new Mlp(shape, 4);
        var steps = new MlpTrainer(stepped, settings, 30);
        var directions = new MlpTrainer(probe, settings, 30);
        var layout = new Layout(shape);
        var optimizer = settings.Create(layout.PaddedLength);
        var parameters = new AlignedBuffer(layout.PaddedLength);
        var gradient = new AlignedBuffer(layout.PaddedLength);
        var current = new float[probe.ParameterCount];
        probe.CopyParameters(current);
        layout.Pack(current, parameters.Span);
        for (var step = 0; step < 3; step++)
        {
            var direction = new float[probe.ParameterCount];
            directions.PerClassNormalisedDirection(x, y, 30, direction);
            layout.Pack(direction, gradient.Span);
            optimizer.Step(Kernels.Resolve(KernelPath.Intrinsics), parameters.Pointer, gradient.Pointer);
            layout.Unpack(parameters.Span, current);
            probe.SetParameters(current);
            steps.StepOnRowsPerClassNormalised(x, y, rows, null, 0);
        }
        steps.Publish();
        Assert.Equal(EngineTestSupport.ParameterBytes(probe), EngineTestSupport.ParameterBytes(stepped));
    }

    [Fact]
    public void Given_PCNGD_jobs_When_trained_with_1_or_2_threads_Then_parameters_are_bit_identical_and_the_batch_observer_sees_the_plain_logits()
    {
        var shape = new MlpShape(6, [12, 9], 3);
        TrainingJob Make(ulong seed, ITrainingObserver observer, bool pcngd = true)
        {
            var (x, y) = EngineTestSupport.RandomBatch(90, 6, 3, seed + 1000);
            return new TrainingJob(new Mlp(shape, seed), x, y, 90, new OptimizerSettings(LearningRate: 0.01), 3, 16, seed + 7, 1, observer) { PerClassNormalised = pcngd };
        }
        var recorders = new[] { new BatchRecorder(), new BatchRecorder() };
        var one = new[] { Make(1, recorders[0]), Make(2, new RecordingObserver()), Make(3, new RecordingObserver()) };
        var two = new[] { Make(1, recorders[1]), Make(2, new RecordingObserver()), Make(3, new RecordingObserver()) };
        LockstepTrainer.Train(one, 1, CancellationToken.None);
        LockstepTrainer.Train(two, 2, CancellationToken.None);
        for (var i = 0; i < 3; i++) Assert.Equal(EngineTestSupport.ParameterBytes(one[i].Model), EngineTestSupport.ParameterBytes(two[i].Model));
        Assert.Equal(recorders[0].Batches.SelectMany(b => b.Logits), recorders[1].Batches.SelectMany(b => b.Logits));

        var plain = Make(1, new RecordingObserver(), pcngd: false);
        LockstepTrainer.Train([plain], 1, CancellationToken.None);
        Assert.NotEqual(EngineTestSupport.ParameterBytes(plain.Model), EngineTestSupport.ParameterBytes(one[0].Model));

        // Each shown batch: its rows in batch order, with the logits a forward pass at the step's parameters gives them.
        var replay = Make(1, new RecordingObserver());
        var trainer = new MlpTrainer(replay.Model, replay.Optimizer, 16);
        var logits = new float[16 * 3];
        foreach (var (step, _, batchRows, shown) in recorders[0].Batches.Take(12))
        {
            Assert.Equal(step, trainer.Steps);
            trainer.Publish();
            var features = batchRows.SelectMany(r => replay.Features.AsSpan(r * 6, 6).ToArray()).ToArray();
            replay.Model.Predict(features, batchRows.Length, logits);
            EngineTestSupport.AssertAllClose(logits.Take(batchRows.Length * 3).Select(v => (double)v).ToArray(), shown.Select(v => (double)v).ToArray(), 1e-5, 1e-6, $"step {step} logits");
            trainer.StepOnRowsPerClassNormalised(replay.Features, replay.Labels, batchRows, null, 0);
        }
    }

    /// <summary>
    /// PCNGD keeps stepping a class at unit length while its loss underflows (a 1% minority set: the majority's cross-entropy
    /// reaches exactly 0 in double within two epochs), so its gradient becomes subnormal floats whose 1/norm exceeds float.
    /// </summary>
    [Fact]
    public void Given_a_majority_whose_loss_underflows_When_training_with_PCNGD_Then_the_job_does_not_diverge()
    {
        var rng = new ImbLab.Core.Rng(5);
        const int Rows = 3339;
        var y = new int[Rows];
        for (var i = 0; i < 33; i++) y[i] = 1;
        rng.Shuffle(y.AsSpan());
        var x = new float[Rows * 8];
        for (var i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        var observer = new DivergenceRecorder();
        var job = new TrainingJob(new Mlp(new MlpShape(8, [64, 64, 64], 2), 1), x, y, Rows, new OptimizerSettings(), 2, 32, 3, 0, observer) { PerClassNormalised = true };
        LockstepTrainer.Train([job], 1, CancellationToken.None);
        Assert.Empty(observer.Divergences);
        Assert.Equal(new[] { 0, 1, 2 }, observer.Epochs);
    }

    [Fact]
    public void Given_a_gradient_of_subnormal_floats_When_adding_its_unit_vector_Then_the_sum_is_finite_and_of_unit_length()
    {
        var g = new float[21];
        for (var i = 0; i < g.Length; i += 2) g[i] = 1e-40f;
        var sum = new float[21];
        MlpTrainer.AddUnit(sum, g);
        for (var i = 0; i < sum.Length; i++) Assert.Equal(i % 2 == 0 ? 1 / Math.Sqrt(11) : 0, sum[i], 3);
        var zero = new float[21];
        MlpTrainer.AddUnit(zero, new float[21]);
        Assert.All(zero, v => Assert.Equal(0f, v));
    }

    private sealed class DivergenceRecorder : ITrainingObserver, IDivergenceObserver
    {
        public List<int> Epochs { get; } = [];
        public List<(int Step, double Loss)> Divergences { get; } = [];

        public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
        {
            if (checkpoint.IsEpochEnd) Epochs.Add(checkpoint.Epoch);
        }

        public void OnDiverged(int step, int epoch, double loss) => Divergences.Add((step, loss));
    }
}
