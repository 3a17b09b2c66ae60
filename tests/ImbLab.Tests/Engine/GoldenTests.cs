using System.Text.Json;
using ImbLab.Engine;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Engine;

/// <summary>The engine against PyTorch 1.13 on fixed tiny networks (fixtures from tools/reference/engine_goldens.py).</summary>
public sealed class GoldenTests
{
    private const double Rel = 1e-5;
    private const double Abs = 1e-6;

    private sealed record LayerParams(double[] Weight, double[] Bias);
    private sealed record OptimizerCase(string Name, Dictionary<string, JsonElement> Settings, int Steps, double[] Losses, LayerParams[] Parameters);
    private sealed record GoldenCase(string Name, int[] Sizes, string Activation, int Rows, LayerParams[] Parameters, float[] X, int[] Y,
        double[] Logits, double Loss, LayerParams[] Gradients, OptimizerCase[] Optimizers);

    /// <summary>Every fixture on every kernel path (0 = intrinsics, 1 = Vector&lt;T&gt;, 2 = scalar).</summary>
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "relu_8_16_16_2", "tanh_5_7_3" })
            for (var path = 0; path < 3; path++) data.Add(name, path);
        return data;
    }

    private static readonly JsonSerializerOptions JsonOptions =
        new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };

    private static GoldenCase Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Engine", $"golden_{name}.json");
        return JsonSerializer.Deserialize<GoldenCase>(File.ReadAllText(path), JsonOptions)!;
    }

    private static Mlp ModelOf(GoldenCase g, int path)
    {
        var shape = new MlpShape(g.Sizes[0], g.Sizes[1..^1], g.Sizes[^1], g.Activation == "relu" ? Activation.Relu : Activation.Tanh);
        var model = new Mlp(shape, 0) { KernelPath = (KernelPath)path };
        model.SetParameters(Flatten(g.Parameters).Select(v => (float)v).ToArray());
        return model;
    }

    private static double[] Flatten(LayerParams[] layers) => layers.SelectMany(l => l.Weight.Concat(l.Bias)).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_torch_weights_When_predicting_Then_logits_match_torch(string name, int path)
    {
        var g = Load(name);
        var model = ModelOf(g, path);
        var logits = new float[g.Rows * g.Sizes[^1]];
        model.Predict(g.X, g.Rows, logits);
        EngineTestSupport.AssertAllClose(g.Logits, logits.Select(v => (double)v).ToArray(), Rel, Abs, "logits");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_torch_weights_When_computing_the_gradient_Then_loss_and_every_gradient_match_torch(string name, int path)
    {
        var g = Load(name);
        var model = ModelOf(g, path);
        var trainer = new MlpTrainer(model, new OptimizerSettings());
        var gradient = new float[model.ParameterCount];
        var loss = trainer.LossAndGradient(g.X, g.Y, g.Rows, gradient);
        EngineTestSupport.AssertClose(g.Loss, loss, Rel, Abs, "loss");
        EngineTestSupport.AssertAllClose(Flatten(g.Gradients), gradient.Select(v => (double)v).ToArray(), Rel, Abs, "gradient");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_torch_weights_When_taking_five_optimizer_steps_Then_parameters_match_torch(string name, int path)
    {
        var g = Load(name);
        foreach (var opt in g.Optimizers)
        {
            var model = ModelOf(g, path);
            var s = opt.Settings;
            var settings = new OptimizerSettings(
                s["kind"].GetString() == "Adam" ? OptimizerKind.Adam : OptimizerKind.Sgd,
                s["lr"].GetDouble(), s["beta1"].GetDouble() is var b1 && b1 > 0 ? b1 : 0.9, s["beta2"].GetDouble() is var b2 && b2 > 0 ? b2 : 0.999,
                s["eps"].GetDouble() is var e && e > 0 ? e : 1e-8, s["momentum"].GetDouble(), s["weight_decay"].GetDouble());
            var trainer = new MlpTrainer(model, settings);
            for (var step = 0; step < opt.Steps; step++)
            {
                var loss = trainer.Step(g.X, g.Y, g.Rows);
                EngineTestSupport.AssertClose(opt.Losses[step], loss, 1e-5, 1e-6, $"{opt.Name} loss at step {step}");
            }
            var after = new float[model.ParameterCount];
            model.CopyParameters(after);
            // Adam divides by sqrt(v) + eps, which amplifies float32 rounding of tiny gradients: allow a little more.
            EngineTestSupport.AssertAllClose(Flatten(opt.Parameters), after.Select(v => (double)v).ToArray(), 1e-5, 2e-6, $"{opt.Name} parameters");
        }
    }
}
