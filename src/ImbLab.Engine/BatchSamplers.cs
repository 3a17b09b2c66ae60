namespace ImbLab.Engine;

/// <summary>
/// The batch samplers a study can choose. Every one visits N rows per epoch (the training part's size), so epochs stay
/// comparable across remedies and the checkpoint schedule is the same; only which rows, and how often, changes.
/// </summary>
public static class BatchSamplers
{
    /// <summary>Every row once per epoch in a fresh random order: plain training, and the order every recorded run used.</summary>
    public static IBatchSampler Reshuffled => ReshuffledBatches.Instance;

    /// <summary>Class-balanced batches (Kang et al. 2020, q = 0): each batch holds every class floor or ceil(batch / C) times.</summary>
    public static IBatchSampler ClassBalanced => ClassBalancedBatches.Instance;

    /// <summary>Square-root sampling (Kang et al. 2020): class probability proportional to n_c^(1/2).</summary>
    public static IBatchSampler SquareRoot { get; } = new ClassPowerBatches(0.5);

    /// <summary>
    /// Class probability proportional to n_c^q. q = 0 is <see cref="ClassBalanced"/> (the stricter per-batch balance of
    /// the same class frequencies); any other finite q draws each epoch's class shares and shuffles the epoch whole.
    /// </summary>
    public static IBatchSampler ClassPower(double q) => q == 0 ? ClassBalanced : q == 0.5 ? SquareRoot : new ClassPowerBatches(q);

    /// <summary>Deferred re-sampling (Cao et al. 2019): <paramref name="before"/> for epochs 0 .. atEpoch - 1, then <paramref name="after"/>.</summary>
    public static IBatchSampler Deferred(IBatchSampler before, IBatchSampler after, int atEpoch) => new DeferredBatches(before, after, atEpoch);
}
