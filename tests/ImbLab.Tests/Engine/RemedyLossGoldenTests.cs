using System.Text.Json;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>
/// The loss remedies against PyTorch 1.13 autograd in float64 (fixture from tools/reference/remedy_loss_goldens.py):
/// each loss's batch value and its gradient with respect to the logits (the Mean's deltas), plain and mixed, on a
/// 3313-vs-26 binary batch and a 3-class batch; group DRO over three consecutive batches; the class-weight tables.
/// </summary>
public sealed unsafe class RemedyLossGoldenTests
{
    private const int Stride = 8;

    private sealed record LossGolden(string Loss, double Mean, double[] Grad, double MixedMean, double[] MixedGrad);
    private sealed record LossCase(string Name, int[] Counts, float[] Logits, int[] Labels, int[] MixLabels, float[] Shares, LossGolden[] Losses);
    private sealed record EffectiveWeights(double Beta, double[] Weights);
    private sealed record WeightTable(int[] Counts, double[] Inverse, double[] InverseSqrt, EffectiveWeights[] Effective);
    private sealed record GdroStep(float[] Logits, int[] Labels, double Loss, double[] Grad, double[] Q);
    private sealed record GdroMixed(float[] Logits, int[] Labels, int[] MixLabels, float[] Shares, double Loss, double[] Grad, double[] Q);
    private sealed record GdroCase(double Eta, GdroStep[] Steps, double SumAfter, double[] SumAfterGrad, GdroMixed Mixed);
    private sealed record Fixture(WeightTable[] Weights, LossCase[] Cases, GdroCase[] Gdro);

