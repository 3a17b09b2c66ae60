using ImbLab.Core;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>
/// One contract every <see cref="ILoss"/> passes: its deltas are the derivative of its value, it writes nothing
/// outside its rows' real columns but zeros in the padding, it stays finite on huge logits, and it depends on a
/// row's logits only through their differences. Logits are multiples of 2^-9 so shifts and finite-difference steps are exact in float.
/// </summary>
public abstract unsafe class LossContract
{
    private const int Classes = 3;
    private const int Stride = 8;

    /// <summary>private protected: the loss types are internal, and xunit needs the test classes public.</summary>
    private protected abstract ILoss Loss { get; }

    /// <summary>
    /// The central-difference step on the logits. A loss that multiplies the logits by s (LDAM) curves s^2 times faster,
    /// so it takes 1/128 divided by the next power of two at or above s: the same step in its scaled logits (still
    /// exact in float for these logits).
    /// </summary>
    private protected virtual float FiniteDifferenceStep => 1f / 128;

    /// <summary>Why the loss legitimately depends on more than the differences of a row's logits; null when it does not.</summary>
    private protected virtual string? NotShiftInvariantBecause => null;

    /// <summary>Why the Mean's deltas are legitimately not the derivative of the Mean's value; null when they are.</summary>
    private protected virtual string? MeanDeltasAreNotItsDerivativeBecause => null;

