using ImbLab.Core;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>What the loss remedies promise beyond the contract: the balanced case, empty classes, the switch of a deferred loss, bad arguments.</summary>
public sealed unsafe class RemedyLossTests
{
    private const int Stride = 8;

    private static (float[] Logits, int[] Labels, int[] MixLabels, float[] Shares) Batch(int rows, int classes, ulong seed)
    {
        var rng = new Rng(seed);
        var logits = new float[rows * Stride];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < classes; c++) logits[r * Stride + c] = rng.NextInt(4096) / 512f - 4f;
        var labels = Enumerable.Range(0, rows).Select(_ => rng.NextInt(classes)).ToArray();
        var mix = Enumerable.Range(0, rows).Select(_ => rng.NextInt(classes)).ToArray();
        var shares = Enumerable.Range(0, rows).Select(_ => rng.NextInt(9) / 8f).ToArray();
        return (logits, labels, mix, shares);
    }

    private static (double Loss, float[] Deltas) Mean(ILoss loss, float[] logits, int classes, int[] labels, int epoch = 0, int[]? mix = null, float[]? shares = null)
    {
        var deltas = new float[logits.Length];
        fixed (float* z = logits)
        fixed (float* d = deltas)
            return (loss.Mean(new LossBatch(z, d, Stride, classes, labels.Length, labels, epoch, mix ?? default, shares ?? default)), deltas);
    }

    /// <summary>The remedies that only re-weigh classes or shift/scale logits by class frequency, at equal counts.</summary>
    private static IEnumerable<(string Name, ILoss Loss, bool Bitwise)> AtEqualCounts(int[] counts)
    {
        // Weights of exactly 1 and a temperature of exactly 1 make the same arithmetic as plain CE: bit for bit.
        yield return ("weights:inv", Losses.Weighted(ClassWeights.Inverse(counts)), true);
        yield return ("weights:sqrt", Losses.Weighted(ClassWeights.InverseSqrt(counts)), true);
        yield return ("cb:beta=0.999", Losses.Weighted(ClassWeights.Effective(counts, 0.999)), true);
        yield return ("cb:beta=0.9999", Losses.Weighted(ClassWeights.Effective(counts, 0.9999)), true);
        yield return ("drw", Losses.Drw(counts, 0), true);
        yield return ("cdt", Losses.ClassDependentTemperature(counts), true);
        yield return ("cdt:gamma=0.5", Losses.ClassDependentTemperature(counts, 0.5), true);
        // log pi is the same constant for every class: a shift, so equal up to rounding.
        yield return ("balanced-softmax", Losses.BalancedSoftmax(counts), false);
        yield return ("la-loss:tau=1", Losses.LogitAdjusted(counts), false);
        yield return ("la-loss:tau=2", Losses.LogitAdjusted(counts, 2), false);
    }

    [Theory]
    [InlineData(2, 40)]
    [InlineData(3, 25)]
    [InlineData(5, 7)]
    public void Given_equal_class_counts_When_a_weight_or_prior_remedy_is_used_Then_it_is_plain_cross_entropy(int classes, int n)
    {
        var counts = Enumerable.Repeat(n, classes).ToArray();
        Assert.All(ClassWeights.Inverse(counts), w => Assert.Equal(1.0, w));
        Assert.All(ClassWeights.InverseSqrt(counts), w => Assert.Equal(1.0, w));
        foreach (var beta in new[] { 0.0, 0.9, 0.999, 0.9999 }) Assert.All(ClassWeights.Effective(counts, beta), w => Assert.Equal(1.0, w));

        var (logits, labels, mix, shares) = Batch(11, classes, (ulong)(classes * 100 + n));
        var (ce, ceDeltas) = Mean(Losses.CrossEntropy, logits, classes, labels);
        var (ceMixed, ceMixedDeltas) = Mean(Losses.CrossEntropy, logits, classes, labels, 0, mix, shares);
        foreach (var (name, loss, bitwise) in AtEqualCounts(counts))
        {
            var (value, deltas) = Mean(loss, logits, classes, labels);
            var (mixed, mixedDeltas) = Mean(loss, logits, classes, labels, 0, mix, shares);
            if (bitwise)
            {
                Assert.Equal(ce, value);
                Assert.Equal(ceDeltas, deltas);
            }
            EngineTestSupport.AssertClose(ce, value, 1e-14, 0, $"{name} loss");
            EngineTestSupport.AssertAllClose(ceDeltas.Select(v => (double)v).ToArray(), deltas.Select(v => (double)v).ToArray(), 1e-6, 1e-9, $"{name} deltas");
            // Mixed, the weighted loss groups share * w * l differently from CE's lse - share z_y1 - (1 - share) z_y2: equal up to rounding.
            EngineTestSupport.AssertClose(ceMixed, mixed, 1e-13, 0, $"{name} mixed loss");
            EngineTestSupport.AssertAllClose(ceMixedDeltas.Select(v => (double)v).ToArray(), mixedDeltas.Select(v => (double)v).ToArray(), 1e-6, 1e-9, $"{name} mixed deltas");
        }
    }

    [Fact]
    public void Given_imbalanced_counts_Then_the_same_remedies_are_not_plain_cross_entropy()
    {
        // The balanced-case test above must be able to fail: at 400/30/6 every one of them moves the loss.
        var (logits, labels, _, _) = Batch(11, 3, 5);
        var (ce, _) = Mean(Losses.CrossEntropy, logits, 3, labels);
        foreach (var (name, loss, _) in AtEqualCounts(ContractCounts.Counts))
            Assert.True(Math.Abs(Mean(loss, logits, 3, labels).Loss - ce) > 1e-3, $"{name} equals CE at 400/30/6");
    }

    [Fact]
    public void Given_gamma_0_or_eps_0_Then_focal_and_label_smoothing_are_cross_entropy()
    {
        var (logits, labels, mix, shares) = Batch(9, 3, 8);
        var (ce, ceDeltas) = Mean(Losses.CrossEntropy, logits, 3, labels, 0, mix, shares);
        foreach (var loss in new[] { Losses.Focal(0), Losses.LabelSmoothing(0) })
        {
            var (value, deltas) = Mean(loss, logits, 3, labels, 0, mix, shares);
            EngineTestSupport.AssertClose(ce, value, 1e-13, 0, "loss");
            EngineTestSupport.AssertAllClose(ceDeltas.Select(v => (double)v).ToArray(), deltas.Select(v => (double)v).ToArray(), 1e-6, 1e-9, "deltas");
        }
    }

    [Fact]
    public void Given_a_deferred_loss_Then_epochs_before_the_switch_get_the_first_loss_and_the_rest_the_second_bit_for_bit()
    {
        var (logits, labels, _, _) = Batch(7, 3, 9);
        var before = Losses.Focal(2);
        var after = Losses.Ldam(ContractCounts.Counts);
        var deferred = Losses.Deferred(before, after, 4);
        foreach (var (epoch, expected) in new[] { (0, before), (3, before), (4, after), (99, after) })
        {
            var (value, deltas) = Mean(deferred, logits, 3, labels, epoch);
            var (want, wantDeltas) = Mean(expected, logits, 3, labels, epoch);
            Assert.Equal(want, value);
            Assert.Equal(wantDeltas, deltas);
        }
    }

    [Fact]
    public void Given_a_class_with_no_rows_Then_its_weight_is_0_and_the_others_are_as_without_it()
    {
        int[] counts = [3313, 0, 26];
        int[] without = [3313, 26];
        foreach (var (with, alone) in new[]
                 {
                     (ClassWeights.Inverse(counts), ClassWeights.Inverse(without)),
                     (ClassWeights.InverseSqrt(counts), ClassWeights.InverseSqrt(without)),
                     (ClassWeights.Effective(counts, 0.999), ClassWeights.Effective(without, 0.999)),
                 })
        {
            Assert.Equal(0.0, with[1]);
            Assert.Equal(alone, new[] { with[0], with[2] });
        }
    }

    [Fact]
    public void Given_a_class_with_no_rows_When_making_a_prior_margin_or_temperature_loss_Then_it_is_refused_naming_the_class()
    {
        int[] counts = [3313, 0, 26];
        foreach (var make in new Func<ILoss>[]
                 {
                     () => Losses.Ldam(counts), () => Losses.BalancedSoftmax(counts), () => Losses.LogitAdjusted(counts),
                     () => Losses.ClassDependentTemperature(counts), () => Losses.LdamDrw(counts, 3),
                 })
        {
            var e = Assert.Throws<ArgumentException>(make);
            Assert.Contains("counts[1] is 0", e.Message);
        }
    }

    [Fact]
    public void Given_bad_arguments_Then_each_is_refused_naming_the_parameter()
    {
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => ClassWeights.Effective([5, 3], 1.0)).ParamName);
        Assert.Equal("counts", Assert.Throws<ArgumentException>(() => ClassWeights.Inverse([5, -1])).ParamName);
        Assert.Equal("counts", Assert.Throws<ArgumentException>(() => ClassWeights.Inverse([0, 0])).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Focal(-1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentException>(() => Losses.Focal(2, [0.5, double.NaN])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => Losses.Weighted([1, -2])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => Losses.Ldam([10, 2], weights: [1, 1, 1])).ParamName);
        Assert.Equal("s", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Ldam([10, 2], s: 0)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.LabelSmoothing(1.5)).ParamName);
        Assert.Equal("eta", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.GroupDro(3, -0.1)).ParamName);
        Assert.Equal("atEpoch", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Deferred(Losses.CrossEntropy, Losses.CrossEntropy, -1)).ParamName);
    }

    [Fact]
    public void Given_a_loss_made_for_3_classes_When_given_a_2_class_batch_Then_it_says_so()
    {
        var (logits, labels, _, _) = Batch(4, 2, 3);
        foreach (var loss in new[] { Losses.Weighted([1, 2, 3]), Losses.Ldam(ContractCounts.Counts), Losses.GroupDro(3), Losses.Focal(2, [1, 1, 1]) })
            Assert.Contains("the batch has 2 classes; the loss was made for 3", Assert.Throws<ArgumentException>(() => Mean(loss, logits, 2, labels)).Message);
    }

    [Fact]
    public void Given_a_weighted_loss_in_the_class_gradient_probe_Then_each_class_gets_its_weight_times_its_cross_entropy_loss_and_gradient()
    {
        // The documented Sum: sum_r w_{y_r} l_r with deltas w_{y_r} d l_r * scale, so the probe's per-class numbers are w_c times CE's.
        var shape = new MlpShape(4, [6], 3);
        var model = new Mlp(shape, 3);
        var (x, y) = EngineTestSupport.RandomBatch(40, 4, 3, 17);
        double[] weights = [0.25, 1.5, 4.0];
        var logits = new float[40 * 3];
        var ce = new ClassGradientProbe(shape).Compute(model, x, y, 40, logits);
        var ceLoss = ce.MeanLoss.ToArray();
        var ceGradient = ce.PerClass.Select(g => g.ToArray()).ToArray();

        var weighted = new ClassGradientProbe(shape, Losses.Weighted(weights)).Compute(model, x, y, 40, logits);

        for (var c = 0; c < 3; c++)
        {
            EngineTestSupport.AssertClose(weights[c] * ceLoss[c], weighted.MeanLoss[c], 1e-12, 0, $"class {c} loss");
            for (var i = 0; i < ceGradient[c].Length; i++)
                EngineTestSupport.AssertClose(weights[c] * ceGradient[c][i], weighted.PerClass[c][i], 1e-5, 1e-7, $"class {c} gradient[{i}]");
        }
    }

    [Fact]
    public void Given_group_dro_Then_sum_leaves_q_alone_and_mean_moves_it_towards_the_class_with_the_larger_loss()
    {
        var (logits, _, _, _) = Batch(6, 3, 4);
        int[] labels = [0, 1, 2, 0, 1, 2];
        // Make class 2's rows wrong with confidence: its loss is the largest.
        for (var r = 2; r < 6; r += 3) logits[r * Stride + 2] = -6f;
        var loss = (GroupDroLoss)Losses.GroupDro(3, 0.1);
        fixed (float* z = logits)
        fixed (float* d = new float[logits.Length])
        {
            loss.Sum(new LossBatch(z, d, Stride, 3, 6, labels, 0), 1.0);
            Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], loss.Q);
            loss.Mean(new LossBatch(z, d, Stride, 3, 6, labels, 0));
        }
        Assert.True(loss.Q[2] > loss.Q[0] && loss.Q[2] > loss.Q[1], $"q = [{string.Join(", ", loss.Q)}]");
        EngineTestSupport.AssertClose(1, loss.Q.Sum(), 1e-15, 0, "q sums to 1");
    }
}
