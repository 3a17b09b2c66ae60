using System.Runtime.CompilerServices;
using ImbLab.Core;

namespace ImbLab.Engine;

/// <summary>
/// What the class-aware samplers share. Each class's rows are drawn from an endless stream: its rows in a fresh random
/// permutation, then another, and so on (cycle k of class c from the seed's "class-cycle" stream for (c, k)). An epoch
/// takes the next stretch of every class's stream, where the stretch starts is the sum of the class's quotas in the
/// earlier epochs (recomputed from the seed: the samplers keep no state). So, counted from epoch 0, no row of a class is
/// drawn twice more often than another row of it: the minority's rows are seen as evenly as the quotas allow.
/// </summary>
internal static class ClassStreams
{
    /// <summary>The rows of each class (ascending), empty for a class without rows.</summary>
    public static int[][] RowsByClass(in SamplingFrame frame)
    {
        var rows = new int[frame.ClassCounts.Length][];
        for (var c = 0; c < rows.Length; c++) rows[c] = new int[frame.ClassCounts[c]];
        var filled = new int[rows.Length];
        for (var i = 0; i < frame.Labels.Length; i++)
        {
            var y = frame.Labels[i];
            rows[y][filled[y]++] = i;
        }
        return rows;
    }

    /// <summary>Positions [start, start + destination.Length) of class <paramref name="c"/>'s stream, as row indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Take(int[] classRows, ulong seed, int c, long start, Span<int> destination)
    {
        if (destination.IsEmpty) return;
        var n = classRows.Length;
        var permutation = new int[n];
        var cycle = start / n;
        var from = (int)(start % n);
        while (!destination.IsEmpty)
        {
            // Fisher-Yates run from the front: its first `to` places are settled after `to` steps, so a stretch that
            // ends early in a long cycle (the majority's, under re-balancing) costs only that many draws.
            var to = Math.Min(n, from + destination.Length);
            classRows.CopyTo(permutation, 0);
            var rng = new Rng(Rng.Derive(seed, "class-cycle", c, cycle));
            for (var i = 0; i < to && i < n - 1; i++)
            {
                var j = i + rng.NextInt(n - i);
                (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
            }
            permutation.AsSpan(from, to - from).CopyTo(destination);
            destination = destination[(to - from)..];
            cycle++;
            from = 0;
        }
    }
}

/// <summary>
/// Class-balanced batches (Kang et al. 2020, class-aware sampling, q = 0): every class that has rows is drawn equally
/// often, and not only on average: each batch of size s holds each of the C classes floor(s / C) or ceil(s / C) times.
/// The s mod C extra places of each batch go to the next classes in one round-robin that runs on through the batches
/// and the epochs from a class drawn from the seed, so the class counts of an epoch, and of all epochs so far, differ
/// by at most one. An epoch visits N rows, as plain reshuffling does; the rows of a class come from its cycled stream
/// (<see cref="ClassStreams"/>), and each batch is shuffled so the classes interleave.
/// </summary>
internal sealed class ClassBalancedBatches : IBatchSampler
{
    public static ClassBalancedBatches Instance { get; } = new();

    private ClassBalancedBatches()
    {
    }

    public int EpochRows(in SamplingFrame frame) => frame.Rows;

