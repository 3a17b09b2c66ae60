using ImbLab.Analysis.Statistics;
using ImbLab.Core.Results;

namespace ImbLab.Analysis.Findings;

/// <summary>The per-run numbers the findings compare across seeds and imbalance levels. NaN = not available.</summary>
public static class RunMeasures
{
    public const string Train = Splits.Train;
    public const string Test = Splits.Test;

    /// <summary>The early window: epochs 1..W with W = max(1, min(5, E / 10)).</summary>
    public static int EarlyWindow(int epochs) => Math.Max(1, Math.Min(5, epochs / 10));

    /// <summary>Mean TRAIN recall of a class over epochs 1..W.</summary>
    public static double EarlyRecall(RunView v, int cls)
    {
        var s = v.Series(Train, cls, MetricNames.Recall);
        if (s is null || v.Epochs < 1) return double.NaN;
        var w = Math.Min(EarlyWindow(v.Epochs), v.Epochs);
        return Descriptive.Mean(Descriptive.Finite(s.Skip(1).Take(w)));
    }

    /// <summary>First epoch from which TRAIN recall stays ≥ 0.5 to the last epoch; null if it is below 0.5 at the end.</summary>
    public static int? Onset(RunView v, int cls)
    {
        var s = v.Series(Train, cls, MetricNames.Recall);
        if (s is null) return null;
        var e = s.Length - 1;
        while (e >= 0 && s[e] >= 0.5) e--;
        return e + 1 <= v.Epochs ? e + 1 : null;
    }

    /// <summary>Minority onset minus majority onset; a class that never reaches it counts as E + 1 (censored).</summary>
    public static double Lag(RunView v) => (Onset(v, v.Minority) ?? v.Epochs + 1) - (Onset(v, v.Majority) ?? v.Epochs + 1);

    /// <summary>Mean TRAIN recall of the minority over the last 5 epochs (fewer when E &lt; 5; epoch 0 never counts).</summary>
    public static double PlateauValue(RunView v)
    {
        var s = v.Series(Train, v.Minority, MetricNames.Recall);
        if (s is null || v.Epochs < 1) return double.NaN;
        var from = Math.Max(1, v.Epochs - 4);
        return Descriptive.Mean(Descriptive.Finite(s.Skip(from)));
    }

    /// <summary>The first epoch whose minority TRAIN recall is within 0.02 of <see cref="PlateauValue"/>.</summary>
    public static double PlateauEpoch(RunView v)
    {
        var s = v.Series(Train, v.Minority, MetricNames.Recall);
        var plateau = PlateauValue(v);
        if (s is null || double.IsNaN(plateau)) return double.NaN;
        for (var e = 0; e < s.Length; e++)
            if (Math.Abs(s[e] - plateau) <= FindingRules.PlateauTolerance) return e;
        return double.NaN;
    }

    /// <summary>Train recall minus test recall of a class at the last epoch.</summary>
    public static double Gap(RunView v, int cls) => v.Final(Train, cls, MetricNames.Recall) - v.Final(Test, cls, MetricNames.Recall);

    /// <summary>The largest share of TRAIN predictions any class gets at epoch 0, minus 1/C.</summary>
    public static double GuessExcess(RunView v)
    {
        var shares = Enumerable.Range(0, v.Classes).Select(c => v.At(Train, c, MetricNames.PredShare, 0)).ToArray();
        return shares.Any(double.IsNaN) ? double.NaN : shares.Max() - 1.0 / v.Classes;
    }

    /// <summary>The majority's share of TRAIN predictions at epoch 0 minus its share of the training part (its prior).</summary>
    public static double GuessVsPrior(RunView v) =>
        v.At(Train, v.Majority, MetricNames.PredShare, 0) - (double)v.Run.TrainCounts[v.Majority] / v.Run.TrainCounts.Sum();

    public static int MinorityTest(RunView v) => v.Run.TestCounts[v.Minority];

    /// <summary>
    /// The minority's mean share of the update (gradient_metrics 'update_share', whole network) over the checkpoints
    /// after the first update and up to the end of the early window (epochs in (0, W]); NaN when not recorded.
    /// </summary>
    public static double EarlyUpdateShare(RunView v)
    {
        var w = EarlyWindow(v.Epochs);
        var values = v.Data.Gradients
            .Where(g => g.Metric == "update_share" && g.Layer is null && g.OtherClass is null && g.Class == v.Minority && g.Step > 0 && g.Epoch <= w + 1e-9)
            .Select(g => g.Value);
        return Descriptive.Mean(Descriptive.Finite(values));
    }

