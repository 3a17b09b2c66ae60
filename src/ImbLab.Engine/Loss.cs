using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// One batch (or probe chunk) as the loss sees it: the last layer's logits, row r at <c>Logits + r * Stride</c>
/// with <see cref="Classes"/> real columns and padding up to the stride, and where the output deltas go (same layout).
/// A mixed batch (mixup, remix) gives each row a second label and the share of the first: every loss is then
/// share * loss(z, Labels[r]) + (1 - share) * loss(z, MixLabels[r]), value and deltas alike.
/// </summary>
public readonly unsafe ref struct LossBatch(float* logits, float* deltas, int stride, int classes, int rows, ReadOnlySpan<int> labels, int epoch,
    ReadOnlySpan<int> mixLabels = default, ReadOnlySpan<float> mixShares = default)
{
    public float* Logits { get; } = logits;

    public float* Deltas { get; } = deltas;

    public int Stride { get; } = stride;

    public int Classes { get; } = classes;

    public int Rows { get; } = rows;

    /// <summary>The rows' labels, 0..Classes-1 (at least <see cref="Rows"/> of them).</summary>
    public ReadOnlySpan<int> Labels { get; } = labels;

    /// <summary>The training epoch the batch belongs to: losses that change during training (deferred re-weighting) key on it.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>Each row's second label when the batch is mixed; empty when it is not.</summary>
    public ReadOnlySpan<int> MixLabels { get; } = mixLabels;

    /// <summary>Each row's share of its first label (the second gets 1 - share) when the batch is mixed.</summary>
    public ReadOnlySpan<float> MixShares { get; } = mixShares;

    public bool IsMixed => !MixLabels.IsEmpty;
}

/// <summary>
/// The training loss on the logits, called once per batch. Implementations are immutable unless they say otherwise:
/// per-class state (weights, margins, logit offsets from class counts) is fixed when the loss is made, and what changes
/// during training is a function of <see cref="LossBatch.Epoch"/>, so one instance can serve every job on every thread.
/// The exception is group DRO (<see cref="Losses.GroupDro"/>), whose class weights follow the batches: one instance per job.
/// </summary>
public interface ILoss
{
    /// <summary>
    /// The loss the trainer minimises on the batch, and its deltas d loss / d logits; padding columns get 0.
    /// For an unweighted loss this is the mean over rows; a weighted loss chooses its own normaliser here.
    /// </summary>
    double Mean(in LossBatch batch);

    /// <summary>
    /// The summed loss of the rows, and each row's deltas d loss_r / d logits_r times <paramref name="deltaScale"/>;
    /// padding columns get 0. Per-class probes use it with 1/n_c to get each class's mean-loss gradient.
    /// </summary>
    double Sum(in LossBatch batch, double deltaScale);
}

/// <summary>Softmax cross-entropy, computed in double per row from the float logits (log-sum-exp with the row max subtracted).</summary>
internal sealed class SoftmaxCrossEntropy : ILoss
{
    public static SoftmaxCrossEntropy Instance { get; } = new();

    private SoftmaxCrossEntropy()
    {
    }

    /// <summary>Mean cross-entropy of the rows, and the output deltas (softmax - onehot) / rows.</summary>
    public double Mean(in LossBatch batch) => Sum(batch, 1.0 / batch.Rows) / batch.Rows;

    /// <summary>Summed cross-entropy of the rows, and the output deltas (softmax - onehot) * deltaScale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe double Sum(in LossBatch batch, double deltaScale)
    {
        var logits = batch.Logits;
        var delta = batch.Deltas;
        var ld = batch.Stride;
        var classes = batch.Classes;
        var rows = batch.Rows;
        var labels = batch.Labels;
        var mixed = batch.IsMixed;
        var mixLabels = batch.MixLabels;
        var shares = batch.MixShares;
        double total = 0;
        Span<double> e = stackalloc double[classes];
        for (var r = 0; r < rows; r++)
        {
            var z = logits + r * ld;
            var d = delta + r * ld;
            double max = z[0];
            for (var c = 1; c < classes; c++) max = Math.Max(max, z[c]);
            double sum = 0;
            for (var c = 0; c < classes; c++) sum += e[c] = Math.Exp(z[c] - max);
            var y = labels[r];
            var lse = Math.Log(sum) + max;
            if (!mixed)
            {
                total += lse - z[y];
                for (var c = 0; c < classes; c++) d[c] = (float)((e[c] / sum - (c == y ? 1.0 : 0.0)) * deltaScale);
            }
            else
            {
                // The target is share * e_y + (1 - share) * e_y2; the loss is linear in it.
                var y2 = mixLabels[r];
                double share = shares[r];
                total += lse - share * z[y] - (1 - share) * z[y2];
                for (var c = 0; c < classes; c++)
                    d[c] = (float)((e[c] / sum - (c == y ? share : 0.0) - (c == y2 ? 1 - share : 0.0)) * deltaScale);
            }
            for (var c = classes; c < ld; c++) d[c] = 0f;
        }
        return total;
    }
}
