using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// Group DRO (Sagawa et al. 2020) with the classes as groups, over softmax cross-entropy. Each <see cref="Mean"/> takes
/// the batch's per-class mean losses L_c (0 for a class with no row in the batch), updates the adversary's weights
/// q_c &lt;- q_c exp(eta L_c) and renormalises them, then returns sum_c q_c L_c with the new q and its deltas, q held
/// constant: this is the order of the authors' LossComputer (update q from the detached group losses, then the robust
/// loss with the updated q). q starts uniform.
/// </summary>
/// <remarks>
/// The one stateful loss: unlike the <see cref="ILoss"/> norm, an instance belongs to one training job (make a new one
/// per job, <see cref="Losses.GroupDro"/>) and is not thread-safe. <see cref="Sum"/> (the per-class gradient probes)
/// leaves q alone and weighs each row by C q_{y_r} (so uniform q is plain cross-entropy, as weights that sum to C):
/// sum_r C q_{y_r} l_r, deltas C q_{y_r} d l_r times the scale. A mixed row counts share in its first label's group and
/// 1 - share in its second's: L_c = sum of the rows' share-weighted losses for label c / sum of those shares.
/// q is kept as log q (the update adds eta L_c; renormalising subtracts a log-sum-exp): the same numbers as the
/// authors' multiplicative form, without its overflow of exp(eta L_c) on a huge loss.
/// </remarks>
internal sealed class GroupDroLoss : ILoss
{
    private readonly double _eta;
    private readonly double[] _logQ;
    private readonly double[] _q;
    // The batch's softmax, rows x classes, from the first pass to the deltas (grown, never shrunk: the instance is the job's).
    private double[] _softmax = [];

    public GroupDroLoss(int classes, double eta)
    {
        _eta = eta;
        _q = Enumerable.Repeat(1.0 / classes, classes).ToArray();
        _logQ = _q.Select(v => Math.Log(v)).ToArray();
    }

    /// <summary>The adversary's current class weights (sum 1).</summary>
    public IReadOnlyList<double> Q => _q;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe double Mean(in LossBatch batch)
    {
        var classes = _q.Length;
        Losses.CheckClasses(batch, classes);
        var ld = batch.Stride;
        var labels = batch.Labels;
        var mixed = batch.IsMixed;
        var mixLabels = batch.MixLabels;
        var shares = batch.MixShares;
        if (_softmax.Length < batch.Rows * classes) _softmax = new double[batch.Rows * classes];
        var softmax = _softmax;
        Span<double> e = stackalloc double[classes];
        Span<double> groupLoss = stackalloc double[classes];
        Span<double> groupCount = stackalloc double[classes];
        groupLoss.Clear();
        groupCount.Clear();
        for (var r = 0; r < batch.Rows; r++)
        {
            var z = batch.Logits + r * ld;
            var lse = LogSumExp(z, e, out var sum);
            for (var c = 0; c < classes; c++) softmax[r * classes + c] = e[c] / sum;
            var y = labels[r];
            double share = mixed ? shares[r] : 1.0;
            // A zero share adds nothing (and must not add 0 * inf from a label the row's logits rule out).
            if (share > 0)
            {
                groupLoss[y] += share * (lse - z[y]);
                groupCount[y] += share;
            }
            if (mixed && share < 1)
            {
                var y2 = mixLabels[r];
                groupLoss[y2] += (1 - share) * (lse - z[y2]);
                groupCount[y2] += 1 - share;
            }
        }

        var maxLogQ = double.NegativeInfinity;
        for (var c = 0; c < classes; c++)
        {
            groupLoss[c] = groupCount[c] > 0 ? groupLoss[c] / groupCount[c] : 0.0;
            _logQ[c] += _eta * groupLoss[c];
            maxLogQ = Math.Max(maxLogQ, _logQ[c]);
        }
        double qSum = 0;
        for (var c = 0; c < classes; c++) qSum += _q[c] = Math.Exp(_logQ[c] - maxLogQ);
        double value = 0;
        for (var c = 0; c < classes; c++)
        {
            _q[c] /= qSum;
            _logQ[c] = Math.Log(_q[c]);
            value += _q[c] * groupLoss[c];
            // From here on groupLoss holds each class's factor on its rows' deltas: q_c / m_c.
            groupLoss[c] = groupCount[c] > 0 ? _q[c] / groupCount[c] : 0.0;
        }
        for (var r = 0; r < batch.Rows; r++)
        {
            var d = batch.Deltas + r * ld;
            var y = labels[r];
            var y2 = mixed ? mixLabels[r] : y;
            double share = mixed ? shares[r] : 1.0;
            var a1 = share > 0 ? share * groupLoss[y] : 0.0;
            var a2 = share < 1 ? (1 - share) * groupLoss[y2] : 0.0;
            for (var c = 0; c < classes; c++)
                d[c] = (float)((a1 + a2) * softmax[r * classes + c] - (c == y ? a1 : 0.0) - (c == y2 ? a2 : 0.0));
            for (var c = classes; c < ld; c++) d[c] = 0f;
        }
        return value;
    }

    public double Sum(in LossBatch batch, double deltaScale)
    {
        var classes = _q.Length;
        Losses.CheckClasses(batch, classes);
        Span<double> factor = stackalloc double[classes];
        for (var c = 0; c < classes; c++) factor[c] = classes * _q[c];
        Span<double> e = stackalloc double[classes];
        return Deltas(batch, factor, deltaScale, e);
    }

    /// <summary>Writes each row's deltas with factor[label] on its cross-entropy; returns sum_r factor[y_r] l_r (mixed: share-weighted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double Deltas(in LossBatch batch, ReadOnlySpan<double> factor, double deltaScale, Span<double> e)
    {
        var ld = batch.Stride;
        var classes = batch.Classes;
        var labels = batch.Labels;
        var mixed = batch.IsMixed;
        var mixLabels = batch.MixLabels;
        var shares = batch.MixShares;
        double total = 0;
        for (var r = 0; r < batch.Rows; r++)
        {
            var z = batch.Logits + r * ld;
            var d = batch.Deltas + r * ld;
            var lse = LogSumExp(z, e, out var sum);
            var y = labels[r];
            var y2 = mixed ? mixLabels[r] : y;
            double share = mixed ? shares[r] : 1.0;
            var a1 = share > 0 ? share * factor[y] : 0.0;
            var a2 = share < 1 ? (1 - share) * factor[y2] : 0.0;
            total += (a1 > 0 ? a1 * (lse - z[y]) : 0.0) + (a2 > 0 ? a2 * (lse - z[y2]) : 0.0);
            for (var c = 0; c < classes; c++)
                d[c] = (float)(((a1 + a2) * e[c] / sum - (c == y ? a1 : 0.0) - (c == y2 ? a2 : 0.0)) * deltaScale);
            for (var c = classes; c < ld; c++) d[c] = 0f;
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe double LogSumExp(float* z, Span<double> e, out double sum)
    {
        double max = z[0];
        for (var c = 1; c < e.Length; c++) max = Math.Max(max, z[c]);
        sum = 0;
        for (var c = 0; c < e.Length; c++) sum += e[c] = Math.Exp(z[c] - max);
        return Math.Log(sum) + max;
    }
}
