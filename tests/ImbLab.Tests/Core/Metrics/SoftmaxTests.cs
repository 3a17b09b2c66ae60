using CsCheck;
using ImbLab.Core;
using Xunit;

namespace ImbLab.Tests.Metrics;

public sealed class SoftmaxTests
{
    private sealed record Batch(int Classes, float[] Logits, int[] Labels);

    private static Gen<Batch> GenBatch(float scale) =>
        from classes in Gen.Int[1, 6]
        from n in Gen.Int[1, 40]
        from logits in Gen.Float[-scale, scale].Array[n * classes]
        from labels in Gen.Int[0, classes - 1].Array[n]
        select new Batch(classes, logits, labels);

    private static (float[] Probabilities, double[] Loss) Run(Batch b)
    {
        var probabilities = new float[b.Logits.Length];
        var loss = new double[b.Labels.Length];
        Softmax.FromLogits(b.Logits, b.Classes, b.Labels, probabilities, loss);
        return (probabilities, loss);
    }

    [Fact]
    public void Given_moderate_logits_When_applying_softmax_Then_rows_sum_to_one_and_loss_is_minus_log_p()
    {
        GenBatch(20f).Sample(b =>
        {
            var (p, loss) = Run(b);
            for (var i = 0; i < b.Labels.Length; i++)
            {
                var row = p.AsSpan(i * b.Classes, b.Classes);
                var sum = 0.0;
                foreach (var v in row)
                {
                    Assert.InRange(v, 0f, 1f);
                    sum += v;
                }
                Assert.Equal(1.0, sum, 1e-6);
                Assert.True(loss[i] >= 0, $"loss {loss[i]}");

                // Direct softmax in double is safe at this scale; compare the loss with -ln p_true exactly computed.
                var z = b.Logits.AsSpan(i * b.Classes, b.Classes);
                var denominator = 0.0;
                foreach (var v in z) denominator += Math.Exp(v);
                var expected = -Math.Log(Math.Exp(z[b.Labels[i]]) / denominator);
                MetricsAssert.Close(expected, loss[i], 1e-9, $"loss[{i}]", absolute: 1e-12);
            }
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void Given_extreme_logits_When_applying_softmax_Then_everything_stays_finite()
    {
        GenBatch(1000f).Sample(b =>
        {
            var (p, loss) = Run(b);
            Assert.All(p, v => Assert.True(float.IsFinite(v) && v >= 0 && v <= 1, $"p = {v}"));
            Assert.All(loss, v => Assert.True(double.IsFinite(v) && v >= 0, $"loss = {v}"));
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void Given_a_confident_mistake_When_computing_loss_Then_it_is_the_exact_margin_not_a_clipped_value()
    {
        // z = (1000, -1000), label 1: p_1 underflows to 0 in float, but the loss is 2000 + ln(1 + e^-2000) = 2000.
        float[] logits = [1000f, -1000f, 3f, 3f];
        var p = new float[4];
        var loss = new double[2];

        Softmax.FromLogits(logits, 2, [1, 0], p, loss);

        Assert.Equal(2000.0, loss[0]);
        Assert.Equal(0f, p[1]);
        Assert.Equal(Math.Log(2), loss[1], 1e-15);
        Assert.Equal(0.5f, p[2]);
        Assert.Equal(0.5f, p[3]);
    }

    [Fact]
    public void Given_the_same_buffer_When_applying_softmax_in_place_Then_results_equal_the_out_of_place_ones()
    {
        float[] logits = [2f, -1f, 0.5f, -3f, 4f, 1f];
        int[] labels = [0, 2];
        var expectedP = new float[6];
        var expectedLoss = new double[2];
        Softmax.FromLogits(logits, 3, labels, expectedP, expectedLoss);

        var buffer = (float[])logits.Clone();
        var loss = new double[2];
        Softmax.FromLogits(buffer, 3, labels, buffer, loss);

        Assert.Equal(expectedP, buffer);
        Assert.Equal(expectedLoss, loss);
    }

    [Fact]
    public void Given_no_loss_buffer_When_applying_softmax_Then_labels_are_not_needed()
    {
        var p = new float[2];

        Softmax.FromLogits([0f, 0f], 2, [], p, []);

        Assert.Equal([0.5f, 0.5f], p);
    }

    [Fact]
    public void Given_mismatched_buffers_When_applying_softmax_Then_the_argument_is_named()
    {
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Softmax.FromLogits(new float[5], 2, [0, 0], new float[5], new double[2])).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => Softmax.FromLogits(new float[4], 2, [0, 0], new float[2], new double[2])).ParamName);
        Assert.Equal("lossPerSample", Assert.Throws<ArgumentException>(() => Softmax.FromLogits(new float[4], 2, [0, 0], new float[4], new double[3])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => Softmax.FromLogits(new float[4], 2, [0], new float[4], new double[2])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.FromLogits(new float[4], 2, [0, 5], new float[4], new double[2])).ParamName);
    }
}
