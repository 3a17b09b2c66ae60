namespace ImbLab.Engine;

/// <summary>
/// The training losses a study can choose (docs/remedies-losses.md has each definition with its paper). Counts are the
/// training part's rows per class (n_c; N their sum, pi_c = n_c / N); every loss acts on whatever logits the network
/// gives it. Each loss is immutable and can serve every job, except <see cref="GroupDro"/> (one instance per job).
/// Every loss honours mixed batches: a mixed row's loss and deltas are share * l(z, y1) + (1 - share) * l(z, y2).
/// </summary>
/// <remarks>
/// Arguments are checked here, with the parameter and its accepted range named; the study layer turns user input into
/// these calls after its own validation, so a throw here is a programming error, not a user's.
/// </remarks>
public static class Losses
{
    /// <summary>Plain softmax cross-entropy (the remedy "none").</summary>
    public static ILoss CrossEntropy => SoftmaxCrossEntropy.Instance;

    /// <summary>
    /// Class-weighted cross-entropy: Mean = sum_r w_{y_r} l_r / sum_r w_{y_r} (PyTorch's CrossEntropyLoss(weight=w)); a
    /// mixed row weighs its labels' weights by the shares in the loss and in the normaliser. Sum = sum_r w_{y_r} l_r.
    /// </summary>
    public static ILoss Weighted(IReadOnlyList<double> weights)
    {
        var w = CheckWeights(weights, nameof(weights));
        return new AdjustedCrossEntropy(w.Length, weights: w);
    }

    /// <summary>
    /// Focal loss (Lin et al. 2017): -alpha_y (1 - p_y)^gamma log p_y, the mean over rows; alpha null for 1 (no class
    /// factor), else one non-negative factor per class (not a normaliser: the mean stays over rows).
    /// </summary>
    public static ILoss Focal(double gamma, IReadOnlyList<double>? alpha = null)
    {
        if (!(gamma >= 0 && double.IsFinite(gamma))) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be finite and >= 0");
        return new FocalLoss(gamma, alpha is null ? null : CheckWeights(alpha, nameof(alpha)));
    }

    /// <summary>
    /// LDAM (Cao et al. 2019): CE(s (z - Delta_y e_y), y) with Delta_c = K / n_c^(1/4), K such that the largest margin
    /// (the smallest class's) is <paramref name="maxMargin"/>; weighted by <paramref name="weights"/> as
    /// <see cref="Weighted"/> when given. The authors put it on a cosine classifier (normalised features and output
    /// weights, so logits in [-1, 1]); this loss takes the logits it is given.
    /// </summary>
    public static ILoss Ldam(IReadOnlyList<int> counts, double maxMargin = 0.5, double s = 30, IReadOnlyList<double>? weights = null)
    {
        var n = CheckCounts(counts, "LDAM's margins");
        if (!(maxMargin >= 0 && double.IsFinite(maxMargin))) throw new ArgumentOutOfRangeException(nameof(maxMargin), maxMargin, "maxMargin must be finite and >= 0");
        if (!(s > 0 && double.IsFinite(s))) throw new ArgumentOutOfRangeException(nameof(s), s, "s must be finite and > 0");
        var w = weights is null ? null : CheckWeights(weights, nameof(weights));
        if (w is not null && w.Length != n.Length)
            throw new ArgumentException($"weights has {w.Length} classes; counts has {n.Length}", nameof(weights));
        // The authors' m_list: 1 / n_c^(1/4), scaled so its largest entry is maxMargin; s multiplies the margin with the logits.
        var raw = n.Select(v => 1.0 / Math.Sqrt(Math.Sqrt(v))).ToArray();
        var k = maxMargin / raw.Max();
        var margin = raw.Select(v => s * v * k).ToArray();
        return new AdjustedCrossEntropy(n.Length, scale: Enumerable.Repeat(s, n.Length).ToArray(), margin: margin, weights: w);
    }

    /// <summary>Balanced softmax (Ren et al. 2020): CE(z + log pi, y) in training; predictions use plain z.</summary>
    public static ILoss BalancedSoftmax(IReadOnlyList<int> counts) => LogPriorOffset(counts, 1.0, "balanced softmax");