    // Once per epoch: compiled optimised from the first epoch, not after 30 (tier-0 code tripled its cost on W).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(in SamplingFrame frame, int epoch, Span<int> order)
    {
        if (order.Length != frame.Rows) throw new ArgumentException($"order has {order.Length} slots; the epoch visits {frame.Rows} rows", nameof(order));
        var present = Present(frame.ClassCounts);
        var classes = present.Length;
        var rows = ClassStreams.RowsByClass(frame);
        // Places per class in every epoch, and extra places per epoch handed out by the round-robin.
        var perClass = frame.Rows / frame.BatchSize * (frame.BatchSize / classes) + frame.Rows % frame.BatchSize / classes;
        long extras = frame.Rows / frame.BatchSize * (frame.BatchSize % classes) + frame.Rows % frame.BatchSize % classes;
        long first = new Rng(Rng.Derive(frame.Seed, "balanced-extras")).NextInt(classes);
        var epochStart = first + epoch * extras;

        var taken = new int[classes][];
        for (var i = 0; i < classes; i++)
        {
            var before = (long)epoch * perClass + Turns(epochStart, i, classes) - Turns(first, i, classes);
            taken[i] = new int[perClass + Turns(epochStart + extras, i, classes) - Turns(epochStart, i, classes)];
            ClassStreams.Take(rows[present[i]], frame.Seed, present[i], before, taken[i]);
        }

        var shuffle = new Rng(Rng.Derive(frame.Seed, "balanced-order", epoch));
        var next = new int[classes];
        var turn = (int)(epochStart % classes);
        var at = 0;
        while (at < order.Length)
        {
            var size = Math.Min(frame.BatchSize, order.Length - at);
            var batch = order.Slice(at, size);
            var filled = 0;
            for (var i = 0; i < classes; i++)
            {
                // Class i takes one of the batch's size mod C extra places when it is among the next ones in the round-robin.
                var count = size / classes + ((i - turn + classes) % classes < size % classes ? 1 : 0);
                taken[i].AsSpan(next[i], count).CopyTo(batch[filled..]);
                next[i] += count;
                filled += count;
            }
            turn = (turn + size % classes) % classes;
            shuffle.Shuffle(batch);
            at += size;
        }
    }

    /// <summary>Turns of the round-robin before position <paramref name="position"/> that fall to class <paramref name="i"/> (turn t goes to class t mod C).</summary>
    private static long Turns(long position, int i, int classes) => (position + classes - 1 - i) / classes;

    internal static int[] Present(ReadOnlySpan<int> classCounts)
    {
        var present = new List<int>();
        for (var c = 0; c < classCounts.Length; c++)
            if (classCounts[c] > 0) present.Add(c);
        return [.. present];
    }
}

/// <summary>
/// Class-power sampling (Kang et al. 2020): class c is drawn with probability p_c proportional to n_c^q (q = 1/2 is
/// square-root sampling; q = 1 gives every row once per epoch). An epoch visits N rows; class c's share of them is
/// N p_c rounded down or up by systematic rounding with an offset that moves each epoch (<see cref="Offset"/>), so it
/// is N p_c on average and never more than one row off in any epoch. The rows come from each class's cycled stream and the epoch is then shuffled
/// whole, so a batch holds the classes in proportion only on average, as with Kang et al.'s independent draws.
/// </summary>
internal sealed class ClassPowerBatches : IBatchSampler
{
    public ClassPowerBatches(double q)
    {
        if (!double.IsFinite(q)) throw new ArgumentOutOfRangeException(nameof(q), q, "the class power q must be a finite number");
        Q = q;
    }

    public double Q { get; }

    public int EpochRows(in SamplingFrame frame) => frame.Rows;

    // Once per epoch: compiled optimised from the first epoch, not after 30 (tier-0 code tripled its cost on W).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(in SamplingFrame frame, int epoch, Span<int> order)
    {
        if (order.Length != frame.Rows) throw new ArgumentException($"order has {order.Length} slots; the epoch visits {frame.Rows} rows", nameof(order));
        var classes = frame.ClassCounts.Length;
        var cumulative = Cumulative(frame.ClassCounts, frame.Rows, Q);
        var start = new long[classes];
        var quota = new int[classes];
        var offset0 = new Rng(Rng.Derive(frame.Seed, "class-quota")).NextDouble();
        for (var e = 0; e < epoch; e++)
        {
            Quotas(cumulative, Offset(offset0, e), quota);
            for (var c = 0; c < classes; c++) start[c] += quota[c];
        }
        Quotas(cumulative, Offset(offset0, epoch), quota);
        var rows = ClassStreams.RowsByClass(frame);
        var at = 0;
        for (var c = 0; c < classes; c++)
        {
            ClassStreams.Take(rows[c], frame.Seed, c, start[c], order.Slice(at, quota[c]));
            at += quota[c];
        }
        new Rng(Rng.Derive(frame.Seed, "class-power-order", epoch)).Shuffle(order);
    }

