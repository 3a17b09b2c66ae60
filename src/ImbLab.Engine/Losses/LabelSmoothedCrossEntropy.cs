using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// Cross-entropy against the smoothed target (1 - eps) e_y + eps / C (Szegedy et al. 2016), as PyTorch's
/// CrossEntropyLoss(label_smoothing=eps): l = (1 - eps)(lse - z_y) + (eps / C) sum_c (lse - z_c), deltas p - target;
/// the mean over rows. A mixed row's target is share * smoothed(y1) + (1 - share) * smoothed(y2), which is the same
/// linear mix of the two labels' losses.
/// </summary>
internal sealed class LabelSmoothedCrossEntropy(double eps) : ILoss
{
    public double Mean(in LossBatch batch) => Sum(batch, 1.0 / batch.Rows) / batch.Rows;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe double Sum(in LossBatch batch, double deltaScale)
    {
        var ld = batch.Stride;
        var classes = batch.Classes;
        var labels = batch.Labels;
        var mixed = batch.IsMixed;
        var mixLabels = batch.MixLabels;
        var shares = batch.MixShares;
        var spread = eps / classes;
        var keep = 1 - eps;
        double total = 0;
        Span<double> e = stackalloc double[classes];
        for (var r = 0; r < batch.Rows; r++)
        {
            var z = batch.Logits + r * ld;
            var d = batch.Deltas + r * ld;
            double max = z[0];
            for (var c = 1; c < classes; c++) max = Math.Max(max, z[c]);
            double sum = 0;
            for (var c = 0; c < classes; c++) sum += e[c] = Math.Exp(z[c] - max);
            var lse = Math.Log(sum) + max;
            // Every term lse - z_c is >= 0: summing them keeps the uniform part exact (C lse - sum z would cancel).
            double uniform = 0;
            for (var c = 0; c < classes; c++) uniform += lse - z[c];
            var y = labels[r];
            var y2 = mixed ? mixLabels[r] : y;
            double share = mixed ? shares[r] : 1.0;
            var a1 = keep * share;
            var a2 = keep * (1 - share);
            total += a1 * (lse - z[y]) + (mixed ? a2 * (lse - z[y2]) : 0.0) + spread * uniform;
            for (var c = 0; c < classes; c++)
                d[c] = (float)((e[c] / sum - spread - (c == y ? a1 : 0.0) - (c == y2 ? a2 : 0.0)) * deltaScale);
            for (var c = classes; c < ld; c++) d[c] = 0f;
        }
        return total;
    }
}
