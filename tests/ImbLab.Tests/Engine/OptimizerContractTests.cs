using ImbLab.Core;
using ImbLab.Engine;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Engine;

/// <summary>
/// One contract every <see cref="IOptimizer"/> passes, on every kernel path: deterministic, touches only its own
/// length, reads the gradient without writing it, stands still on a zero gradient from fresh state, pulls parameters
/// toward zero under weight decay, descends a convex quadratic, and takes the first step its formula gives.
/// The length (37) is not a multiple of 8, so the vector body and the scalar tail both run.
/// </summary>
public abstract unsafe class OptimizerContract
{
    private const int Length = 37;

    public static TheoryData<int> Paths => new() { (int)KernelPath.Intrinsics, (int)KernelPath.Vector, (int)KernelPath.Scalar };

    /// <summary>private protected: the optimizer types are internal, and xunit needs the test classes public.</summary>
    private protected abstract OptimizerSettings Settings(double learningRate, double weightDecay);

    /// <summary>The parameters after one step from fresh state, computed in double from the optimizer's published formula.</summary>
    private protected abstract double[] FirstStep(OptimizerSettings settings, float[] parameters, float[] gradient);

    private static float[] Random(ulong seed, double scale)
    {
        var rng = new Rng(seed);
        var values = new float[Length];
        for (var i = 0; i < Length; i++) values[i] = (float)(scale * rng.NextGaussian());
        return values;
    }

    /// <summary>Runs the optimizer from fresh state on gradients from <paramref name="gradientOf"/>, on a buffer with a sentinel tail.</summary>
    private protected static (float[] Parameters, IOptimizer Optimizer) Run(OptimizerSettings settings, int path, float[] start, Func<float[], float[]> gradientOf, int steps)
    {
        var optimizer = settings.Create(Length);
        var p = new float[Length + 8];
        start.CopyTo(p, 0);
        p.AsSpan(Length).Fill(float.NaN);
        for (var s = 0; s < steps; s++)
        {
            var g = gradientOf(p[..Length]);
            var before = (float[])g.Clone();
            fixed (float* pp = p)
            fixed (float* gp = g)
                optimizer.Step(Kernels.Resolve((KernelPath)path), pp, gp);
            Assert.Equal(before, g);
        }
        Assert.All(p[Length..], v => Assert.True(float.IsNaN(v), "the optimizer wrote past its length"));
        return (p[..Length], optimizer);
    }

    [Theory]
    [MemberData(nameof(Paths), MemberType = typeof(OptimizerContract))]
    public void Given_the_same_settings_and_gradients_Then_two_optimizers_end_bit_identical_and_count_their_steps(int path)
    {
        var settings = Settings(0.01, 1e-3);
        var start = Random(1, 1);
        float[] Gradient(float[] p) => p.Select((v, i) => v * v - (i % 3)).ToArray();

        var (a, optimizer) = Run(settings, path, start, Gradient, 7);
        var (b, _) = Run(settings, path, start, Gradient, 7);

        Assert.Equal(a, b);
        Assert.Equal(7, optimizer.Steps);
        Assert.NotEqual(start, a);
    }

    [Theory]
    [MemberData(nameof(Paths), MemberType = typeof(OptimizerContract))]
    public void Given_fresh_state_and_a_zero_gradient_without_weight_decay_Then_the_parameters_do_not_move(int path)
    {
        var start = Random(2, 1);

        var (after, _) = Run(Settings(0.1, 0), path, start, _ => new float[Length], 3);

        Assert.Equal(start, after);
    }

    [Theory]
    [MemberData(nameof(Paths), MemberType = typeof(OptimizerContract))]
    public void Given_weight_decay_and_a_zero_gradient_Then_every_parameter_moves_toward_zero(int path)
    {
        var start = Random(3, 1).Select(v => v + MathF.CopySign(0.5f, v)).ToArray();

        var (after, _) = Run(Settings(1e-3, 0.1), path, start, _ => new float[Length], 1);

        for (var i = 0; i < Length; i++) Assert.True(MathF.Abs(after[i]) < MathF.Abs(start[i]), $"p[{i}]: {start[i]} -> {after[i]}");
    }