    /// <summary>Logit-adjusted loss (Menon et al. 2021): CE(z + tau log pi, y); tau 1 is balanced softmax.</summary>
    public static ILoss LogitAdjusted(IReadOnlyList<int> counts, double tau = 1)
    {
        if (!double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must be finite");
        return LogPriorOffset(counts, tau, "the logit-adjusted loss");
    }

    /// <summary>
    /// Class-dependent temperature (Ye et al. 2020): CE(z_c / a_c, y) with a_c = (n_max / n_c)^gamma, so the majority's
    /// logit is kept and a rarer class's is cooled; predictions use plain z. Not shift-invariant: a constant added to
    /// every logit reaches the classes divided by different a_c.
    /// </summary>
    public static ILoss ClassDependentTemperature(IReadOnlyList<int> counts, double gamma = 0.1)
    {
        var n = CheckCounts(counts, "CDT's temperatures");
        if (!(gamma >= 0 && double.IsFinite(gamma))) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be finite and >= 0");
        double max = n.Max();
        return new AdjustedCrossEntropy(n.Length, scale: n.Select(v => 1.0 / Math.Pow(max / v, gamma)).ToArray());
    }

    /// <summary>Label smoothing (Szegedy et al. 2016): cross-entropy against (1 - eps) e_y + eps / C, the mean over rows.</summary>
    public static ILoss LabelSmoothing(double eps = 0.1)
    {
        if (!(eps >= 0 && eps <= 1)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be in [0, 1]");
        return new LabelSmoothedCrossEntropy(eps);
    }

    /// <summary>
    /// <paramref name="before"/> for batches of epochs (0-based <see cref="LossBatch.Epoch"/>) below
    /// <paramref name="atEpoch"/>, <paramref name="after"/> from it on.
    /// </summary>
    public static ILoss Deferred(ILoss before, ILoss after, int atEpoch)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfNegative(atEpoch);
        return new DeferredLoss(before, after, atEpoch);
    }

    /// <summary>DRW (Cao et al. 2019): plain cross-entropy before <paramref name="atEpoch"/>, then class-balanced weights (<see cref="ClassWeights.Effective"/>).</summary>
    public static ILoss Drw(IReadOnlyList<int> counts, int atEpoch, double beta = 0.9999) =>
        Deferred(CrossEntropy, Weighted(ClassWeights.Effective(counts, beta)), atEpoch);

    /// <summary>LDAM-DRW (Cao et al. 2019): LDAM before <paramref name="atEpoch"/>, then LDAM with class-balanced weights.</summary>
    public static ILoss LdamDrw(IReadOnlyList<int> counts, int atEpoch, double beta = 0.9999) =>
        Deferred(Ldam(counts), Ldam(counts, weights: ClassWeights.Effective(counts, beta)), atEpoch);

    /// <summary>
    /// Group DRO over classes (Sagawa et al. 2020): per batch, q_c &lt;- q_c exp(eta L_c) renormalised, then the loss
    /// sum_c q_c L_c with the new q (the authors' order). Stateful: make a new instance for every training job and do
    /// not share it across threads. Sum (the per-class probes) uses the current q as weights C q_c and does not update it.
    /// </summary>
    public static ILoss GroupDro(int classes, double eta = 0.01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (!(eta >= 0 && double.IsFinite(eta))) throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be finite and >= 0");
        return new GroupDroLoss(classes, eta);
    }

    private static AdjustedCrossEntropy LogPriorOffset(IReadOnlyList<int> counts, double tau, string what)
    {
        var n = CheckCounts(counts, what);
        double total = n.Sum();
        return new AdjustedCrossEntropy(n.Length, offset: n.Select(v => tau * Math.Log(v / total)).ToArray());
    }

    /// <summary>The counts as doubles; every class must have rows (a margin, prior or temperature of an empty class is undefined).</summary>
    private static double[] CheckCounts(IReadOnlyList<int> counts, string what)
    {
        ClassWeights.Check(counts);
        for (var c = 0; c < counts.Count; c++)
            if (counts[c] == 0) throw new ArgumentException($"counts[{c}] is 0; {what} need at least one row of every class", nameof(counts));
        return counts.Select(v => (double)v).ToArray();
    }

    private static double[] CheckWeights(IReadOnlyList<double> weights, string name)
    {
        ArgumentNullException.ThrowIfNull(weights, name);
        if (weights.Count < 2) throw new ArgumentException($"{name} has {weights.Count} classes; at least 2 are needed", name);
        for (var c = 0; c < weights.Count; c++)
            if (!(weights[c] >= 0 && double.IsFinite(weights[c]))) throw new ArgumentException($"{name}[{c}] is {weights[c]}; accepted: finite and >= 0", name);
        return weights.ToArray();
    }

    /// <summary>Throws when a batch's class count is not the loss's (a loss made from one dataset's counts used on another's logits).</summary>
    internal static void CheckClasses(in LossBatch batch, int classes)
    {
        if (batch.Classes != classes) throw new ArgumentException($"the batch has {batch.Classes} classes; the loss was made for {classes}", nameof(batch));
    }

    /// <summary>sum_r w_{y_r}; a mixed row counts share * w_{y1} + (1 - share) * w_{y2}.</summary>
    internal static double WeightOfRows(in LossBatch batch, double[] weights)
    {
        double sum = 0;
        if (!batch.IsMixed)
        {
            for (var r = 0; r < batch.Rows; r++) sum += weights[batch.Labels[r]];
            return sum;
        }
        for (var r = 0; r < batch.Rows; r++)
        {
            double share = batch.MixShares[r];
            sum += share * weights[batch.Labels[r]] + (1 - share) * weights[batch.MixLabels[r]];
        }
        return sum;
    }

    /// <summary>Zero deltas on every row (padding included); returns the loss 0.</summary>
    internal static unsafe double ZeroDeltas(in LossBatch batch)
    {
        new Span<float>(batch.Deltas, batch.Rows * batch.Stride).Clear();
        return 0;
    }
}
