using System.Globalization;
using ImbLab.Analysis.Statistics;

namespace ImbLab.Analysis.Findings;

/// <summary>Which way a finding's claim points relative to its bound.</summary>
public enum ClaimSide
{
    /// <summary>The claim is that the effect is above the bound.</summary>
    Above,

    /// <summary>The claim is that the effect is below the bound.</summary>
    Below,
}

/// <summary>
/// The written rule every verdict follows (docs/findings.md). A claim is "effect above (or below) a bound". Given the
/// effect, its 95% interval across seeds and the Holm-adjusted p-value of the finding's test:
/// supported when the estimate is beyond the bound on the claimed side and p_holm &lt; alpha;
/// contradicted when the whole interval lies on the other side of the bound (the data rule out an effect as large as
/// claimed); inconclusive otherwise, and always when a precondition fails (too few seeds, minority test samples or
/// imbalance levels; not recorded).
/// </summary>
public static class FindingRules
{
    public const double Alpha = 0.05;
    public const int MinSeeds = 3;
    public const int MinMinorityTest = 5;
    public const int MinLevelsForTrend = 3;

    /// <summary>Smallest recall difference that counts as an effect (minority vs majority, train vs test gaps).</summary>
    public const double RecallDelta = 0.10;

    /// <summary>Eventual fitting: the minority's plateau train recall must exceed this.</summary>
    public const double FittedRecall = 0.90;

    /// <summary>Smallest rank correlation with IR that counts as a trend.</summary>
    public const double TrendRho = 0.30;

    /// <summary>Initial guessing bias: the most-predicted class's share at epoch 0 must exceed 1/C by this.</summary>
    public const double GuessBias = 0.10;

    /// <summary>Ranking: test ROC AUC must fall by at least this from the least to the most imbalanced level.</summary>
    public const double AucDrop = 0.05;

    /// <summary>Silhouette: the minority's train silhouette must exceed its test silhouette by this.</summary>
    public const double SilhouetteDelta = 0.05;

    /// <summary>Plateau: the first epoch whose minority train recall is within this of the mean of the last 5 epochs.</summary>
    public const double PlateauTolerance = 0.02;

    public const string Supported = "supported";
    public const string Contradicted = "contradicted";
    public const string Inconclusive = "inconclusive";

    public static string Verdict(ClaimSide side, double bound, Estimate effect, double pHolm)
    {
        if (double.IsNaN(effect.Value)) return Inconclusive;
        var beyond = side == ClaimSide.Above ? effect.Value > bound : effect.Value < bound;
        if (beyond && pHolm < Alpha) return Supported;
        if (effect.HasInterval && (side == ClaimSide.Above ? effect.High < bound : effect.Low > bound)) return Contradicted;
        return Inconclusive;
    }

    public static string F(double v, int digits = 2) =>
        double.IsNaN(v) ? "n/a" : double.IsPositiveInfinity(v) ? "never" : v.ToString("F" + digits, CultureInfo.InvariantCulture);

    public static string P(double p) => PValueText.Format(p);

    public static string Ci(Estimate e, int digits = 2) => e.HasInterval ? $"95% CI [{F(e.Low, digits)}, {F(e.High, digits)}]" : "no interval";
}
