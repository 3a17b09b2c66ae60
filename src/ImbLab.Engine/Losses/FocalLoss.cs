using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// Focal loss (Lin et al. 2017): l = -alpha_y (1 - p_y)^gamma log p_y, the mean over rows (alpha does not normalise:
/// it is a factor, as in the paper). With q = 1 - p_y, d l / d z_c = alpha_y g (p_c - [c = y]) where
/// g = q^gamma - gamma p_y q^(gamma - 1) log p_y. A mixed row is share * l(z, y1) + (1 - share) * l(z, y2).
/// </summary>
/// <remarks>
/// q is computed as the sum of the other classes' softmax terms, not as 1 - p_y, and log p_y from the series of
/// log1p when p_y is near 1: a confident row keeps its small q and log p_y exact, and g stays finite for gamma
/// below 1 (q^(gamma - 1) log p_y is written as q^gamma (log p_y / q), whose ratio tends to -1 as q goes to 0).
/// </remarks>
internal sealed class FocalLoss : ILoss
{
    private readonly double _gamma;
    private readonly int _integerGamma;
    private readonly double[]? _alpha;

    public FocalLoss(double gamma, double[]? alpha)
    {
        _gamma = gamma;
        // Small whole gammas (the default 2) by multiplication: Math.Pow per row is a measurable share of a step.
        _integerGamma = gamma == Math.Floor(gamma) && gamma <= 8 ? (int)gamma : -1;
        _alpha = alpha;
    }

    public double Mean(in LossBatch batch) => Sum(batch, 1.0 / batch.Rows) / batch.Rows;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe double Sum(in LossBatch batch, double deltaScale)
    {
        if (_alpha is not null) Losses.CheckClasses(batch, _alpha.Length);
        var ld = batch.Stride;
        var classes = batch.Classes;
        var labels = batch.Labels;
        var mixed = batch.IsMixed;
        var mixLabels = batch.MixLabels;
        var shares = batch.MixShares;
        var alpha = _alpha;
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
            var y = labels[r];
            var a1 = alpha is null ? 1.0 : alpha[y];
            var (l1, g1) = Focal(z, e, sum, lse, y);
            if (!mixed)
            {
                total += a1 * l1;
                var k = a1 * g1 * deltaScale;
                for (var c = 0; c < classes; c++) d[c] = (float)((e[c] / sum - (c == y ? 1.0 : 0.0)) * k);
            }
            else
            {
                var y2 = mixLabels[r];
                double share = shares[r];
                a1 *= share;
                var a2 = (1 - share) * (alpha is null ? 1.0 : alpha[y2]);
                var (l2, g2) = Focal(z, e, sum, lse, y2);
                total += a1 * l1 + a2 * l2;
                var k1 = a1 * g1;
                var k2 = a2 * g2;
                for (var c = 0; c < classes; c++)
                    d[c] = (float)(((k1 + k2) * e[c] / sum - (c == y ? k1 : 0.0) - (c == y2 ? k2 : 0.0)) * deltaScale);
            }
            for (var c = classes; c < ld; c++) d[c] = 0f;
        }
        return total;
    }

    /// <summary>The row's focal loss for label <paramref name="y"/> and g, its deltas' factor on (p - e_y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe (double Loss, double G) Focal(float* z, Span<double> e, double sum, double lse, int y)
    {
        double rest = 0;
        for (var c = 0; c < e.Length; c++)
            if (c != y) rest += e[c];
        var p = e[y] / sum;
        var q = rest / sum;
        // log p_y = -log(1 + rest / e_y): by its series when rest / e_y < 1e-4 (the fifth term is below 1e-16 of the
        // first), where z_y - lse would keep only the absolute accuracy of lse; a log per row would cost 3% of a W step.
        var x = rest / e[y];
        var logP = x < 1e-4 ? -x * (1 - x * (0.5 - x * (1.0 / 3 - x * 0.25))) : z[y] - lse;
        var qGamma = PowGamma(q);
        var ratio = q > 0 ? logP / q : -1.0;
        return (-qGamma * logP, qGamma * (1 - _gamma * p * ratio));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double PowGamma(double q)
    {
        if (_integerGamma < 0) return Math.Pow(q, _gamma);
        var result = 1.0;
        for (var i = 0; i < _integerGamma; i++) result *= q;
        return result;
    }
}
