namespace ImbLab.Core;

/// <summary>Softmax probabilities and cross-entropy straight from logits, stable for any finite logits.</summary>
public static class Softmax
{
    private const int StackClasses = 64;

    /// <summary>
    /// Per row: p_c = exp(z_c - lse) with lse = max + ln(sum exp(z - max)) computed in double, and the cross-entropy
    /// loss = lse - z_label, exact from the logits (not via a clipped probability, so a confident mistake costs its
    /// true loss even when its float32 probability underflows to 0). The loss is always &gt;= 0 and finite for finite
    /// logits; non-finite logits give non-finite values in their row (never an exception).
    /// </summary>
    /// <param name="logits">Rows x <paramref name="classes"/>, row-major.</param>
    /// <param name="classes">Number of classes, at least 1.</param>
    /// <param name="labels">True class of each row; may be empty when <paramref name="lossPerSample"/> is empty
    /// (probabilities only).</param>
    /// <param name="probabilities">Receives rows x classes probabilities; may be the same memory as <paramref name="logits"/> (in place), but
    /// must not overlap it otherwise.</param>
    /// <param name="lossPerSample">Receives one loss per row, or empty to skip the loss.</param>
    public static void FromLogits(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> labels, Span<float> probabilities, Span<double> lossPerSample)
    {
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "at least 1 class is required");
        if (logits.Length % classes != 0)
            throw new ArgumentException($"logits has {logits.Length} values, not a multiple of {classes} classes", nameof(logits));
        var rows = logits.Length / classes;
        if (probabilities.Length != logits.Length)
            throw new ArgumentException($"probabilities has {probabilities.Length} values, expected {logits.Length}", nameof(probabilities));
        var withLoss = !lossPerSample.IsEmpty;
        if (withLoss && lossPerSample.Length != rows)
            throw new ArgumentException($"lossPerSample has {lossPerSample.Length} values, expected {rows} (one per row) or none", nameof(lossPerSample));
        if (withLoss && labels.Length != rows)
            throw new ArgumentException($"labels has {labels.Length} values, expected {rows} (one per row)", nameof(labels));

        Span<double> shifted = classes <= StackClasses ? stackalloc double[classes] : new double[classes];
        for (var i = 0; i < rows; i++)
        {
            var z = logits.Slice(i * classes, classes);
            var p = probabilities.Slice(i * classes, classes);
            var max = z[0];
            for (var c = 1; c < classes; c++)
                if (z[c] > max) max = z[c];

            // After the shift the largest term is exactly 1, so the sum is >= 1 and its log >= 0: no overflow,
            // no log(0), and the loss below is a sum of two non-negative terms.
            var sum = 0.0;
            for (var c = 0; c < classes; c++)
            {
                var e = Math.Exp((double)z[c] - max);
                shifted[c] = e;
                sum += e;
            }

            // The loss reads the logits before the row is overwritten, so the softmax may run in place.
            if (withLoss)
            {
                var y = labels[i];
                if ((uint)y >= (uint)classes)
                    throw new ArgumentOutOfRangeException(nameof(labels), y, $"the label of row {i} must be in [0, {classes})");
                lossPerSample[i] = ((double)max - z[y]) + Math.Log(sum);
            }

            var inverse = 1.0 / sum;
            for (var c = 0; c < classes; c++) p[c] = (float)(shifted[c] * inverse);
        }
    }
}
