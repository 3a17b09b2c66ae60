using ImbLab.Analysis.Statistics;

namespace ImbLab.Analysis.Dynamics;

/// <summary>
/// What one sample went through over training. LearnedEpoch: the first epoch after which it stays correct to the
/// last epoch (0 when correct from before training on); null when it is wrong at the last epoch: never learned is a
/// state, not a number. ForgettingEvents: how often it went from correct to wrong between consecutive epochs
/// (Toneva et al. 2019). Confidence / Variability / Correctness: mean, population std and fraction correct of the
/// true-class probability over the training epochs (Swayamdipta et al. 2020). Aum: mean margin (true logit minus the
/// largest other) over epochs 1..E (Pleiss et al. 2020).
/// </summary>
public sealed record SampleDynamics(int? LearnedEpoch, int ForgettingEvents, double Confidence, double Variability, double Correctness, double Aum)
{
    public bool NeverLearned => LearnedEpoch is null;
}

/// <summary>
/// Per-sample dynamics from per-checkpoint arrays (index = sample). Conventions:
/// <list type="bullet">
/// <item>Learned epoch and forgetting events use every checkpoint given, epoch 0 included (a sample right before
/// training and wrong after epoch 1 has forgotten once).</item>
/// <item>Cartography (confidence, variability, correctness) excludes epoch 0 by default: before any update the network
/// has seen nothing, and Swayamdipta et al. average over training epochs. <c>includeEpochZero</c> adds it.</item>
/// <item>AUM always averages over epochs 1..E (Pleiss et al. average over training epochs).</item>
/// <item>With no checkpoint after epoch 0, the averages are NaN.</item>
/// </list>
/// </summary>
public static class SampleDynamicsCalculator
{
    public static SampleDynamics[] Compute(IReadOnlyList<bool[]> correctByEpoch, IReadOnlyList<float[]> pTrueByEpoch,
        IReadOnlyList<float[]> marginByEpoch, IReadOnlyList<int> epochs, bool includeEpochZero = false)
    {
        var checkpoints = epochs.Count;
        if (checkpoints == 0) throw new ArgumentException("at least one checkpoint is needed", nameof(epochs));
        if (correctByEpoch.Count != checkpoints || pTrueByEpoch.Count != checkpoints || marginByEpoch.Count != checkpoints)
            throw new ArgumentException($"every signal needs one array per checkpoint ({checkpoints})", nameof(correctByEpoch));
        for (var k = 1; k < checkpoints; k++)
            if (epochs[k] <= epochs[k - 1]) throw new ArgumentException($"epochs must increase strictly; found {epochs[k - 1]} then {epochs[k]}", nameof(epochs));
        var n = correctByEpoch[0].Length;
        for (var k = 0; k < checkpoints; k++)
            if (correctByEpoch[k].Length != n || pTrueByEpoch[k].Length != n || marginByEpoch[k].Length != n)
                throw new ArgumentException($"checkpoint {k} (epoch {epochs[k]}) has a different number of samples than checkpoint 0 ({n})", nameof(correctByEpoch));

        var result = new SampleDynamics[n];
        var cart = Enumerable.Range(0, checkpoints).Where(k => includeEpochZero || epochs[k] > 0).ToArray();
        var aum = Enumerable.Range(0, checkpoints).Where(k => epochs[k] > 0).ToArray();
        for (var i = 0; i < n; i++)
        {
            var lastWrong = -1;
            var forgetting = 0;
            for (var k = 0; k < checkpoints; k++)
            {
                if (!correctByEpoch[k][i]) lastWrong = k;
                if (k + 1 < checkpoints && correctByEpoch[k][i] && !correctByEpoch[k + 1][i]) forgetting++;
            }
            int? learned = lastWrong == checkpoints - 1 ? null : lastWrong < 0 ? epochs[0] : epochs[lastWrong + 1];

            double sum = 0, right = 0;
            foreach (var k in cart)
            {
                sum += pTrueByEpoch[k][i];
                if (correctByEpoch[k][i]) right++;
            }
            var confidence = cart.Length == 0 ? double.NaN : sum / cart.Length;
            var ss = 0.0;
            foreach (var k in cart) ss += (pTrueByEpoch[k][i] - confidence) * (pTrueByEpoch[k][i] - confidence);
            var variability = cart.Length == 0 ? double.NaN : Math.Sqrt(ss / cart.Length);
            var correctness = cart.Length == 0 ? double.NaN : right / cart.Length;
            var margin = 0.0;
            foreach (var k in aum) margin += marginByEpoch[k][i];
            result[i] = new SampleDynamics(learned, forgetting, confidence, variability, correctness, aum.Length == 0 ? double.NaN : margin / aum.Length);
        }
        return result;
    }
}