    /// <summary>The class probabilities of <paramref name="classCounts"/> at power <paramref name="q"/> (0 for a class without rows).</summary>
    internal static double[] Probabilities(ReadOnlySpan<int> classCounts, double q)
    {
        var p = new double[classCounts.Length];
        var total = 0.0;
        for (var c = 0; c < p.Length; c++)
        {
            p[c] = classCounts[c] > 0 ? Math.Pow(classCounts[c], q) : 0;
            total += p[c];
        }
        for (var c = 0; c < p.Length; c++) p[c] /= total;
        return p;
    }

    /// <summary>N times the cumulative probabilities, the last exactly N; a value within rounding of a whole number is that number (so q = 1 gives n_c exactly).</summary>
    private static double[] Cumulative(ReadOnlySpan<int> classCounts, int rows, double q)
    {
        var p = Probabilities(classCounts, q);
        var cumulative = new double[p.Length];
        var sum = 0.0;
        for (var c = 0; c < p.Length; c++)
        {
            sum += p[c];
            var v = rows * sum;
            var whole = Math.Round(v);
            cumulative[c] = Math.Abs(v - whole) <= 1e-9 * Math.Max(1, rows) ? whole : v;
        }
        for (var c = p.Length - 1; c >= 0 && cumulative[c] >= rows - 1e-6 * rows; c--) cumulative[c] = rows;
        return cumulative;
    }

    /// <summary>Systematic rounding: class c gets the whole numbers k with P_(c-1) &lt;= k + u &lt; P_c, so the quotas sum to N.</summary>
    private static void Quotas(double[] cumulative, double u, Span<int> quota)
    {
        var previous = Math.Floor(-u);
        for (var c = 0; c < quota.Length; c++)
        {
            var current = Math.Floor(cumulative[c] - u);
            quota[c] = (int)(current - previous);
            previous = current;
        }
    }

    /// <summary>
    /// Epoch e's rounding offset: frac(u0 + e / golden ratio), u0 from the seed. Equidistributed in [0, 1) like a fresh
    /// uniform draw, with a smaller discrepancy (the running mean of each class count reaches N p_c sooner), and a few
    /// flops to recompute for every earlier epoch, where a stream per epoch cost a generator each.
    /// </summary>
    private static double Offset(double u0, int epoch)
    {
        var u = u0 + epoch * 0.6180339887498949;
        return u - Math.Floor(u);
    }
}

/// <summary>
/// Deferred re-sampling (DRS, Cao et al. 2019): <c>before</c>'s order for epochs 0 .. atEpoch - 1, <c>after</c>'s from
/// epoch <c>atEpoch</c> on (each asked with the absolute epoch). Both must visit the same number of rows per epoch.
/// </summary>
internal sealed class DeferredBatches : IBatchSampler
{
    public DeferredBatches(IBatchSampler before, IBatchSampler after, int atEpoch)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfNegative(atEpoch);
        Before = before;
        After = after;
        AtEpoch = atEpoch;
    }

    public IBatchSampler Before { get; }
    public IBatchSampler After { get; }
    public int AtEpoch { get; }

    public int EpochRows(in SamplingFrame frame)
    {
        var before = Before.EpochRows(frame);
        var after = After.EpochRows(frame);
        if (before != after)
            throw new InvalidOperationException($"a deferred sampler's two samplers must visit as many rows per epoch (the checkpoint schedule needs one length); they visit {before} and {after}");
        return before;
    }

    public void Fill(in SamplingFrame frame, int epoch, Span<int> order) =>
        (epoch < AtEpoch ? Before : After).Fill(frame, epoch, order);
}