    [Theory]
    [MemberData(nameof(Paths), MemberType = typeof(OptimizerContract))]
    public void Given_a_convex_quadratic_Then_300_steps_bring_it_below_a_hundredth_of_its_start(int path)
    {
        // f(p) = 0.5 sum a_i (p_i - c_i)^2 with curvatures a_i in [0.5, 2].
        var a = Random(4, 1).Select(v => 0.5f + 1.5f * (MathF.Abs(v) % 1f)).ToArray();
        var c = Random(5, 1);
        double F(float[] p) => p.Select((v, i) => 0.5 * a[i] * (v - c[i]) * (v - c[i])).Sum();
        var start = new float[Length];

        var (after, _) = Run(Settings(0.05, 0), path, start, p => p.Select((v, i) => a[i] * (v - c[i])).ToArray(), 300);

        Assert.True(F(after) < 0.01 * F(start), $"f went from {F(start)} to {F(after)}");
    }

    [Theory]
    [MemberData(nameof(Paths), MemberType = typeof(OptimizerContract))]
    public void Given_fresh_state_Then_the_first_step_matches_the_formula(int path)
    {
        var settings = Settings(0.01, 1e-2);
        var start = Random(6, 1);
        var gradient = Random(7, 0.3);

        var (after, _) = Run(settings, path, start, _ => gradient, 1);

        EngineTestSupport.AssertAllClose(FirstStep(settings, start, gradient), after.Select(v => (double)v).ToArray(), 1e-6, 1e-7, "first step");
    }
}

public sealed class AdamOptimizerContractTests : OptimizerContract
{
    private protected override OptimizerSettings Settings(double learningRate, double weightDecay) =>
        new(OptimizerKind.Adam, learningRate, WeightDecay: weightDecay);

    /// <summary>
    /// torch.optim.Adam, step 1: m = (1-b1) g, v = (1-b2) g^2, so p -= lr m/(1-b1) / (sqrt(v/(1-b2)) + eps),
    /// with g including weight decay.
    /// </summary>
    private protected override double[] FirstStep(OptimizerSettings s, float[] parameters, float[] gradient) =>
        parameters.Select((p, i) =>
        {
            var g = gradient[i] + s.WeightDecay * p;
            var m = (1 - s.Beta1) * g;
            var v = (1 - s.Beta2) * g * g;
            return p - s.LearningRate * (m / (1 - s.Beta1)) / (Math.Sqrt(v / (1 - s.Beta2)) + s.Epsilon);
        }).ToArray();

    [Fact]
    public void Given_the_settings_Then_Create_makes_an_Adam_optimizer()
    {
        Assert.IsType<AdamOptimizer>(Settings(1e-3, 0).Create(4));
    }
}

public sealed class SgdOptimizerContractTests : OptimizerContract
{
    private protected override OptimizerSettings Settings(double learningRate, double weightDecay) =>
        new(OptimizerKind.Sgd, learningRate, Momentum: 0.9, WeightDecay: weightDecay);

    /// <summary>torch.optim.SGD, step 1: the momentum buffer starts as g (with weight decay), so p -= lr g.</summary>
    private protected override double[] FirstStep(OptimizerSettings s, float[] parameters, float[] gradient) =>
        parameters.Select((p, i) => p - s.LearningRate * (gradient[i] + s.WeightDecay * p)).ToArray();

    [Fact]
    public void Given_the_settings_Then_Create_makes_an_Sgd_optimizer()
    {
        Assert.IsType<SgdOptimizer>(Settings(1e-3, 0).Create(4));
    }

    [Theory]
    [MemberData(nameof(Paths), MemberType = typeof(OptimizerContract))]
    public void Given_a_step_then_a_zero_gradient_Then_the_second_step_moves_by_momentum_alone(int path)
    {
        var settings = Settings(0.1, 0);
        var start = new float[37];
        Array.Fill(start, 1f);
        var g = Enumerable.Range(0, 37).Select(i => (i % 5 - 2) * 0.25f).ToArray();
        var calls = 0;

        var (after, _) = Run(settings, path, start, _ => calls++ == 0 ? g : new float[37], 2);

        // p1 = 1 - lr g; p2 = p1 - lr (mu g).
        for (var i = 0; i < 37; i++)
            EngineTestSupport.AssertClose(1 - 0.1 * g[i] - 0.1 * 0.9 * g[i], after[i], 1e-6, 1e-7, $"p[{i}]");
    }
}
