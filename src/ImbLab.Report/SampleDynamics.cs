namespace ImbLab.Report;

/// <summary>One training sample's dynamics over the epoch ends 1..E.</summary>
internal readonly record struct SampleDynamicsRow(int Label, double Confidence, double Variability, int? LearnedEpoch, int ForgettingEvents);

/// <summary>
/// Per-sample dynamics from the epoch-end signals, private to the report until the shared versions in
/// ImbLab.Analysis land: cartography (Swayamdipta et al. 2020: confidence = mean p_true, variability = its
/// population sd), learned epoch (the first epoch from which the sample stays correct; null = never learned) and
/// forgetting events (Toneva et al. 2019: correct at one epoch end, wrong at the next).
/// </summary>
internal static class SampleDynamics
{
    /// <param name="pTrue">per epoch end (1..E, in order), the probability of the true class of each sample</param>
    /// <param name="correct">per epoch end, whether each sample was classified correctly</param>
    public static SampleDynamicsRow[] Compute(IReadOnlyList<float[]> pTrue, IReadOnlyList<bool[]> correct, IReadOnlyList<int> labels)
    {
        var epochs = pTrue.Count;
        var rows = new SampleDynamicsRow[labels.Count];
        for (var i = 0; i < labels.Count; i++)
        {
            double sum = 0, sumSq = 0;
            for (var e = 0; e < epochs; e++)
            {
                double p = pTrue[e][i];
                sum += p;
                sumSq += p * p;
            }
            var mean = epochs == 0 ? double.NaN : sum / epochs;
            var variance = epochs == 0 ? double.NaN : Math.Max(0, sumSq / epochs - mean * mean);
            int? learned = null;
            for (var e = epochs - 1; e >= 0 && correct[e][i]; e--) learned = e + 1;
            var forgetting = 0;
            for (var e = 1; e < epochs; e++)
                if (correct[e - 1][i] && !correct[e][i]) forgetting++;
            rows[i] = new SampleDynamicsRow(labels[i], mean, Math.Sqrt(variance), learned, forgetting);
        }
        return rows;
    }
}
