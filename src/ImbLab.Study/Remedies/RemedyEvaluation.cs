using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Engine;

namespace ImbLab.Study.Remedies;

/// <summary>
/// What the post hoc and validation remedies change in a run's evaluation (docs/remedies.md). Every post hoc remedy is
/// a change of the logits before the softmax, applied to every recorded prediction of the run (train, test and
/// validation, metrics and per-sample signals) at every checkpoint; the training itself is untouched, and so are the
/// gradient and representation records. A run without these remedies has no <see cref="RemedyEvaluation"/>: its
/// evaluation is the plain one, bit for bit.
/// <list type="bullet">
/// <item>posthoc-la (Menon et al. 2021): z_c - tau log pi_c, pi the training part's class frequencies.</item>
/// <item>tau-norm (Kang et al. 2020): the output layer's weights w_c / ||w_c||^tau with the bias kept as trained:
/// z'_c = (z_c - b_c) / ||w_c||^tau + b_c, which is h . w_c / ||w_c||^tau + b_c for the last hidden activations h.</item>
/// <item>threshold: the minority's logit minus an offset d chosen at each checkpoint to maximise balanced accuracy on
/// the validation split; the minority is predicted when z_min - max_other z &gt; d (for two classes: p(minority) &gt;
/// 1 / (1 + e^-d)), any other row gets the argmax of the other classes.</item>
/// </list>
/// </summary>
internal sealed class RemedyEvaluation
{
    private readonly int _classes;
    private readonly int _minority;
    private readonly double[]? _logPriorShift;
    private readonly double? _tau;
    private readonly bool _threshold;
    private readonly float[]? _parameters;
    private readonly double[] _weightScale;
    private readonly double[] _bias;
    private readonly float[] _validationLogits;

    private RemedyEvaluation(int classes, int minority, double[]? logPriorShift, double? tau, bool threshold, EncodedSet? validation, int? patience, int parameterCount)
    {
        _classes = classes;
        _minority = minority;
        _logPriorShift = logPriorShift;
        _tau = tau;
        _threshold = threshold;
        Validation = validation;
        Patience = patience;
        _parameters = tau is null ? null : new float[parameterCount];
        _weightScale = new double[classes];
        _bias = new double[classes];
        _validationLogits = validation is null ? [] : new float[validation.Rows * classes];
    }

    /// <summary>The validation split (threshold, early-stop), or null.</summary>
    public EncodedSet? Validation { get; }

    /// <summary>early-stop's patience in epochs, or null without early stopping.</summary>
    public int? Patience { get; }

    /// <summary>threshold: the offset chosen at the last <see cref="Prepare"/>.</summary>
    public double ThresholdOffset { get; private set; }

    public bool Thresholds => _threshold;

    /// <summary>The validation logits of the last <see cref="Prepare"/>, adjusted like every other prediction.</summary>
    public ReadOnlySpan<float> ValidationLogits => _validationLogits;

    /// <summary>
    /// The evaluation of a remedy, or null when it changes nothing in it. <paramref name="trainCounts"/>: the class counts
    /// of the rows the model trains on (before any re-sampling).
    /// </summary>
    public static RemedyEvaluation? For(Remedy remedy, IReadOnlyList<int> trainCounts, int minority, EncodedSet? validation, MlpShape shape)
    {
        var classes = trainCounts.Count;
        double[]? shift = null;
        if (remedy.Part("posthoc-la") is { } la)
        {
            var tau = la.Value("tau");
            double total = trainCounts.Sum();
            shift = [.. trainCounts.Select(n => -tau * Math.Log(n / total))];
        }
        var tauNorm = remedy.Part("tau-norm")?.Value("tau");
        var threshold = remedy.Has("threshold");
        var patience = remedy.Part("early-stop") is { } stop ? (int?)(int)stop.Value("patience") : null;
        if (shift is null && tauNorm is null && !threshold && patience is null) return null;
        if ((threshold || patience is not null) && validation is null)
            throw new ArgumentException("threshold and early-stop need the validation split", nameof(validation));
        var parameters = 0;
        for (var layer = 0; layer < shape.LayerCount; layer++) parameters += (shape.LayerInputs(layer) + 1) * shape.LayerOutputs(layer);
        return new RemedyEvaluation(classes, minority, shift, tauNorm, threshold, validation, patience, parameters);
    }

