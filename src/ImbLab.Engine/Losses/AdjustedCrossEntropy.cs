using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// Softmax cross-entropy on per-class adjusted logits t_c = scale_c z_c + offset_c, with a margin taken off the label's
/// own logit (t_y -= margin_y), each row weighted by its label's class weight. One loop serves the class-weighted CE,
/// LDAM (scale s, margin s Delta_y), balanced softmax and the logit-adjusted loss (offset tau log pi_c) and CDT (scale
/// 1 / a_c); the deltas are d l / d z_c = scale_c (softmax(t)_c - [c = y]).
/// </summary>
/// <remarks>
/// Weighted, <see cref="Mean"/> is sum_r w_{y_r} l_r / sum_r w_{y_r} (PyTorch's CrossEntropyLoss(weight=...) with
/// reduction "mean"); a mixed row weighs w_{y1} by its share and w_{y2} by the rest, in the loss and in the normaliser.
/// A batch whose rows all have weight 0 has nothing to learn from: loss 0, deltas 0. <see cref="Sum"/> is
/// sum_r w_{y_r} l_r, its deltas w_{y_r} d l_r times the scale, so a per-class probe with 1/n_c gets w_c times the
/// class's mean-loss gradient.
/// </remarks>
internal sealed class AdjustedCrossEntropy : ILoss
{
    private readonly double[] _scale;
    private readonly double[] _offset;
    private readonly double[]? _margin;
    private readonly double[]? _weights;

    /// <param name="scale">Per-class logit scale; null for 1.</param>
    /// <param name="offset">Per-class logit offset; null for 0.</param>
    /// <param name="margin">Per-class margin subtracted from the label's adjusted logit; null for none.</param>
    /// <param name="weights">Per-class loss weights; null for an unweighted mean over rows.</param>
    public AdjustedCrossEntropy(int classes, double[]? scale = null, double[]? offset = null, double[]? margin = null, double[]? weights = null)
    {
        Classes = classes;
        _scale = scale ?? Enumerable.Repeat(1.0, classes).ToArray();
        _offset = offset ?? new double[classes];
        _margin = margin;
        _weights = weights;
    }

    public int Classes { get; }

    public double Mean(in LossBatch batch)
    {
        Losses.CheckClasses(batch, Classes);
        if (_weights is null) return Accumulate(batch, 1.0 / batch.Rows) / batch.Rows;
        var norm = Losses.WeightOfRows(batch, _weights);
        if (norm == 0) return Losses.ZeroDeltas(batch);
        return Accumulate(batch, 1.0 / norm) / norm;
    }

    public double Sum(in LossBatch batch, double deltaScale)
    {
        Losses.CheckClasses(batch, Classes);
        return Accumulate(batch, deltaScale);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe double Accumulate(in LossBatch batch, double deltaScale)
    {
        var ld = batch.Stride;
        var classes = batch.Classes;
        var labels = batch.Labels;
        var mixed = batch.IsMixed;
        var mixLabels = batch.MixLabels;
        var shares = batch.MixShares;
        var scale = _scale;
        var weights = _weights;
        double total = 0;
        Span<double> e = stackalloc double[classes];
        // A label margin makes the adjusted logits depend on the label: a mixed row then needs a second softmax.
        Span<double> e2 = mixed && _margin is not null ? stackalloc double[classes] : default;
        for (var r = 0; r < batch.Rows; r++)
        {
            var z = batch.Logits + r * ld;
            var d = batch.Deltas + r * ld;
            var y = labels[r];
            var w = weights is null ? 1.0 : weights[y];
            var lse = Softmax(z, y, e, out var sum);
            if (!mixed)
            {
                total += w * (lse - Adjusted(z, y, y));
                var k = w * deltaScale;
                for (var c = 0; c < classes; c++) d[c] = (float)(scale[c] * (e[c] / sum - (c == y ? 1.0 : 0.0)) * k);
            }
            else
            {
                var y2 = mixLabels[r];
                double share = shares[r];
                var a1 = share * w;
                var a2 = (1 - share) * (weights is null ? 1.0 : weights[y2]);
                if (_margin is null)
                {
                    total += a1 * (lse - Adjusted(z, y, y)) + a2 * (lse - Adjusted(z, y2, y2));
                    for (var c = 0; c < classes; c++)
                        d[c] = (float)(scale[c] * ((a1 + a2) * e[c] / sum - (c == y ? a1 : 0.0) - (c == y2 ? a2 : 0.0)) * deltaScale);
                }
                else
                {
                    var lse2 = Softmax(z, y2, e2, out var sum2);
                    total += a1 * (lse - Adjusted(z, y, y)) + a2 * (lse2 - Adjusted(z, y2, y2));
                    for (var c = 0; c < classes; c++)
                        d[c] = (float)(scale[c] * (a1 * (e[c] / sum - (c == y ? 1.0 : 0.0)) + a2 * (e2[c] / sum2 - (c == y2 ? 1.0 : 0.0))) * deltaScale);
                }
            }
            for (var c = classes; c < ld; c++) d[c] = 0f;
        }
        return total;
    }

    /// <summary>The adjusted logit t_c of a row whose label is <paramref name="label"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe double Adjusted(float* z, int c, int label)
    {
        var t = _scale[c] * z[c] + _offset[c];
        return _margin is not null && c == label ? t - _margin[c] : t;
    }

    /// <summary>e_c = exp(t_c - max t) for the row's label; returns log-sum-exp of t, the sum of the e_c in <paramref name="sum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe double Softmax(float* z, int label, Span<double> e, out double sum)
    {
        var max = double.NegativeInfinity;
        for (var c = 0; c < e.Length; c++) max = Math.Max(max, e[c] = Adjusted(z, c, label));
        sum = 0;
        for (var c = 0; c < e.Length; c++) sum += e[c] = Math.Exp(e[c] - max);
        return Math.Log(sum) + max;
    }
}
