using ImbLab.Core;

namespace ImbLab.Engine;

/// <summary>What a sampler may draw from: one job's training labels, their class counts, batch size and shuffle seed.</summary>
public readonly ref struct SamplingFrame(ReadOnlySpan<int> labels, ReadOnlySpan<int> classCounts, int batchSize, ulong seed)
{
    /// <summary>The label of every training row (exactly the job's rows).</summary>
    public ReadOnlySpan<int> Labels { get; } = labels;

    /// <summary>Training rows of each class.</summary>
    public ReadOnlySpan<int> ClassCounts { get; } = classCounts;

    public int BatchSize { get; } = batchSize;

    public ulong Seed { get; } = seed;

    public int Rows => Labels.Length;
}

/// <summary>
/// Decides which training rows each epoch visits and in what order; the trainer cuts the order into consecutive
/// batches of the job's batch size, the last one partial. Implementations are immutable and draw every epoch from
/// the frame's seed and the epoch alone, so one instance can serve every job on every thread.
/// </summary>
public interface IBatchSampler
{
    /// <summary>Row indices one epoch visits: the length <see cref="Fill"/> writes. The same for every epoch (the checkpoint schedule is laid out from it).</summary>
    int EpochRows(in SamplingFrame frame);

    /// <summary>Writes epoch <paramref name="epoch"/>'s order (<see cref="EpochRows"/> row indices into the frame's rows).</summary>
    void Fill(in SamplingFrame frame, int epoch, Span<int> order);
}

/// <summary>Every row once per epoch, in a fresh random order each epoch (a Fisher-Yates shuffle from the seed's "shuffle" stream for that epoch).</summary>
internal sealed class ReshuffledBatches : IBatchSampler
{
    public static ReshuffledBatches Instance { get; } = new();

    private ReshuffledBatches()
    {
    }

    public int EpochRows(in SamplingFrame frame) => frame.Rows;

    public void Fill(in SamplingFrame frame, int epoch, Span<int> order)
    {
        if (order.Length != frame.Rows) throw new ArgumentException($"order has {order.Length} slots; the epoch visits {frame.Rows} rows", nameof(order));
        for (var i = 0; i < order.Length; i++) order[i] = i;
        new Rng(Rng.Derive(frame.Seed, "shuffle", epoch)).Shuffle(order);
    }
}
