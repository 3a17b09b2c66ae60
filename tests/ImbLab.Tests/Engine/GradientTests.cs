using CsCheck;
using ImbLab.Engine;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Engine;

public sealed class GradientTests
{
    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    public void Given_a_tiny_net_When_comparing_with_float64_finite_differences_Then_the_gradient_agrees(bool relu, int path)
    {
        var activation = relu ? Activation.Relu : Activation.Tanh;
        var shape = new MlpShape(5, [6, 4], 3, activation);
        var model = new Mlp(shape, 7) { KernelPath = (KernelPath)path };
        var bias = model.Bias(0);
        for (var i = 0; i < bias.Length; i++) bias[i] = 0.1f * (i % 3) - 0.1f;
        var (x, y) = EngineTestSupport.RandomBatch(7, 5, 3, 99);
        var reference = ReferenceMlp.From(model);
        // The finite-difference step moves pre-activations by ~1e-6; a margin far above that keeps every relu off its kink.
        if (activation == Activation.Relu) Assert.True(reference.KinkMargin(x, 7) > 1e-3, "fixture must stay clear of relu kinks");

        var numeric = reference.FiniteDifferenceGradient(x, y, 7);
        var gradient = new float[model.ParameterCount];
        var loss = new MlpTrainer(model, new OptimizerSettings()).LossAndGradient(x, y, 7, gradient);

        EngineTestSupport.AssertClose(reference.Loss(x, y, 7), loss, 1e-6, 1e-7, "loss");
        var norm = Math.Sqrt(numeric.Sum(v => v * v));
        var error = Math.Sqrt(numeric.Zip(gradient, (n, g) => (n - g) * (n - g)).Sum());
        Assert.True(error / norm < 1e-5, $"relative gradient error {error / norm:E3}");
        EngineTestSupport.AssertAllClose(numeric, gradient.Select(v => (double)v).ToArray(), 1e-4, 1e-6, "gradient");
    }

    [Fact]
    public void Given_random_shapes_and_batches_When_computing_the_gradient_Then_it_matches_float64_backprop_on_every_kernel_path()
    {
        var gen =
            from inputs in Gen.Int[1, 19]
            from hidden in Gen.Int[1, 40].Array[0, 3]
            from classes in Gen.Int[2, 5]
            from rows in Gen.Int[1, 37]
            from activation in Gen.Enum<Activation>()
            from seed in Gen.ULong
            select (inputs, hidden, classes, rows, activation, seed);
        gen.Sample(c =>
        {
            var shape = new MlpShape(c.inputs, c.hidden, c.classes, c.activation);
            var (x, y) = EngineTestSupport.RandomBatch(c.rows, c.inputs, c.classes, c.seed);
            foreach (var path in Enum.GetValues<KernelPath>())
            {
                var model = new Mlp(shape, c.seed) { KernelPath = path };
                var reference = ReferenceMlp.From(model);
                var gradient = new float[model.ParameterCount];
                var loss = new MlpTrainer(model, new OptimizerSettings(), 4).LossAndGradient(x, y, c.rows, gradient);
                var expected = reference.Gradient(x, y, c.rows);
                EngineTestSupport.AssertClose(reference.Loss(x, y, c.rows), loss, 1e-5, 1e-6, $"{shape} loss");
                var scale = expected.Max(Math.Abs);
                for (var i = 0; i < expected.Length; i++)
                    EngineTestSupport.AssertClose(expected[i], gradient[i], 1e-4, 1e-5 * scale + 1e-7, $"{shape} rows {c.rows} path {path} gradient[{i}]");

                var logits = new float[c.rows * c.classes];
                model.Predict(x, c.rows, logits);
                var refLogits = reference.Logits(x, c.rows);
                for (var i = 0; i < logits.Length; i++) EngineTestSupport.AssertClose(refLogits[i], logits[i], 1e-5, 1e-5, $"{shape} logits[{i}]");
            }
        }, iter: 60);
    }

    [Fact]
    public void Given_more_rows_than_one_chunk_When_predicting_Then_every_row_equals_its_prediction_alone_bit_for_bit()
    {
        var model = new Mlp(new MlpShape(3, [10], 2), 5);
        var (x, _) = EngineTestSupport.RandomBatch(203, 3, 2, 1);
        var all = new float[203 * 2];
        model.Predict(x, 203, all);
        var one = new float[2];
        for (var r = 0; r < 203; r += 17)
        {
            model.Predict(x.AsSpan(r * 3, 3), 1, one);
            Assert.Equal(all[r * 2], one[0]);
            Assert.Equal(all[r * 2 + 1], one[1]);
        }
    }
}

public sealed class InitializationTests
{
    [Fact]
    public void Given_a_seed_When_creating_a_model_Then_weights_are_glorot_uniform_and_biases_zero()
    {
        var model = new Mlp(new MlpShape(8, [64, 64, 64], 2), 42);
        for (var l = 0; l < model.LayerCount; l++)
        {
            int fanIn = model.Shape.LayerInputs(l), fanOut = model.Shape.LayerOutputs(l);
            var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
            var w = model.Weights(l).ToArray();
            Assert.Equal(fanIn * fanOut, w.Length);
            Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, bound));
            // A uniform variable on (-a, a) has variance a^2 / 3; a wrong bound shows up here.
            var variance = w.Select(v => (double)v * v).Average();
            Assert.InRange(variance, bound * bound / 3 * 0.7, bound * bound / 3 * 1.3);
            Assert.True(w.Max() > 0.8 * bound && w.Min() < -0.8 * bound, $"layer {l} does not span its range");
            Assert.All(model.Bias(l).ToArray(), b => Assert.Equal(0f, b));
        }
    }

    [Fact]
    public void Given_the_same_seed_When_creating_models_Then_parameters_are_identical_and_another_seed_differs()
    {
        var shape = new MlpShape(4, [5], 3);
        Assert.Equal(EngineTestSupport.ParameterBytes(new Mlp(shape, 1)), EngineTestSupport.ParameterBytes(new Mlp(shape, 1)));
        Assert.NotEqual(EngineTestSupport.ParameterBytes(new Mlp(shape, 1)), EngineTestSupport.ParameterBytes(new Mlp(shape, 2)));
    }

    [Fact]
    public void Given_an_invalid_shape_When_creating_a_model_Then_every_problem_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new Mlp(new MlpShape(0, [3, -1], 1), 0));
        Assert.Contains("Inputs is 0", e.Message);
        Assert.Contains("Hidden[1] is -1", e.Message);
        Assert.Contains("Classes is 1", e.Message);
    }

    [Fact]
    public void Given_parameters_When_set_and_copied_Then_the_flat_order_is_W0_b0_W1_b1()
    {
        var model = new Mlp(new MlpShape(2, [3], 2), 0);
        var values = Enumerable.Range(1, model.ParameterCount).Select(v => (float)v).ToArray();
        model.SetParameters(values);
        Assert.Equal(values[..6], model.Weights(0).ToArray());
        Assert.Equal(values[6..9], model.Bias(0).ToArray());
        Assert.Equal(values[9..15], model.Weights(1).ToArray());
        Assert.Equal(values[15..17], model.Bias(1).ToArray());
    }
}
