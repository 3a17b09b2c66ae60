using ImbLab.Analysis.Dynamics;
using Xunit;

namespace ImbLab.Tests.Dynamics;

public sealed class SampleDynamicsTests
{
    // Four samples over epochs 0..5 (6 checkpoints), hand-computed:
    //  s0: F T T T T T -> learned 1, 0 forgetting
    //  s1: T F T F T T -> learned 4, 2 forgetting (0->1, 2->3)
    //  s2: T T T T T T -> learned 0 (correct from before training), 0 forgetting
    //  s3: F T T F F F -> never learned, 1 forgetting
    private static readonly bool[][] Correct =
    [
        [false, true, true, false],
        [true, false, true, true],
        [true, true, true, true],
        [true, false, true, false],
        [true, true, true, false],
        [true, true, true, false],
    ];

    private static readonly int[] Epochs = [0, 1, 2, 3, 4, 5];

    private static readonly float[][] PTrue = Epochs.Select(e => new[] { 0.1f * e, 0.5f, 0.25f + 0.125f * (e % 2), 0.2f }).ToArray();

    private static readonly float[][] Margin = Epochs.Select(e => new[] { (float)e, -1f, 2f, e == 0 ? 100f : -0.5f }).ToArray();

    [Fact]
    public void Given_hand_made_sequences_When_computed_Then_learned_epoch_and_forgetting_match_the_hand_count()
    {
        var d = SampleDynamicsCalculator.Compute(Correct, PTrue, Margin, Epochs);
        Assert.Equal([1, 4, 0, null], d.Select(s => s.LearnedEpoch));
        Assert.Equal([0, 2, 0, 1], d.Select(s => s.ForgettingEvents));
        Assert.True(d[3].NeverLearned);
        Assert.False(d[2].NeverLearned);
    }

    [Fact]
    public void Given_hand_made_sequences_When_computed_Then_cartography_excludes_epoch_0_by_default()
    {
        var d = SampleDynamicsCalculator.Compute(Correct, PTrue, Margin, Epochs);
        // s0: p = 0.1..0.5 over epochs 1..5: mean 0.3, population std sqrt(0.02) = 0.1414..., all correct.
        Assert.Equal(0.3, d[0].Confidence, 6);
        Assert.Equal(Math.Sqrt(0.02), d[0].Variability, 6);
        Assert.Equal(1.0, d[0].Correctness, 12);
        // s1: correct at epochs 2, 4, 5 of 1..5 -> 0.6; constant p -> variability 0.
        Assert.Equal(0.6, d[1].Correctness, 12);
        Assert.Equal(0.0, d[1].Variability, 12);
        // s2: p alternates 0.375 (odd epochs 1, 3, 5), 0.25 (2, 4): mean 0.325, std sqrt(0.00375) .
        Assert.Equal(0.325, d[2].Confidence, 6);
        Assert.Equal(Math.Sqrt(0.00375), d[2].Variability, 6);
        // s3: correct at 1, 2 of 1..5 -> 0.4. AUM excludes epoch 0's margin of 100.
        Assert.Equal(0.4, d[3].Correctness, 12);
        Assert.Equal(-0.5, d[3].Aum, 12);
        Assert.Equal(3.0, d[0].Aum, 12);
    }

    [Fact]
    public void Given_epoch_0_included_When_computed_Then_cartography_averages_over_6_checkpoints_and_AUM_does_not_change()
    {
        var d = SampleDynamicsCalculator.Compute(Correct, PTrue, Margin, Epochs, includeEpochZero: true);
        Assert.Equal(0.25, d[0].Confidence, 6); // 0, 0.1, ..., 0.5
        Assert.Equal(2.0 / 6, d[3].Correctness, 12); // right at epochs 1 and 2 only
        Assert.Equal(-0.5, d[3].Aum, 12);
    }

    [Fact]
    public void Given_a_group_When_summarised_Then_never_learned_share_and_median_rank_never_learned_last()
    {
        var d = SampleDynamicsCalculator.Compute(Correct, PTrue, Margin, Epochs);
        var s = DynamicsSummary.Of(d);
        Assert.Equal(4, s.Samples);
        Assert.Equal(0.25, s.NeverLearned.Value, 12);
        Assert.True(s.NeverLearned.Low < 0.25 && s.NeverLearned.High > 0.25);
        Assert.Equal(2.5, s.MedianLearnedEpoch.Value, 12); // 0, 1, 4, +inf -> (1 + 4) / 2
        Assert.Equal(1, s.LearnedEpochQuantiles[2], 12); // over learned only: 0, 1, 4
        Assert.Equal(0.75, s.MeanForgettingEvents, 12);
    }

    [Fact]
    public void Given_mismatched_arrays_When_computed_Then_it_says_which_checkpoint()
    {
        var bad = Correct.Select((c, k) => k == 3 ? c[..2] : c).ToArray();
        var e = Assert.Throws<ArgumentException>(() => SampleDynamicsCalculator.Compute(bad, PTrue, Margin, Epochs));
        Assert.Contains("checkpoint 3", e.Message);
    }

    [Fact]
    public void Given_seed_counts_When_the_memorisation_gap_is_computed_Then_pooled_and_across_seed_estimates_agree_in_sign()
    {
        var gap = MemorisationGap.Of([new GapCounts(10, 10, 2, 10), new GapCounts(9, 10, 3, 10), new GapCounts(10, 10, 1, 10)]);
        Assert.Equal(3, gap.Seeds);
        Assert.Equal(29.0 / 30 - 6.0 / 30, gap.Pooled.Value, 12);
        Assert.True(gap.Pooled.Low > 0.4 && gap.Pooled.High < 1);
        Assert.Equal(gap.Pooled.Value, gap.AcrossSeeds.Value, 12);
        Assert.True(gap.AcrossSeeds.Low > 0.3); // gaps 0.8, 0.6, 0.9: t(2) interval 0.767 ± 0.380
    }
}