    /// <summary>
    /// The minority's last-epoch test silhouette numbers from representation_metrics: metric 'silhouette', class =
    /// minority, the deepest layer that has it; NaN when not recorded.
    /// </summary>
    public static (double Train, double Test, int Layer) Silhouette(RunView v)
    {
        var records = v.Data.Representations.Where(r => r.Metric == "silhouette" && r.Class == v.Minority && r.OtherClass is null).ToList();
        if (records.Count == 0) return (double.NaN, double.NaN, -1);
        var layer = records.Max(r => r.Layer);
        double Last(string split) => records.Where(r => r.Layer == layer && r.Split == split).OrderBy(r => r.Step).Select(r => r.Value).DefaultIfEmpty(double.NaN).Last();
        return (Last(Train), Last(Test), layer);
    }

    /// <summary>
    /// Binary runs: the minority's test recall at argmax, at the train-balanced-accuracy-optimal threshold on
    /// p(minority), and after post-hoc logit adjustment by the training priors (Menon et al. 2021: argmax of
    /// z - log π, i.e. predict the minority iff z_min - z_maj &gt; log(π_min / π_maj)), from the last-epoch signals.
    /// Null when the run is not binary or recorded no signals.
    /// </summary>
    public static ThresholdRecall? Thresholds(RunView v)
    {
        if (v.Classes != 2) return null;
        var signals = SplitSignals.Load(v, dynamics: false);
        if (!signals.TryGetValue(Train, out var train) || !signals.TryGetValue(Test, out var test)) return null;
        var min = v.Minority;
        double[] PMin(SplitSignals s)
        {
            var p = s.PTrue[^1];
            return s.Labels.Select((y, i) => y == min ? p[i] : 1.0 - p[i]).ToArray();
        }
        var trainP = PMin(train);
        var testP = PMin(test);
        // A probability that is not a number (a network whose outputs overflowed) has no place on a threshold scale.
        if (trainP.Any(double.IsNaN) || testP.Any(double.IsNaN)) return null;
        var threshold = BestThreshold(trainP, train.Labels, min);
        var testMin = Enumerable.Range(0, test.Labels.Length).Where(i => test.Labels[i] == min).ToArray();
        if (testMin.Length == 0) return null;
        var priorMin = (double)v.Run.TrainCounts[min] / v.Run.TrainCounts.Sum();
        var cut = Math.Log(priorMin / (1 - priorMin));
        var margin = test.Margin[^1];
        var correct = test.Correct[^1];
        return new ThresholdRecall(
            testMin.Count(i => correct[i]) / (double)testMin.Length,
            threshold,
            testMin.Count(i => testP[i] >= threshold) / (double)testMin.Length,
            testMin.Count(i => margin[i] > cut) / (double)testMin.Length);
    }

    /// <summary>The threshold t on p(minority) (predict minority iff p ≥ t) maximising balanced accuracy; ties: the highest t.</summary>
    public static double BestThreshold(double[] pMin, int[] labels, int min)
    {
        // NaN equals nothing, not even itself: the tie loop below would never move past it.
        if (pMin.Any(double.IsNaN)) throw new ArgumentException("a probability is NaN", nameof(pMin));
        var positives = labels.Count(y => y == min);
        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0) return 0.5;
        var order = Enumerable.Range(0, pMin.Length).OrderByDescending(i => pMin[i]).ToArray();
        double best = -1, bestT = 0.5;
        int tp = 0, fp = 0;
        for (var k = 0; k < order.Length;)
        {
            var t = pMin[order[k]];
            while (k < order.Length && pMin[order[k]] == t)
            {
                if (labels[order[k]] == min) tp++; else fp++;
                k++;
            }
            var ba = 0.5 * ((double)tp / positives + 1 - (double)fp / negatives);
            if (ba > best) { best = ba; bestT = t; }
        }
        return bestT;
    }
}

/// <summary>The minority's test recall under three decision rules, and the threshold chosen on the training part.</summary>
public sealed record ThresholdRecall(double Argmax, double Threshold, double AtThreshold, double LogitAdjusted);