    private static (float[] Logits, int[] Labels) Batch(int rows, ulong seed)
    {
        var rng = new Rng(seed);
        var logits = new float[rows * Stride];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < Classes; c++) logits[r * Stride + c] = rng.NextInt(4096) / 512f - 4f;
        var labels = new int[rows];
        for (var r = 0; r < rows; r++) labels[r] = rng.NextInt(Classes);
        return (logits, labels);
    }

    private double Sum(float[] logits, float[] deltas, int[] labels, int rows, double deltaScale, int epoch = 0)
    {
        fixed (float* z = logits)
        fixed (float* d = deltas)
            return Loss.Sum(new LossBatch(z, d, Stride, Classes, rows, labels, epoch), deltaScale);
    }

    private double Mean(float[] logits, float[] deltas, int[] labels, int rows)
    {
        fixed (float* z = logits)
        fixed (float* d = deltas)
            return Loss.Mean(new LossBatch(z, d, Stride, Classes, rows, labels, 0));
    }

    /// <summary>Central differences of <paramref name="value"/> over every real logit, against <paramref name="deltas"/>.</summary>
    private void AssertDeltasAreTheDerivative(float[] logits, Func<float[], double> value, float[] deltas, int rows, string what)
    {
        var h = FiniteDifferenceStep;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < Classes; c++)
            {
                var i = r * Stride + c;
                var saved = logits[i];
                logits[i] = saved + h;
                var up = value(logits);
                logits[i] = saved - h;
                var down = value(logits);
                logits[i] = saved;
                EngineTestSupport.AssertClose((up - down) / (2 * h), deltas[i], 1e-4, 1e-5, $"{what} d/dz[{r},{c}]");
            }
        }
    }

    [Fact]
    public void Given_a_batch_When_summed_Then_each_rows_deltas_are_the_derivative_of_the_sum()
    {
        var (logits, labels) = Batch(5, 1);
        var deltas = new float[logits.Length];
        Sum(logits, deltas, labels, 5, 1.0);

        AssertDeltasAreTheDerivative(logits, z => Sum(z, new float[z.Length], labels, 5, 1.0), deltas, 5, "Sum");
    }

    [SkippableFact]
    public void Given_a_batch_When_taking_the_mean_Then_the_deltas_are_the_derivative_of_the_mean()
    {
        Skip.If(MeanDeltasAreNotItsDerivativeBecause is not null, MeanDeltasAreNotItsDerivativeBecause);
        var (logits, labels) = Batch(6, 2);
        var deltas = new float[logits.Length];
        Mean(logits, deltas, labels, 6);

        AssertDeltasAreTheDerivative(logits, z => Mean(z, new float[z.Length], labels, 6), deltas, 6, "Mean");
    }

    [Fact]
    public void Given_a_delta_scale_Then_the_deltas_scale_with_it_and_the_sum_does_not()
    {
        var (logits, labels) = Batch(4, 3);
        var unscaled = new float[logits.Length];
        var scaled = new float[logits.Length];

        var sum = Sum(logits, unscaled, labels, 4, 1.0);
        var sumScaled = Sum(logits, scaled, labels, 4, 0.125);

        Assert.Equal(sum, sumScaled);
        for (var i = 0; i < logits.Length; i++) EngineTestSupport.AssertClose(unscaled[i] * 0.125, scaled[i], 1e-6, 1e-9, $"delta[{i}]");
    }

    [Fact]
    public void Given_stale_delta_buffers_Then_padding_columns_get_zero_and_rows_past_the_batch_are_untouched()
    {
        var (logits, labels) = Batch(4, 4);
        var deltas = Enumerable.Repeat(float.NaN, logits.Length).ToArray();

        Sum(logits, deltas, labels, 3, 1.0);

        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < Classes; c++) Assert.True(float.IsFinite(deltas[r * Stride + c]), $"delta[{r},{c}] is {deltas[r * Stride + c]}");
            for (var c = Classes; c < Stride; c++) Assert.Equal(0f, deltas[r * Stride + c]);
        }
        Assert.All(deltas.AsSpan(3 * Stride).ToArray(), d => Assert.True(float.IsNaN(d)));
    }

    [Fact]
    public void Given_huge_logits_Then_the_loss_and_the_deltas_are_finite()
    {
        var logits = new float[3 * Stride];
        float[][] rows = [[3e38f, -3e38f, 0f], [-1e30f, 1e30f, 1e30f], [88.7f, -1e4f, 1e4f]];
        for (var r = 0; r < 3; r++) rows[r].CopyTo(logits, r * Stride);
        var deltas = new float[logits.Length];

        var sum = Sum(logits, deltas, [1, 0, 2], 3, 1.0);
        var mean = Mean(logits, new float[logits.Length], [1, 0, 2], 3);

        Assert.True(double.IsFinite(sum), $"sum is {sum}");
        Assert.True(double.IsFinite(mean), $"mean is {mean}");
        Assert.All(deltas, d => Assert.True(float.IsFinite(d), $"delta {d}"));
    }

    [SkippableFact]
    public void Given_a_constant_added_to_a_rows_logits_Then_its_loss_and_deltas_do_not_change()
    {
        Skip.If(NotShiftInvariantBecause is not null, NotShiftInvariantBecause);
        var (logits, labels) = Batch(5, 5);
        var shifted = (float[])logits.Clone();
        for (var r = 0; r < 5; r++)
            for (var c = 0; c < Classes; c++) shifted[r * Stride + c] += r * 3.25f - 6f;
        var deltas = new float[logits.Length];
        var shiftedDeltas = new float[logits.Length];

        var sum = Sum(logits, deltas, labels, 5, 1.0);
        var shiftedSum = Sum(shifted, shiftedDeltas, labels, 5, 1.0);

        EngineTestSupport.AssertClose(sum, shiftedSum, 1e-12, 1e-12, "sum");
        for (var i = 0; i < deltas.Length; i++) EngineTestSupport.AssertClose(deltas[i], shiftedDeltas[i], 1e-6, 1e-9, $"delta[{i}]");
    }

    [Fact]
    public void Given_a_row_alone_or_inside_a_batch_Then_its_deltas_are_the_same()
    {
        var (logits, labels) = Batch(4, 6);
        var deltas = new float[logits.Length];
        Sum(logits, deltas, labels, 4, 1.0);

        var alone = logits.AsSpan(2 * Stride, Stride).ToArray();
        var aloneDeltas = new float[Stride];
        var aloneSum = Sum(alone, aloneDeltas, [labels[2]], 1, 1.0);

        Assert.Equal(deltas.AsSpan(2 * Stride, Stride).ToArray(), aloneDeltas);
        Assert.True(aloneSum >= 0 && aloneSum <= Sum(logits, new float[logits.Length], labels, 4, 1.0), $"row 2 alone: {aloneSum}");
    }

    [Fact]
    public void Given_the_same_batch_and_epoch_twice_Then_the_results_are_bit_identical()
    {
        var (logits, labels) = Batch(7, 7);
        var first = new float[logits.Length];
        var second = new float[logits.Length];

        var a = Sum(logits, first, labels, 7, 0.5, epoch: 3);
        Sum(logits, new float[logits.Length], labels, 7, 0.5, epoch: 0);
        var b = Sum(logits, second, labels, 7, 0.5, epoch: 3);

        Assert.Equal(a, b);
        Assert.Equal(first, second);
    }

    private double MixedSum(float[] logits, float[] deltas, int[] labels, int[] mixLabels, float[] shares, int rows, double deltaScale)
    {
        fixed (float* z = logits)
        fixed (float* d = deltas)
            return Loss.Sum(new LossBatch(z, d, Stride, Classes, rows, labels, 0, mixLabels, shares), deltaScale);
    }

    [Fact]
    public void Given_a_mixed_batch_Then_its_loss_and_deltas_are_the_shares_mix_of_the_two_labels_losses()
    {
        var (logits, labels) = Batch(6, 10);
        var (_, second) = Batch(6, 11);
        float[] shares = [1f, 0f, 0.5f, 0.25f, 0.875f, 0.625f];
        var mixed = new float[logits.Length];

        var sum = MixedSum(logits, mixed, labels, second, shares, 6, 1.0);

        double expected = 0;
        for (var r = 0; r < 6; r++)
        {
            var row = logits.AsSpan(r * Stride, Stride).ToArray();
            var d1 = new float[Stride];
            var d2 = new float[Stride];
            var l1 = Sum(row, d1, [labels[r]], 1, 1.0);
            var l2 = Sum(row, d2, [second[r]], 1, 1.0);
            expected += shares[r] * l1 + (1 - shares[r]) * l2;
            for (var c = 0; c < Classes; c++)
                EngineTestSupport.AssertClose(shares[r] * d1[c] + (1 - shares[r]) * d2[c], mixed[r * Stride + c], 1e-5, 1e-6, $"mixed delta[{r},{c}]");
        }
        EngineTestSupport.AssertClose(expected, sum, 1e-9, 1e-12, "mixed sum");
        AssertDeltasAreTheDerivative(logits, z => MixedSum(z, new float[z.Length], labels, second, shares, 6, 1.0), mixed, 6, "mixed Sum");
    }

    [Fact]
    public void Given_the_loss_in_a_trainer_Then_the_trainers_batch_loss_is_the_losss_mean_on_the_models_logits()
    {
        var shape = new MlpShape(4, [6], Classes);
        var model = new Mlp(shape, 8);
        var (x, y) = EngineTestSupport.RandomBatch(9, 4, Classes, 9);
        var logits = new float[9 * Classes];
        model.Predict(x, 9, logits);
        var padded = new float[9 * Stride];
        for (var r = 0; r < 9; r++) logits.AsSpan(r * Classes, Classes).CopyTo(padded.AsSpan(r * Stride));

        var viaTrainer = new MlpTrainer(model, new OptimizerSettings(), 9, Loss).LossAndGradient(x, y, 9, new float[model.ParameterCount]);

        EngineTestSupport.AssertClose(Mean(padded, new float[padded.Length], y, 9), viaTrainer, 1e-6, 1e-7, "trainer loss");
    }
}

public sealed unsafe class SoftmaxCrossEntropyContractTests : LossContract
{
    private protected override ILoss Loss => SoftmaxCrossEntropy.Instance;

    [Fact]
    public void Given_known_logits_Then_the_loss_is_the_log_sum_exp_minus_the_true_logit()
    {
        var logits = new float[8];
        float[] z = [1f, 2f, 0.5f];
        z.CopyTo(logits, 0);
        var deltas = new float[8];

        double sum;
        fixed (float* p = logits)
        fixed (float* d = deltas)
            sum = Loss.Sum(new LossBatch(p, d, 8, 3, 1, [0], 0), 1.0);

        var expected = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(0.5)) - 1;
        EngineTestSupport.AssertClose(expected, sum, 1e-14, 0, "cross-entropy");
        EngineTestSupport.AssertClose(Math.Exp(1 - 2) / (Math.Exp(1 - 2) + 1 + Math.Exp(0.5 - 2)) - 1, deltas[0], 1e-6, 0, "delta of the true class");
    }
}