    /// <summary>Reads what this checkpoint's adjustment needs from the model: tau-norm's weight norms, the validation predictions and threshold's offset.</summary>
    public void Prepare(Mlp model)
    {
        if (_tau is { } tau)
        {
            // CopyParameters leaves the model's version alone (Weights() would make the trainer re-read the model).
            model.CopyParameters(_parameters);
            var shape = model.Shape;
            var offset = 0;
            for (var layer = 0; layer < shape.LayerCount - 1; layer++) offset += (shape.LayerInputs(layer) + 1) * shape.LayerOutputs(layer);
            var inputs = shape.LayerInputs(shape.LayerCount - 1);
            for (var c = 0; c < _classes; c++)
            {
                double norm = 0;
                for (var k = 0; k < inputs; k++)
                {
                    double w = _parameters![offset + c * inputs + k];
                    norm += w * w;
                }
                norm = Math.Sqrt(norm);
                // A zero weight row has no direction to normalise: left as it is.
                _weightScale[c] = norm > 0 ? Math.Pow(norm, -tau) : 1;
                _bias[c] = _parameters![offset + _classes * inputs + c];
            }
        }
        if (Validation is null) return;
        model.Predict(Validation.Features, Validation.Rows, _validationLogits);
        if (_threshold) ThresholdOffset = BestOffset(_validationLogits, Validation.Labels, _classes, _minority);
        Adjust(_validationLogits, Validation.Rows);
    }

    /// <summary>Applies the adjustment to <paramref name="rows"/> rows of logits in place.</summary>
    public void Adjust(Span<float> logits, int rows)
    {
        for (var r = 0; r < rows; r++)
        {
            var z = logits.Slice(r * _classes, _classes);
            if (_tau is not null)
                for (var c = 0; c < _classes; c++) z[c] = (float)((z[c] - _bias[c]) * _weightScale[c] + _bias[c]);
            if (_logPriorShift is not null)
                for (var c = 0; c < _classes; c++) z[c] = (float)(z[c] + _logPriorShift[c]);
            if (_threshold) z[_minority] = (float)(z[_minority] - ThresholdOffset);
        }
    }

    /// <summary>
    /// The offset d maximising balanced accuracy when the minority is predicted for rows whose score s = z_min - max_other z
    /// exceeds d. Candidates: the midpoints between consecutive distinct scores, and one unit outside the range on either
    /// side; among equally good offsets the one nearest 0 (the plain argmax) wins, then the lower. Balanced accuracy is over
    /// the classes present in the validation split.
    /// </summary>
    internal static double BestOffset(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, int minority)
    {
        var n = labels.Length;
        if (n == 0) return 0;
        var score = new double[n];
        var other = new int[n];
        var support = new int[classes];
        for (var r = 0; r < n; r++)
        {
            var z = logits.Slice(r * classes, classes);
            var best = -1;
            for (var c = 0; c < classes; c++)
                if (c != minority && (best < 0 || z[c] > z[best])) best = c;
            other[r] = best;
            score[r] = (double)z[minority] - z[best];
            support[labels[r]]++;
        }
        // Non-finite outputs: the monitor stores the run as diverged at this checkpoint; the scores order nothing.
        if (score.Any(double.IsNaN)) return 0;
        var present = support.Count(s => s > 0);
        var order = Enumerable.Range(0, n).OrderBy(r => score[r]).ToArray();

        // Start with every row predicted minority (d below every score), then move rows to "other" in ascending score.
        var right = new int[classes];
        for (var r = 0; r < n; r++) if (labels[r] == minority) right[minority]++;
        double Balanced()
        {
            double sum = 0;
            for (var c = 0; c < classes; c++) if (support[c] > 0) sum += (double)right[c] / support[c];
            return sum / present;
        }
        var bestOffset = score[order[0]] - 1;
        var bestValue = Balanced();
        var i = 0;
        while (i < n)
        {
            // Every row with this score changes side together.
            var s = score[order[i]];
            while (i < n && score[order[i]] == s)
            {
                var r = order[i];
                if (labels[r] == minority) right[minority]--;
                if (labels[r] == other[r]) right[other[r]]++;
                i++;
            }
            var candidate = i < n ? (s + score[order[i]]) / 2 : s + 1;
            var value = Balanced();
            if (value > bestValue || (value == bestValue && (Math.Abs(candidate) < Math.Abs(bestOffset) || (Math.Abs(candidate) == Math.Abs(bestOffset) && candidate < bestOffset))))
            {
                bestValue = value;
                bestOffset = candidate;
            }
        }
        return bestOffset;
    }
}
