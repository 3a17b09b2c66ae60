using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

public sealed class ClassBalancedBatchesContractTests : BatchSamplerContract
{
    private protected override IBatchSampler Sampler => BatchSamplers.ClassBalanced;
}

public sealed class SquareRootBatchesContractTests : BatchSamplerContract
{
    private protected override IBatchSampler Sampler => BatchSamplers.SquareRoot;
}

public sealed class ClassPowerBatchesContractTests : BatchSamplerContract
{
    private protected override IBatchSampler Sampler => BatchSamplers.ClassPower(0.25);
}

public sealed class InstanceBalancedPowerBatchesContractTests : BatchSamplerContract
{
    private protected override IBatchSampler Sampler => BatchSamplers.ClassPower(1);
}

public sealed class DeferredBatchesContractTests : BatchSamplerContract
{
    private protected override IBatchSampler Sampler { get; } = BatchSamplers.Deferred(BatchSamplers.Reshuffled, BatchSamplers.ClassBalanced, 2);
}

/// <summary>
/// What each class-aware sampler promises beyond the contract, on frames of several shapes. Tolerances: an epoch's
/// class count is its target (N p_c) rounded down or up, so within one row; class-balanced batches hold each class
/// floor or ceil(s / C) times exactly.
/// </summary>
public sealed class ClassSamplerTests
{
    /// <summary>(class counts, batch size): the contract's 70/20/7 in batches of 8, W's 1% minority in batches of 32, four classes one of them absent, a batch smaller than C.</summary>
    public static TheoryData<int[], int> Frames() => new()
    {
        { [70, 20, 7], 8 },
        { [3306, 33], 32 },
        { [40, 0, 25, 6], 10 },
        { [12, 9, 5], 2 },
        { [1, 30], 7 },
    };

    private static int[] LabelsOf(int[] counts)
    {
        // Interleaved, not sorted, so no sampler can pass by taking rows in index order.
        var labels = counts.SelectMany((n, c) => Enumerable.Repeat(c, n)).ToArray();
        new ImbLab.Core.Rng(17).Shuffle(labels.AsSpan());
        return labels;
    }

    private static int[] Order(IBatchSampler sampler, int[] labels, int[] counts, int batch, ulong seed, int epoch)
    {
        var frame = new SamplingFrame(labels, counts, batch, seed);
        var order = new int[sampler.EpochRows(frame)];
        sampler.Fill(frame, epoch, order);
        return order;
    }