/// <summary>
/// A group's dynamics (one class of one split, pooled over runs). Learned-epoch quantiles (10, 25, 50, 75, 90%) are
/// over the learned samples only; the median with its order-statistic 95% interval ranks never-learned samples after
/// every epoch (+∞), so a median of +∞ means more than half were never learned. NeverLearned is a proportion with
/// its Wilson interval.
/// </summary>
public sealed record DynamicsSummary(
    int Samples,
    IReadOnlyList<double> LearnedEpochQuantiles,
    Estimate MedianLearnedEpoch,
    Estimate NeverLearned,
    double MeanForgettingEvents,
    double MeanConfidence,
    double MeanVariability,
    double MeanCorrectness,
    double MeanAum)
{
    public static readonly double[] QuantileLevels = [0.1, 0.25, 0.5, 0.75, 0.9];

    public static DynamicsSummary Of(IReadOnlyCollection<SampleDynamics> samples)
    {
        var learned = samples.Where(s => !s.NeverLearned).Select(s => (double)s.LearnedEpoch!.Value).OrderBy(v => v).ToArray();
        var never = samples.Count(s => s.NeverLearned);
        return new DynamicsSummary(
            samples.Count,
            QuantileLevels.Select(q => Descriptive.Quantile(learned, q)).ToArray(),
            Descriptive.MedianInterval(samples.Select(s => s.LearnedEpoch is { } e ? e : double.PositiveInfinity)),
            Descriptive.Wilson(never, samples.Count),
            MeanOf(samples.Select(s => (double)s.ForgettingEvents)),
            MeanOf(samples.Select(s => s.Confidence)),
            MeanOf(samples.Select(s => s.Variability)),
            MeanOf(samples.Select(s => s.Correctness)),
            MeanOf(samples.Select(s => s.Aum)));
    }

    private static double MeanOf(IEnumerable<double> values) => Descriptive.Mean(Descriptive.Finite(values));
}

/// <summary>One seed's counts for the memorisation gap: minority train samples learned, minority test samples right at the end.</summary>
public readonly record struct GapCounts(int TrainLearned, int TrainSamples, int TestCorrect, int TestSamples)
{
    public double Gap => (double)TrainLearned / TrainSamples - (double)TestCorrect / TestSamples;
}

/// <summary>
/// Memorisation gap = share of minority TRAIN samples learned (not never-learned) minus share of minority TEST samples
/// correct at the last epoch. Pooled: every sample of every seed counted once, Newcombe's interval for a difference
/// of proportions (it treats samples as independent, which seeds sharing a test set are not: read it as a
/// per-sample interval). Across seeds: the mean of the per-seed gaps with its t interval (the honest one for
/// "would it hold with another seed"), cut to [-1, 1], the range a difference of two shares can take.
/// </summary>
public sealed record MemorisationGap(Estimate Pooled, Estimate AcrossSeeds, int Seeds)
{
    public static MemorisationGap Of(IReadOnlyList<GapCounts> seeds)
    {
        var usable = seeds.Where(s => s.TrainSamples > 0 && s.TestSamples > 0).ToList();
        var pooled = Descriptive.ProportionDifference(usable.Sum(s => s.TrainLearned), usable.Sum(s => s.TrainSamples),
            usable.Sum(s => s.TestCorrect), usable.Sum(s => s.TestSamples));
        return new MemorisationGap(pooled, Descriptive.MeanInterval(usable.Select(s => s.Gap)).Clamp(-1, 1, out _), usable.Count);
    }
}
