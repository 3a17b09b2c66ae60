using CsCheck;
using ImbLab.Core;
using ImbLab.Data;
using Xunit;

namespace ImbLab.Tests.Protocols;

public sealed class SplitterTests
{
    /// <summary>Labels with 2 to 4 classes of the given sizes, in a random order.</summary>
    internal static Gen<int[]> Labels(int minPerClass, int maxPerClass) =>
        Gen.Select(Gen.Int[minPerClass, maxPerClass].Array[2, 4], Gen.ULong, (counts, seed) =>
        {
            var labels = counts.SelectMany((n, c) => Enumerable.Repeat(c, n)).ToArray();
            new Rng(seed).Shuffle(labels.AsSpan());
            return labels;
        });

    private static int[] CountsIn(IReadOnlyList<int> labels, IEnumerable<int> rows, int classes)
    {
        var counts = new int[classes];
        foreach (var r in rows) counts[labels[r]]++;
        return counts;
    }

    private static void AssertPartition(int rowCount, DataSplit split)
    {
        Assert.Equal(split.TrainRows.Order(), split.TrainRows);
        Assert.Equal(split.TestRows.Order(), split.TestRows);
        Assert.Empty(split.TrainRows.Intersect(split.TestRows));
        Assert.Equal(Enumerable.Range(0, rowCount), split.TrainRows.Concat(split.TestRows).Order());
    }

    [Fact]
    public void Given_random_labels_When_k_fold_Then_folds_are_stratified_disjoint_and_cover_all_rows()
    {
        Gen.Select(Labels(10, 60), Gen.Int[2, 10], Gen.ULong).Sample((labels, k, seed) =>
        {
            var classes = labels.Max() + 1;
            var splits = Splitter.StratifiedKFold(labels, k, seed);
            Assert.Equal(k, splits.Count);
            var perFold = splits.Select(s => CountsIn(labels, s.TestRows, classes)).ToArray();
            for (var c = 0; c < classes; c++)
            {
                var sizes = perFold.Select(f => f[c]).ToArray();
                Assert.True(sizes.Max() - sizes.Min() <= 1, $"class {c} fold sizes {string.Join(",", sizes)}");
            }
            var totals = splits.Select(s => s.TestRows.Length).ToArray();
            Assert.True(totals.Max() - totals.Min() <= 1);
            foreach (var (s, f) in splits.Select((s, f) => (s, f)))
            {
                Assert.Equal((0, f), (s.Repeat, s.Fold));
                AssertPartition(labels.Length, s);
            }
            Assert.Equal(Enumerable.Range(0, labels.Length), splits.SelectMany(s => s.TestRows).Order());
        }, iter: 200);
    }

    [Fact]
    public void Given_the_same_seed_When_splitting_twice_Then_splits_are_identical_and_another_seed_differs()
    {
        Gen.Select(Labels(20, 60), Gen.ULong).Sample((labels, seed) =>
        {
            var a = Splitter.StratifiedKFold(labels, 5, seed);
            var b = Splitter.StratifiedKFold(labels, 5, seed);
            var other = Splitter.StratifiedKFold(labels, 5, seed + 1);
            Assert.Equal(a.Select(s => s.TestRows), b.Select(s => s.TestRows));
            Assert.NotEqual(a.Select(s => s.TestRows), other.Select(s => s.TestRows));

            var h = Splitter.HoldOut(labels, 0.25, seed);
            Assert.Equal(h.TestRows, Splitter.HoldOut(labels, 0.25, seed).TestRows);
            Assert.NotEqual(h.TestRows, Splitter.HoldOut(labels, 0.25, seed + 1).TestRows);
        }, iter: 50);
    }

    [Fact]
    public void Given_random_labels_When_hold_out_Then_each_class_sends_its_rounded_share_to_test()
    {
        Gen.Select(Labels(1, 80), Gen.Double[0.05, 0.95], Gen.ULong).Sample((labels, fraction, seed) =>
        {
            var classes = labels.Max() + 1;
            var split = Splitter.HoldOut(labels, fraction, seed);
            AssertPartition(labels.Length, split);
            var all = CountsIn(labels, Enumerable.Range(0, labels.Length), classes);
            var test = CountsIn(labels, split.TestRows, classes);
            for (var c = 0; c < classes; c++)
            {
                var n = all[c];
                var expected = n < 2 ? 0 : Math.Clamp((int)Math.Round(n * fraction, MidpointRounding.AwayFromZero), 1, n - 1);
                Assert.Equal(expected, test[c]);
            }
        }, iter: 200);
    }

    [Fact]
    public void Given_a_class_of_five_When_holding_out_10_percent_Then_one_test_row_and_four_train_rows()
    {
        int[] labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        var split = Splitter.HoldOut(labels, 0.1, 7);
        Assert.Equal(1, split.TestRows.Count(r => labels[r] == 0)); // round(0.5) = 0 would leave class 0 untested: clamped to 1
        Assert.Equal(2, split.TestRows.Count(r => labels[r] == 1)); // round(1.5) = 2, halves away from zero
    }

    [Fact]
    public void Given_repeats_When_repeated_k_fold_Then_each_repeat_is_a_full_k_fold_and_repeats_differ()
    {
        var labels = Labels(20, 40).Single();
        var splits = Splitter.RepeatedStratifiedKFold(labels, 4, 3, 99);
        Assert.Equal(12, splits.Count);
        Assert.Equal(Enumerable.Range(0, 3).SelectMany(r => Enumerable.Range(0, 4).Select(f => (r, f))), splits.Select(s => (s.Repeat, s.Fold)));
        foreach (var repeat in splits.GroupBy(s => s.Repeat))
            Assert.Equal(Enumerable.Range(0, labels.Length), repeat.SelectMany(s => s.TestRows).Order());
        Assert.NotEqual(splits[0].TestRows, splits[4].TestRows);
        Assert.Equal(Splitter.StratifiedKFold(labels, 4, 99).Select(s => s.TestRows), splits.Take(4).Select(s => s.TestRows));
    }

    [Fact]
    public void Given_a_class_smaller_than_k_When_k_fold_Then_infeasible_naming_the_class_its_count_and_k()
    {
        int[] labels = [.. Enumerable.Repeat(0, 30), .. Enumerable.Repeat(1, 3)];
        var ex = Assert.Throws<InfeasibleException>(() => Splitter.StratifiedKFold(labels, 5, 1, ["negative", "positive"]));
        Assert.Contains("'positive'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("has 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5-fold", ex.Message, StringComparison.Ordinal);
        var bare = Assert.Throws<InfeasibleException>(() => Splitter.RepeatedStratifiedKFold(labels, 4, 2, 1));
        Assert.Contains("class 1 has 3", bare.Message, StringComparison.Ordinal);
    }
}