    private static int[] ClassCounts(int[] order, int[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (var r in order) counts[labels[r]]++;
        return counts;
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Given_class_balanced_batches_When_an_epoch_is_cut_into_batches_Then_each_batch_holds_every_class_floor_or_ceil_of_its_size_over_C(int[] counts, int batch)
    {
        var labels = LabelsOf(counts);
        var present = counts.Count(n => n > 0);
        for (var epoch = 0; epoch < 5; epoch++)
        {
            var order = Order(BatchSamplers.ClassBalanced, labels, counts, batch, 3, epoch);
            Assert.Equal(labels.Length, order.Length);
            for (var start = 0; start < order.Length; start += batch)
            {
                var size = Math.Min(batch, order.Length - start);
                var inBatch = ClassCounts(order[start..(start + size)], labels, counts.Length);
                for (var c = 0; c < counts.Length; c++)
                    if (counts[c] == 0) Assert.Equal(0, inBatch[c]);
                    else Assert.InRange(inBatch[c], size / present, (size + present - 1) / present);
            }
            var perEpoch = ClassCounts(order, labels, counts.Length).Where((_, c) => counts[c] > 0).ToArray();
            Assert.InRange(perEpoch.Max() - perEpoch.Min(), 0, 1);
        }
    }

    /// <summary>Each class's rows come from its cycled permutations, so counted from epoch 0 no row of a class is drawn two more times than another.</summary>
    [Theory]
    [MemberData(nameof(Frames))]
    public void Given_class_balanced_batches_When_many_epochs_are_drawn_Then_every_row_of_a_class_is_seen_as_often_as_the_others_within_one(int[] counts, int batch)
    {
        var labels = LabelsOf(counts);
        var seen = new int[labels.Length];
        for (var epoch = 0; epoch < 23; epoch++)
        {
            foreach (var r in Order(BatchSamplers.ClassBalanced, labels, counts, batch, 8, epoch)) seen[r]++;
            for (var c = 0; c < counts.Length; c++)
            {
                if (counts[c] == 0) continue;
                var ofClass = Enumerable.Range(0, labels.Length).Where(r => labels[r] == c).Select(r => seen[r]).ToArray();
                Assert.InRange(ofClass.Max() - ofClass.Min(), 0, 1);
            }
        }
    }

    /// <summary>6 vs 2 rows in batches of 4: every batch is 2 + 2, so each minority row comes twice per epoch.</summary>
    [Fact]
    public void Given_6_vs_2_rows_in_batches_of_4_When_class_balanced_Then_every_batch_is_2_and_2_and_each_minority_row_comes_twice()
    {
        int[] labels = [0, 1, 0, 0, 0, 1, 0, 0];
        for (var epoch = 0; epoch < 4; epoch++)
        {
            var order = Order(BatchSamplers.ClassBalanced, labels, [6, 2], 4, 1, epoch);
            Assert.Equal(2, order.Take(4).Count(r => labels[r] == 1));
            Assert.Equal(2, order.Skip(4).Count(r => labels[r] == 1));
            Assert.Equal([1, 1, 5, 5], order.Where(r => labels[r] == 1).Order());
        }
    }

    /// <summary>90 vs 10 rows: sqrt(90) = 3 sqrt(10), so p = (3/4, 1/4) and every epoch of 100 rows holds exactly 75 and 25.</summary>
    [Fact]
    public void Given_90_vs_10_rows_When_square_root_sampled_Then_every_epoch_holds_75_and_25()
    {
        var counts = new[] { 90, 10 };
        var labels = LabelsOf(counts);
        for (var epoch = 0; epoch < 6; epoch++)
            Assert.Equal([75, 25], ClassCounts(Order(BatchSamplers.SquareRoot, labels, counts, 32, 2, epoch), labels, 2));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.25)]
    [InlineData(2.0)]
    [InlineData(-0.5)]
    public void Given_a_class_power_When_epochs_are_drawn_Then_each_class_count_is_N_p_c_within_one_and_on_average(double q)
    {
        foreach (var (counts, _) in new[] { ([70, 20, 7], 8), ([3306, 33], 32), (new[] { 40, 0, 25, 6 }, 10) })
        {
            var labels = LabelsOf(counts);
            var weights = counts.Select(n => n > 0 ? Math.Pow(n, q) : 0).ToArray();
            var target = weights.Select(w => labels.Length * w / weights.Sum()).ToArray();
            var sampler = BatchSamplers.ClassPower(q);
            var total = new double[counts.Length];
            const int epochs = 300;
            for (var epoch = 0; epoch < epochs; epoch++)
            {
                var perClass = ClassCounts(Order(sampler, labels, counts, 8, 5, epoch), labels, counts.Length);
                for (var c = 0; c < counts.Length; c++)
                {
                    Assert.InRange(perClass[c], Math.Floor(target[c] - 1e-9), Math.Ceiling(target[c] + 1e-9));
                    total[c] += perClass[c];
                }
            }
            // The rounding offset is uniform per epoch, so the mean count is N p_c; 300 epochs of a 0/1 rounding: sd <= 0.03.
            for (var c = 0; c < counts.Length; c++) Assert.Equal(target[c], total[c] / epochs, 0.15);
        }
    }

    [Fact]
    public void Given_class_power_1_When_an_epoch_is_drawn_Then_every_row_comes_exactly_once()
    {
        var counts = new[] { 70, 20, 7 };
        var labels = LabelsOf(counts);
        for (var epoch = 0; epoch < 5; epoch++)
            Assert.Equal(Enumerable.Range(0, labels.Length), Order(BatchSamplers.ClassPower(1), labels, counts, 8, 4, epoch).Order());
    }

    [Fact]
    public void Given_the_factory_Then_q_0_is_class_balanced_and_q_one_half_is_square_root()
    {
        Assert.Same(BatchSamplers.ClassBalanced, BatchSamplers.ClassPower(0));
        Assert.Same(BatchSamplers.SquareRoot, BatchSamplers.ClassPower(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchSamplers.ClassPower(double.NaN));
    }

    [Fact]
    public void Given_two_instances_of_a_sampler_with_the_same_seed_Then_their_orders_are_the_same()
    {
        var counts = new[] { 70, 20, 7 };
        var labels = LabelsOf(counts);
        for (var epoch = 0; epoch < 3; epoch++)
            Assert.Equal(Order(BatchSamplers.ClassPower(0.3), labels, counts, 8, 6, epoch), Order(BatchSamplers.ClassPower(0.3), labels, counts, 8, 6, epoch));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Given_a_deferred_sampler_When_epochs_are_drawn_Then_it_switches_exactly_at_the_given_epoch(int at)
    {
        var counts = new[] { 70, 20, 7 };
        var labels = LabelsOf(counts);
        var deferred = BatchSamplers.Deferred(BatchSamplers.Reshuffled, BatchSamplers.ClassBalanced, at);
        for (var epoch = 0; epoch < 7; epoch++)
        {
            var order = Order(deferred, labels, counts, 8, 12, epoch);
            var before = Order(BatchSamplers.Reshuffled, labels, counts, 8, 12, epoch);
            var after = Order(BatchSamplers.ClassBalanced, labels, counts, 8, 12, epoch);
            Assert.Equal(epoch < at ? before : after, order);
            Assert.NotEqual(epoch < at ? after : before, order);
        }
    }

    [Fact]
    public void Given_a_deferred_sampler_over_samplers_of_different_epoch_lengths_Then_it_refuses_to_lay_out_an_epoch()
    {
        var deferred = BatchSamplers.Deferred(BatchSamplers.Reshuffled, new HalfEpoch(), 3);
        int[] labels = [0, 1, 0, 1];

        var error = Assert.Throws<InvalidOperationException>(() => deferred.EpochRows(new SamplingFrame(labels, [2, 2], 2, 1)));

        Assert.Contains("4 and 2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchSamplers.Deferred(BatchSamplers.Reshuffled, BatchSamplers.ClassBalanced, -1));
    }

    private sealed class HalfEpoch : IBatchSampler
    {
        public int EpochRows(in SamplingFrame frame) => frame.Rows / 2;

        public void Fill(in SamplingFrame frame, int epoch, Span<int> order)
        {
            for (var i = 0; i < order.Length; i++) order[i] = i;
        }
    }
}
