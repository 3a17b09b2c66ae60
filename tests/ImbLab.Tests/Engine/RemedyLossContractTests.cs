using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>Class counts of the contract's 3-class batches: a majority, a middle class and a rare one.</summary>
internal static class ContractCounts
{
    public static readonly int[] Counts = [400, 30, 6];
}

public sealed class InverseWeightedCrossEntropyContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.Weighted(ClassWeights.Inverse(ContractCounts.Counts));
}

public sealed class ClassBalancedCrossEntropyContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.Weighted(ClassWeights.Effective(ContractCounts.Counts, 0.999));
}

public sealed class FocalLossContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.Focal(2);
}

/// <summary>A fractional gamma (Math.Pow, q^(gamma - 1) unbounded as p_y -> 1) with a class factor.</summary>
public sealed class FocalLossWithAlphaContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.Focal(0.5, [0.25, 0.75, 0.75]);
}

public sealed class LdamContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.Ldam(ContractCounts.Counts);

    private protected override float FiniteDifferenceStep => 1f / 128 / 32;
}

public sealed class WeightedLdamContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.Ldam(ContractCounts.Counts, 0.3, 10, ClassWeights.Effective(ContractCounts.Counts, 0.9999));

    private protected override float FiniteDifferenceStep => 1f / 128 / 16;
}

public sealed class BalancedSoftmaxContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.BalancedSoftmax(ContractCounts.Counts);
}

public sealed class LogitAdjustedContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.LogitAdjusted(ContractCounts.Counts, 1.5);
}

public sealed unsafe class ClassDependentTemperatureContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.ClassDependentTemperature(ContractCounts.Counts, 0.3);

    private protected override string? NotShiftInvariantBecause =>
        "CDT divides class c's logit by its own a_c, so a constant added to every logit moves the classes by k / a_c, unequally; " +
        "the invariance it has instead (z_c + k a_c) is tested below";

    [Fact]
    public void Given_each_logit_shifted_by_a_constant_times_its_temperature_Then_the_loss_and_deltas_do_not_change()
    {
        float[] a = [.. ContractCounts.Counts.Select(n => (float)Math.Pow(400.0 / n, 0.3))];
        float[] logits = [0.5f, -1.25f, 2f, 0, 0, 0, 0, 0, -0.75f, 1.5f, 0.25f, 0, 0, 0, 0, 0];
        var shifted = (float[])logits.Clone();
        for (var r = 0; r < 2; r++)
            for (var c = 0; c < 3; c++) shifted[r * 8 + c] += 2.5f * a[c];
        var deltas = new float[16];
        var shiftedDeltas = new float[16];

        double sum, shiftedSum;
        fixed (float* z = logits)
        fixed (float* d = deltas)
            sum = Loss.Sum(new LossBatch(z, d, 8, 3, 2, [2, 0], 0), 1.0);
        fixed (float* z = shifted)
        fixed (float* d = shiftedDeltas)
            shiftedSum = Loss.Sum(new LossBatch(z, d, 8, 3, 2, [2, 0], 0), 1.0);

        // The shifted logits are rounded to float: the adjusted logits agree to ~1e-7 of their size, not exactly.
        EngineTestSupport.AssertClose(sum, shiftedSum, 1e-6, 1e-7, "sum");
        for (var i = 0; i < 16; i++) EngineTestSupport.AssertClose(deltas[i], shiftedDeltas[i], 1e-5, 1e-7, $"delta[{i}]");
    }
}

public sealed class LabelSmoothingContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.LabelSmoothing(0.2);
}

/// <summary>DRW switching at epoch 2: the contract's batches at epoch 0 see plain CE, the one at epoch 3 the weighted loss.</summary>
public sealed class DeferredReweightingContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.Drw(ContractCounts.Counts, 2);
}

/// <summary>LDAM-DRW already switched (atEpoch 0), so the contract sees the weighted LDAM through the deferral.</summary>
public sealed class LdamDrwContractTests : LossContract
{
    private protected override ILoss Loss { get; } = Losses.LdamDrw(ContractCounts.Counts, 0);

    private protected override float FiniteDifferenceStep => 1f / 128 / 32;
}

/// <summary>
/// Group DRO: each access makes a fresh instance (q uniform), since Mean updates q; Sum, which most of the contract
/// uses, does not touch q.
/// </summary>
public sealed unsafe class GroupDroContractTests : LossContract
{
    private protected override ILoss Loss => Losses.GroupDro(3, 0.5);

    private protected override string? MeanDeltasAreNotItsDerivativeBecause =>
        "group DRO's Mean moves q with the batch's losses and then differentiates sum_c q_c L_c with q held constant " +
        "(the authors' detached update): its value as a function of the logits includes q's dependence, its deltas do not; " +
        "the deltas are checked against sum_c q_c L_c at the updated q below and against the authors' code in the goldens";

    [Fact]
    public void Given_a_batch_When_taking_the_mean_Then_the_deltas_are_the_derivative_of_the_loss_at_the_updated_q()
    {
        var rng = new ImbLab.Core.Rng(12);
        var logits = new float[6 * 8];
        for (var r = 0; r < 6; r++)
            for (var c = 0; c < 3; c++) logits[r * 8 + c] = rng.NextInt(4096) / 512f - 4f;
        int[] labels = [0, 1, 2, 0, 0, 1];
        var loss = (GroupDroLoss)Losses.GroupDro(3, 0.5);
        var deltas = new float[logits.Length];
        double mean;
        fixed (float* z = logits)
        fixed (float* d = deltas)
            mean = loss.Mean(new LossBatch(z, d, 8, 3, 6, labels, 0));

        // sum_c q_c L_c = sum_r (q_{y_r} / m_{y_r}) l_r: a class-weighted sum with q frozen.
        var frozen = Losses.Weighted([loss.Q[0] / 3, loss.Q[1] / 2, loss.Q[2] / 1]);
        double Frozen(float[] z)
        {
            fixed (float* p = z)
            fixed (float* d = new float[z.Length])
                return frozen.Sum(new LossBatch(p, d, 8, 3, 6, labels, 0), 1.0);
        }
        EngineTestSupport.AssertClose(Frozen(logits), mean, 1e-12, 0, "the loss is sum_c q_c L_c at the new q");
        const float h = 1f / 128;
        for (var i = 0; i < logits.Length; i++)
        {
            if (i % 8 >= 3) continue;
            var saved = logits[i];
            logits[i] = saved + h;
            var up = Frozen(logits);
            logits[i] = saved - h;
            var down = Frozen(logits);
            logits[i] = saved;
            EngineTestSupport.AssertClose((up - down) / (2 * h), deltas[i], 1e-4, 1e-5, $"d/dz[{i / 8},{i % 8}]");
        }
    }
}
