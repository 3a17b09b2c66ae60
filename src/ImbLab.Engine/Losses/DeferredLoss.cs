namespace ImbLab.Engine;

/// <summary>
/// One loss until an epoch, another from it on (deferred re-weighting, Cao et al. 2019): batches of
/// <see cref="LossBatch.Epoch"/> (0-based) below <paramref name="atEpoch"/> go to <paramref name="before"/>, the rest to
/// <paramref name="after"/>. The authors' schedule "160 of 200 epochs" is atEpoch 160: epochs 0..159 plain.
/// </summary>
internal sealed class DeferredLoss(ILoss before, ILoss after, int atEpoch) : ILoss
{
    public double Mean(in LossBatch batch) => (batch.Epoch < atEpoch ? before : after).Mean(batch);

    public double Sum(in LossBatch batch, double deltaScale) => (batch.Epoch < atEpoch ? before : after).Sum(batch, deltaScale);
}
