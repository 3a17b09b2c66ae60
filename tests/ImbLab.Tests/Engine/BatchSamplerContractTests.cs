using ImbLab.Core;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

/// <summary>
/// One contract every <see cref="IBatchSampler"/> passes on an imbalanced 3-class set of 97 rows (70/20/7): valid row
/// indices, a fixed epoch length, the same order for the same seed and epoch whatever else runs (threads included),
/// fresh orders across epochs and seeds, and a trainer that trains on exactly that order in batches, the last partial.
/// </summary>
public abstract class BatchSamplerContract
{
    private const int Rows = 97;
    private const int Batch = 8;
    private static readonly int[] Labels = Enumerable.Range(0, Rows).Select(i => (i * 37 % Rows) switch { < 70 => 0, < 90 => 1, _ => 2 }).ToArray();
    private static readonly int[] Counts = Enumerable.Range(0, 3).Select(c => Labels.Count(y => y == c)).ToArray();

    /// <summary>private protected: the sampler types are internal, and xunit needs the test classes public.</summary>
    private protected abstract IBatchSampler Sampler { get; }

    private protected int[] Order(ulong seed, int epoch)
    {
        var frame = new SamplingFrame(Labels, Counts, Batch, seed);
        var order = new int[Sampler.EpochRows(frame)];
        Sampler.Fill(frame, epoch, order);
        return order;
    }

    private protected static int RowCount => Rows;

    [Fact]
    public void Given_any_seed_and_epoch_Then_the_order_has_the_same_length_and_only_valid_rows()
    {
        var length = Order(1, 0).Length;
        Assert.True(length >= 1);
        foreach (var (seed, epoch) in new[] { (1UL, 0), (1UL, 5), (2UL, 0), (99UL, 31) })
        {
            var order = Order(seed, epoch);
            Assert.Equal(length, order.Length);
            Assert.All(order, r => Assert.InRange(r, 0, Rows - 1));
        }
    }

    [Fact]
    public void Given_the_same_seed_and_epoch_Then_the_order_is_the_same_even_after_other_epochs()
    {
        var first = Order(7, 2);
        Order(7, 3);
        Order(8, 2);

        Assert.Equal(first, Order(7, 2));
    }

    [Fact]
    public void Given_other_epochs_or_seeds_Then_the_orders_differ()
    {
        var orders = new[] { Order(7, 0), Order(7, 1), Order(7, 2), Order(8, 0) };

        for (var i = 0; i < orders.Length; i++)
            for (var j = i + 1; j < orders.Length; j++) Assert.NotEqual(orders[i], orders[j]);
    }

    [Fact]
    public void Given_many_threads_filling_at_once_Then_each_order_is_the_one_a_single_thread_gets()
    {
        var keys = Enumerable.Range(0, 32).Select(i => ((ulong)(i % 4), i / 4)).ToArray();
        var sequential = keys.Select(k => Order(k.Item1, k.Item2)).ToArray();
        var parallel = new int[keys.Length][];

        Parallel.For(0, keys.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Order(keys[i].Item1, keys[i].Item2));

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Given_jobs_with_the_sampler_Then_each_epoch_trains_on_its_order_in_full_batches_then_a_partial_one_for_any_thread_count()
    {
        var shape = new MlpShape(4, [5], 3);
        var (x, _) = EngineTestSupport.RandomBatch(Rows, 4, 3, 3);
        List<(int Step, int Epoch, int[] Rows, float[] Logits)>[] Train(int threads)
        {
            var recorders = Enumerable.Range(0, 3).Select(_ => new BatchRecorder()).ToArray();
            var jobs = recorders.Select((r, j) => new TrainingJob(new Mlp(shape, 1), x, Labels, Rows, new OptimizerSettings(), 3, Batch, 40UL + (ulong)j, 0, r)
            {
                Sampler = Sampler,
            }).ToArray();
            LockstepTrainer.Train(jobs, threads, CancellationToken.None);
            return recorders.Select(r => r.Batches).ToArray();
        }

        var one = Train(1);
        var two = Train(2);

        for (var j = 0; j < 3; j++)
        {
            for (var epoch = 0; epoch < 3; epoch++)
            {
                var order = Order(40UL + (ulong)j, epoch);
                var batches = one[j].Where(b => b.Epoch == epoch).Select(b => b.Rows).ToArray();
                var sizes = Enumerable.Range(0, (order.Length + Batch - 1) / Batch).Select(b => Math.Min(Batch, order.Length - b * Batch));
                Assert.Equal(sizes, batches.Select(b => b.Length));
                Assert.Equal(order, batches.SelectMany(b => b));
            }
            Assert.Equal(one[j].Count, two[j].Count);
            for (var b = 0; b < one[j].Count; b++)
            {
                Assert.Equal((one[j][b].Step, one[j][b].Epoch), (two[j][b].Step, two[j][b].Epoch));
                Assert.Equal(one[j][b].Rows, two[j][b].Rows);
                Assert.Equal(one[j][b].Logits, two[j][b].Logits);
            }
        }
    }
}

public sealed class ReshuffledBatchesContractTests : BatchSamplerContract
{
    private protected override IBatchSampler Sampler => ReshuffledBatches.Instance;

    [Fact]
    public void Given_any_epoch_Then_every_row_comes_exactly_once()
    {
        for (var epoch = 0; epoch < 4; epoch++) Assert.Equal(Enumerable.Range(0, RowCount), Order(5, epoch).Order());
    }

    /// <summary>The random stream every recorded run was trained with: a Fisher-Yates shuffle of 0..rows-1 from the seed's "shuffle" stream of the epoch.</summary>
    [Fact]
    public void Given_a_seed_and_epoch_Then_the_order_is_the_seeds_shuffle_stream_for_that_epoch()
    {
        for (var epoch = 0; epoch < 3; epoch++)
        {
            var expected = Enumerable.Range(0, RowCount).ToArray();
            new Rng(Rng.Derive(11, "shuffle", epoch)).Shuffle(expected.AsSpan());
            Assert.Equal(expected, Order(11, epoch));
        }
    }
}
