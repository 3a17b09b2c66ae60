using System.Text.Json;
using ImbLab.Engine;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Engine;

public sealed class ClassGradientProbeTests
{
    /// <summary>Rows of one class only, in their original order.</summary>
    private static (float[] X, int[] Y) Subset(float[] x, int[] y, int inputs, int c)
    {
        var rows = Enumerable.Range(0, y.Length).Where(r => y[r] == c).ToArray();
        return (rows.SelectMany(r => x.Skip(r * inputs).Take(inputs)).ToArray(), rows.Select(_ => c).ToArray());
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 2)]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    public void Given_a_tiny_net_When_probing_Then_each_class_gradient_agrees_with_float64_finite_differences(bool relu, int path)
    {
        var shape = new MlpShape(5, [6, 4], 3, relu ? Activation.Relu : Activation.Tanh);
        var model = new Mlp(shape, 7) { KernelPath = (KernelPath)path };
        var bias = model.Bias(0);
        for (var i = 0; i < bias.Length; i++) bias[i] = 0.1f * (i % 3) - 0.1f;
        var (x, y) = EngineTestSupport.RandomBatch(11, 5, 3, 99);
        var reference = ReferenceMlp.From(model);
        if (relu) Assert.True(reference.KinkMargin(x, 11) > 1e-3, "fixture must stay clear of relu kinks");

        // A chunk of 1 row: every class spans several chunks, so accumulation across chunks is exercised too.
        var result = new ClassGradientProbe(shape, 1).Compute(model, x, y, 11, new float[33]);

        for (var c = 0; c < 3; c++)
        {
            var (xc, yc) = Subset(x, y, 5, c);
            Assert.Equal(yc.Length, result.Counts[c]);
            Assert.True(yc.Length >= 2, "fixture needs every class");
            var numeric = reference.FiniteDifferenceGradient(xc, yc, yc.Length);
            EngineTestSupport.AssertClose(reference.Loss(xc, yc, yc.Length), result.MeanLoss[c], 1e-6, 1e-7, $"class {c} loss");
            var norm = Math.Sqrt(numeric.Sum(v => v * v));
            var error = Math.Sqrt(numeric.Zip(result.PerClass[c], (n, g) => (n - g) * (n - g)).Sum());
            Assert.True(error / norm < 1e-5, $"class {c}: relative gradient error {error / norm:E3}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Given_many_rows_When_weighting_the_class_gradients_by_their_share_Then_they_sum_to_the_full_mean_loss_gradient(bool relu)
    {
        var shape = new MlpShape(8, [64, 64, 64], 2, relu ? Activation.Relu : Activation.Tanh);
        var model = new Mlp(shape, 3);
        var (x, _) = EngineTestSupport.RandomBatch(700, 8, 2, 5);
        var y = Enumerable.Range(0, 700).Select(r => r % 23 == 0 ? 1 : 0).ToArray();
        var logits = new float[1400];
        var result = new ClassGradientProbe(shape).Compute(model, x, y, 700, logits);

        var full = new float[model.ParameterCount];
        var loss = new MlpTrainer(model, new OptimizerSettings(), 700).LossAndGradient(x, y, 700, full);
        var combined = new double[full.Length];
        for (var c = 0; c < 2; c++)
            for (var i = 0; i < combined.Length; i++) combined[i] += (double)result.Counts[c] / 700 * result.PerClass[c][i];
        var norm = Math.Sqrt(full.Sum(v => (double)v * v));
        var error = Math.Sqrt(full.Zip(combined, (f, g) => (f - g) * (f - g)).Sum());
        Assert.True(error / norm < 1e-5, $"relative error {error / norm:E3}");
        EngineTestSupport.AssertClose(loss, (result.Counts[0] * result.MeanLoss[0] + result.Counts[1] * result.MeanLoss[1]) / 700, 1e-6, 0, "mean loss");

        var predicted = new float[1400];
        model.Predict(x, 700, predicted);
        Assert.Equal(predicted, logits);
    }

    [Fact]
    public void Given_hidden_buffers_When_probing_Then_they_receive_what_PredictWithHidden_gives_in_the_original_row_order()
    {
        var shape = new MlpShape(4, [16, 5], 3, Activation.Tanh);
        var model = new Mlp(shape, 9);
        var (x, y) = EngineTestSupport.RandomBatch(90, 4, 3, 8);
        var hidden = new[] { new float[90 * 16], new float[90 * 5] };
        var logits = new float[270];
        new ClassGradientProbe(shape, 16).Compute(model, x, y, 90, logits, hidden);
        var expectedHidden = new[] { new float[90 * 16], new float[90 * 5] };
        var expectedLogits = new float[270];
        model.PredictWithHidden(x, 90, expectedLogits, expectedHidden);
        Assert.Equal(expectedLogits, logits);
        Assert.Equal(expectedHidden[0], hidden[0]);
        Assert.Equal(expectedHidden[1], hidden[1]);
    }

    [Fact]
    public void Given_different_chunk_sizes_When_probing_Then_the_results_agree_to_float_rounding()
    {
        var shape = new MlpShape(6, [20, 12], 3);
        var model = new Mlp(shape, 4);
        var (x, y) = EngineTestSupport.RandomBatch(301, 6, 3, 6);
        var baseline = new ClassGradientProbe(shape, 1000).Compute(model, x, y, 301, new float[903]);
        var expected = baseline.PerClass.Select(g => g.ToArray()).ToArray();
        foreach (var chunk in new[] { 1, 7, 64 })
        {
            var other = new ClassGradientProbe(shape, chunk).Compute(model, x, y, 301, new float[903]);
            for (var c = 0; c < 3; c++)
            {
                EngineTestSupport.AssertClose(baseline.MeanLoss[c], other.MeanLoss[c], 1e-12, 0, $"chunk {chunk} class {c} loss");
                var scale = expected[c].Max(Math.Abs);
                for (var i = 0; i < expected[c].Length; i++)
                    EngineTestSupport.AssertClose(expected[c][i], other.PerClass[c][i], 1e-5, 1e-6 * scale, $"chunk {chunk} class {c} [{i}]");
            }
        }
    }

    [Fact]
    public void Given_a_class_without_rows_When_probing_Then_its_gradient_is_zero_and_its_loss_NaN_and_stale_values_are_cleared()
    {
        var shape = new MlpShape(3, [5], 3);
        var model = new Mlp(shape, 2);
        var probe = new ClassGradientProbe(shape);
        var (x, y) = EngineTestSupport.RandomBatch(30, 3, 3, 1);
        probe.Compute(model, x, y, 30, new float[90]);
        var only01 = y.Select(v => v % 2).ToArray();
        var result = probe.Compute(model, x, only01, 30, new float[90]);
        Assert.Equal(0, result.Counts[2]);
        Assert.True(double.IsNaN(result.MeanLoss[2]));
        Assert.All(result.PerClass[2], v => Assert.Equal(0f, v));
        Assert.Equal(30, result.Counts[0] + result.Counts[1]);
        Assert.Equal(new[] { (0, 20), (20, 18) }, result.Layers);
    }

    [Fact]
    public void Given_a_warm_probe_When_computing_again_Then_nothing_is_allocated()
    {
        var shape = new MlpShape(8, [64, 64, 64], 2);
        var model = new Mlp(shape, 1);
        var (x, y) = EngineTestSupport.RandomBatch(500, 8, 2, 4);
        var logits = new float[1000];
        var probe = new ClassGradientProbe(shape);
        probe.Compute(model, x, y, 500, logits);
        model.Bias(0)[0] = 0.5f;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = probe.Compute(model, x, y, 500, logits);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(500, result.Counts.Sum());
    }

    [Fact]
    public void Given_bad_arguments_When_probing_Then_the_problem_is_named()
    {
        var shape = new MlpShape(3, [4], 2);
        var probe = new ClassGradientProbe(shape);
        var model = new Mlp(shape, 0);
        Assert.Contains("labels[1] is 2", Assert.Throws<ArgumentException>(() => probe.Compute(model, new float[6], [0, 2], 2, new float[4])).Message);
        Assert.Contains("this probe was made for", Assert.Throws<ArgumentException>(() => probe.Compute(new Mlp(new MlpShape(3, [5], 2), 0), new float[6], [0, 1], 2, new float[4])).Message);
        Assert.Contains("logits has room for 3", Assert.Throws<ArgumentException>(() => probe.Compute(model, new float[6], [0, 1], 2, new float[3])).Message);
    }

    private sealed record LayerParams(double[] Weight, double[] Bias);
    private sealed record ClassCase(int Class, int Count, double MeanLoss, double[] Gradient);
    private sealed record Golden(string Name, int[] Sizes, string Activation, int Rows, LayerParams[] Parameters, float[] X, int[] Y,
        double[] Logits, ClassCase[] PerClass);

    private static readonly JsonSerializerOptions JsonOptions =
        new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };

    public static TheoryData<string, int> Goldens()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "relu_6_10_8_3", "tanh_4_7_3" })
            for (var path = 0; path < 3; path++) data.Add(name, path);
        return data;
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Given_torch_weights_When_probing_Then_per_class_losses_and_gradients_match_torch_autograd(string name, int path)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Engine", $"class_gradients_{name}.json");
        var g = JsonSerializer.Deserialize<Golden>(File.ReadAllText(file), JsonOptions)!;
        var shape = new MlpShape(g.Sizes[0], g.Sizes[1..^1], g.Sizes[^1], g.Activation == "relu" ? Activation.Relu : Activation.Tanh);
        var model = new Mlp(shape, 0) { KernelPath = (KernelPath)path };
        model.SetParameters(g.Parameters.SelectMany(l => l.Weight.Concat(l.Bias)).Select(v => (float)v).ToArray());
        var logits = new float[g.Rows * shape.Classes];
        var result = new ClassGradientProbe(shape, 4).Compute(model, g.X, g.Y, g.Rows, logits);

        EngineTestSupport.AssertAllClose(g.Logits, logits.Select(v => (double)v).ToArray(), 1e-5, 1e-6, "logits");
        Assert.Contains(g.PerClass, c => c.Count == 1);
        foreach (var c in g.PerClass)
        {
            Assert.Equal(c.Count, result.Counts[c.Class]);
            EngineTestSupport.AssertClose(c.MeanLoss, result.MeanLoss[c.Class], 1e-5, 1e-6, $"class {c.Class} loss");
            EngineTestSupport.AssertAllClose(c.Gradient, result.PerClass[c.Class].Select(v => (double)v).ToArray(), 1e-4, 1e-6, $"class {c.Class} gradient");
        }
    }
}