    private static readonly JsonSerializerOptions JsonOptions =
        new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true };

    private static readonly Lazy<Fixture> Golden = new(() => JsonSerializer.Deserialize<Fixture>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Engine", "remedy_loss_goldens.json")), JsonOptions)!);

    /// <summary>The fixture's loss names and the engine's loss for each, from the case's class counts.</summary>
    private static readonly Dictionary<string, Func<int[], ILoss>> Made = new()
    {
        ["ce"] = _ => Losses.CrossEntropy,
        ["weighted_inverse"] = n => Losses.Weighted(ClassWeights.Inverse(n)),
        ["weighted_sqrt"] = n => Losses.Weighted(ClassWeights.InverseSqrt(n)),
        ["cb_0.999"] = n => Losses.Weighted(ClassWeights.Effective(n, 0.999)),
        ["cb_0.9999"] = n => Losses.Weighted(ClassWeights.Effective(n, 0.9999)),
        ["focal_2"] = _ => Losses.Focal(2),
        ["focal_0.5_alpha"] = n => Losses.Focal(0.5, [0.25, .. Enumerable.Repeat(0.75, n.Length - 1)]),
        ["ldam"] = n => Losses.Ldam(n),
        ["ldam_cb_0.9999"] = n => Losses.Ldam(n, weights: ClassWeights.Effective(n, 0.9999)),
        ["ldam_0.3_s10"] = n => Losses.Ldam(n, 0.3, 10),
        ["balanced_softmax"] = n => Losses.BalancedSoftmax(n),
        ["la_1"] = n => Losses.LogitAdjusted(n),
        ["la_0.5"] = n => Losses.LogitAdjusted(n, 0.5),
        ["cdt_0.1"] = n => Losses.ClassDependentTemperature(n),
        ["cdt_0.3"] = n => Losses.ClassDependentTemperature(n, 0.3),
        ["label_smoothing_0.1"] = _ => Losses.LabelSmoothing(),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in new[] { "binary_3313_26", "three_500_60_7" })
            foreach (var loss in Made.Keys) data.Add(c, loss);
        return data;
    }

    private static LossCase Case(string name) => Golden.Value.Cases.Single(c => c.Name == name);

    /// <summary>The batch's Mean with the logits padded to the stride; returns the loss and the real columns' deltas.</summary>
    private static (double Loss, double[] Deltas) Mean(ILoss loss, float[] logits, int classes, int[] labels, int epoch = 0,
        int[]? mixLabels = null, float[]? shares = null)
    {
        var rows = labels.Length;
        var padded = new float[rows * Stride];
        for (var r = 0; r < rows; r++) logits.AsSpan(r * classes, classes).CopyTo(padded.AsSpan(r * Stride));
        var deltas = new float[padded.Length];
        double value;
        fixed (float* z = padded)
        fixed (float* d = deltas)
            value = loss.Mean(new LossBatch(z, d, Stride, classes, rows, labels, epoch, mixLabels ?? default, shares ?? default));
        var real = new double[rows * classes];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < classes; c++) real[r * classes + c] = deltas[r * Stride + c];
        return (value, real);
    }

    /// <summary>Float deltas: relative 1e-6 of each, or 1e-9 of the largest (a delta far below the others keeps only absolute accuracy).</summary>
    private static void AssertDeltas(double[] expected, double[] actual, string what)
    {
        var scale = expected.Max(Math.Abs);
        EngineTestSupport.AssertAllClose(expected, actual, 1e-6, 1e-9 * scale, what);
    }

    [Fact]
    public void Given_the_fixture_Then_every_loss_in_it_is_tested_here()
    {
        foreach (var c in Golden.Value.Cases) Assert.Equal(Made.Keys.Order(), c.Losses.Select(l => l.Loss).Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_fixed_logits_and_counts_When_taking_the_mean_Then_the_loss_and_its_deltas_match_torch(string name, string loss)
    {
        var c = Case(name);
        var g = c.Losses.Single(l => l.Loss == loss);

        var (value, deltas) = Mean(Made[loss](c.Counts), c.Logits, c.Counts.Length, c.Labels);

        EngineTestSupport.AssertClose(g.Mean, value, 1e-10, 0, $"{name} {loss} mean");
        AssertDeltas(g.Grad, deltas, $"{name} {loss} grad");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_a_mixed_batch_When_taking_the_mean_Then_the_loss_and_its_deltas_match_torch(string name, string loss)
    {
        var c = Case(name);
        var g = c.Losses.Single(l => l.Loss == loss);

        var (value, deltas) = Mean(Made[loss](c.Counts), c.Logits, c.Counts.Length, c.Labels, 0, c.MixLabels, c.Shares);

        EngineTestSupport.AssertClose(g.MixedMean, value, 1e-10, 0, $"{name} {loss} mixed mean");
        AssertDeltas(g.MixedGrad, deltas, $"{name} {loss} mixed grad");
    }

    [Theory]
    [InlineData("binary_3313_26")]
    [InlineData("three_500_60_7")]
    public void Given_drw_and_ldam_drw_When_the_epoch_reaches_the_switch_Then_the_loss_turns_from_plain_to_class_balanced(string name)
    {
        var c = Case(name);
        var drw = Losses.Drw(c.Counts, 160);
        var ldamDrw = Losses.LdamDrw(c.Counts, 160);
        foreach (var (loss, epoch, golden) in new[] { (drw, 159, "ce"), (drw, 160, "cb_0.9999"), (ldamDrw, 0, "ldam"), (ldamDrw, 160, "ldam_cb_0.9999") })
        {
            var g = c.Losses.Single(l => l.Loss == golden);
            var (value, deltas) = Mean(loss, c.Logits, c.Counts.Length, c.Labels, epoch);
            EngineTestSupport.AssertClose(g.Mean, value, 1e-10, 0, $"{name} epoch {epoch} {golden} mean");
            AssertDeltas(g.Grad, deltas, $"{name} epoch {epoch} {golden} grad");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Given_group_dro_over_three_batches_Then_q_the_loss_and_the_deltas_after_each_match_the_authors_code(int which)
    {
        var g = Golden.Value.Gdro[which];
        var loss = (GroupDroLoss)Losses.GroupDro(3, g.Eta);
        for (var s = 0; s < g.Steps.Length; s++)
        {
            var step = g.Steps[s];
            var (value, deltas) = Mean(loss, step.Logits, 3, step.Labels);
            EngineTestSupport.AssertAllClose(step.Q, loss.Q.ToArray(), 1e-12, 1e-15, $"eta {g.Eta} batch {s} q");
            EngineTestSupport.AssertClose(step.Loss, value, 1e-10, 0, $"eta {g.Eta} batch {s} loss");
            AssertDeltas(step.Grad, deltas, $"eta {g.Eta} batch {s} grad");
        }

        // The probes' Sum: C q_y-weighted cross-entropy at the current q, which it leaves as it is.
        var last = g.Steps[^1];
        var padded = new float[last.Labels.Length * Stride];
        for (var r = 0; r < last.Labels.Length; r++) last.Logits.AsSpan(r * 3, 3).CopyTo(padded.AsSpan(r * Stride));
        var sumDeltas = new float[padded.Length];
        var before = loss.Q.ToArray();
        double sum;
        fixed (float* z = padded)
        fixed (float* d = sumDeltas)
            sum = loss.Sum(new LossBatch(z, d, Stride, 3, last.Labels.Length, last.Labels, 0), 1.0);
        EngineTestSupport.AssertClose(g.SumAfter, sum, 1e-10, 0, "sum after");
        AssertDeltas(g.SumAfterGrad, Enumerable.Range(0, last.Labels.Length * 3).Select(i => (double)sumDeltas[i / 3 * Stride + i % 3]).ToArray(), "sum after grad");
        Assert.Equal(before, loss.Q);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Given_group_dro_on_a_mixed_batch_Then_each_row_counts_its_share_in_each_labels_group(int which)
    {
        var m = Golden.Value.Gdro[which].Mixed;
        var loss = (GroupDroLoss)Losses.GroupDro(3, Golden.Value.Gdro[which].Eta);

        var (value, deltas) = Mean(loss, m.Logits, 3, m.Labels, 0, m.MixLabels, m.Shares);

        EngineTestSupport.AssertAllClose(m.Q, loss.Q.ToArray(), 1e-12, 1e-15, "q");
        EngineTestSupport.AssertClose(m.Loss, value, 1e-10, 0, "loss");
        AssertDeltas(m.Grad, deltas, "grad");
    }

    [Fact]
    public void Given_the_weight_tables_Then_inverse_square_root_and_class_balanced_weights_match_the_reference()
    {
        foreach (var t in Golden.Value.Weights)
        {
            var what = $"counts [{string.Join(", ", t.Counts)}]";
            EngineTestSupport.AssertAllClose(t.Inverse, ClassWeights.Inverse(t.Counts), 1e-14, 0, $"{what} inverse");
            EngineTestSupport.AssertAllClose(t.InverseSqrt, ClassWeights.InverseSqrt(t.Counts), 1e-14, 0, $"{what} sqrt");
            foreach (var e in t.Effective)
                EngineTestSupport.AssertAllClose(e.Weights, ClassWeights.Effective(t.Counts, e.Beta), 1e-12, 0, $"{what} beta {e.Beta}");
        }
    }

    /// <summary>
    /// 3313 vs 26 rows (N 3339), by hand. Class-balanced: the majority's beta^3313 is ~0 except at beta 0.999 (0.036347)
    /// and 0.9999 (0.717978); the minority's beta^26 is 0.064611, 0.770043, 0.974322, 0.997403.
    /// beta 0.9: raw (0.1, 0.1 / 0.935389 = 0.106907), sum 0.206907 -> (0.96662, 1.03338).
    /// beta 0.99: raw (0.01, 0.01 / 0.229957 = 0.0434864), sum 0.0534864 -> (0.37393, 1.62607).
    /// beta 0.999: raw (0.001 / 0.963661 = 0.00103771, 0.001 / 0.025678 = 0.0389438), sum 0.0399815 -> (0.051909, 1.948091).
    /// beta 0.9999: raw (1e-4 / 0.282022 = 3.54582e-4, 1e-4 / 0.00259675 = 0.0385096), sum 0.0388642 -> (0.018247, 1.981753).
    /// Inverse: 3339 / (2 * 3313) = 0.503924, 3339 / 52 = 64.2115. Square root: sqrt(26 / 3313) = 0.0885882,
    /// normalised to sum 2: 2 * 0.0885882 / 1.0885882 = 0.162758, 2 / 1.0885882 = 1.837242.
    /// </summary>
    [Theory]
    [InlineData(0.9, 0.96662, 1.03338)]
    [InlineData(0.99, 0.37393, 1.62607)]
    [InlineData(0.999, 0.051909, 1.948091)]
    [InlineData(0.9999, 0.018247, 1.981753)]
    public void Given_3313_vs_26_rows_Then_the_class_balanced_weights_are_the_hand_computed_ones(double beta, double majority, double minority)
    {
        var w = ClassWeights.Effective([3313, 26], beta);

        EngineTestSupport.AssertClose(majority, w[0], 2e-4, 0, $"beta {beta} majority");
        EngineTestSupport.AssertClose(minority, w[1], 2e-5, 0, $"beta {beta} minority");
        EngineTestSupport.AssertClose(2, w[0] + w[1], 1e-15, 0, "sum");
    }

    [Fact]
    public void Given_3313_vs_26_rows_Then_the_inverse_and_square_root_weights_are_the_hand_computed_ones()
    {
        var inverse = ClassWeights.Inverse([3313, 26]);
        var sqrt = ClassWeights.InverseSqrt([3313, 26]);

        EngineTestSupport.AssertClose(0.503924, inverse[0], 1e-6, 0, "inverse majority");
        EngineTestSupport.AssertClose(64.2115, inverse[1], 1e-6, 0, "inverse minority");
        EngineTestSupport.AssertClose(3339, 3313 * inverse[0] + 26 * inverse[1], 1e-14, 0, "mean weight 1 over rows");
        EngineTestSupport.AssertClose(0.162758, sqrt[0], 1e-5, 0, "sqrt majority");
        EngineTestSupport.AssertClose(1.837242, sqrt[1], 1e-6, 0, "sqrt minority");
    }
}
