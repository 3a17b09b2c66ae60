using System.Text.Json;
using ImbLab.Analysis.Statistics;
using ImbLab.Core.Results;
using static ImbLab.Analysis.Findings.FindingRules;

namespace ImbLab.Analysis.Findings;

/// <summary>
/// What a remedy is compared on: a per-run number, the direction the claim "the remedy helps" takes for it, the
/// smallest change that counts, and the range its change can take (intervals are cut to it).
/// </summary>
public sealed record RemedyMeasure(string Name, string What, string Claim, ClaimSide Side, double Bound, double Min, double Max, bool ReadsTest,
    Func<RunView, double> PerRun)
{
    /// <summary>The finding name of the remedy-vs-none comparison on this measure.</summary>
    public string Finding => "remedy-" + Name;
}

/// <summary>A remedy's change against none on one measure at one level: paired by seed index.</summary>
public sealed record LevelChange(string Level, double Ir, double Baseline, double WithRemedy, Estimate Change, double PValue)
{
    /// <summary>Whether the t interval reached past the range the change can take and was cut to it.</summary>
    public bool Clamped { get; init; }
}

/// <summary>
/// A remedy against none on one measure, for one dataset and protocol, at the protocol's most imbalanced level (with
/// every level's change beside it): the change, its verdict and why.
/// </summary>
public sealed record RemedyEffect(string Dataset, string Protocol, string Remedy, RemedyMeasure Measure, LevelChange? Top, IReadOnlyList<LevelChange> PerLevel,
    string Verdict, double PHolm, string? Reason, string Statement)
{
    public Estimate Change => Top?.Change ?? Estimate.None();
}

/// <summary>A remedy against none on one measure across datasets: the per-dataset changes at each one's most imbalanced level.</summary>
public sealed record AcrossEffect(string Protocol, string Remedy, RemedyMeasure Measure, IReadOnlyList<string> Datasets, double[] Changes, Estimate Mean,
    TestResult Wilcoxon, double PHolm, string Verdict, string? Reason, string Statement);

/// <summary>The remedies ranked per dataset on one metric (most imbalanced level, mean over seeds), Demšar style.</summary>
public sealed record RemedyRanking(string Protocol, string Metric, bool HigherIsBetter, IReadOnlyList<string> Remedies, IReadOnlyList<string> Datasets,
    RankingResult Result, string? Reason);

/// <summary>Everything the remedy comparisons of a study found; <see cref="Rows"/> are what the findings table stores.</summary>
public sealed record RemedyAnalysis(IReadOnlyList<string> Remedies, IReadOnlyList<RemedyEffect> Effects, IReadOnlyList<AcrossEffect> Across,
    IReadOnlyList<RemedyRanking> Rankings, IReadOnlyList<FindingRow> Rows)
{
    public static readonly RemedyAnalysis Empty = new([], [], [], [], []);
}

/// <summary>
/// Each remedy against plain training ('none') on the same data, protocol and level, paired by seed index (runs that
/// differ only in remedy share split, subsample, initial weights and batch order): what it changes in the early
/// underfitting, the onset lag, the memorisation gap, the test metrics and the minority's share of the early updates.
/// Verdicts follow <see cref="FindingRules"/> with Holm over all remedy findings of one dataset; across datasets,
/// Wilcoxon signed-rank on the per-dataset changes with Holm over the remedies, and the remedies ranked per dataset
/// (Friedman, Iman-Davenport, Nemenyi CD). docs/findings.md, "Remedies".
/// </summary>
public static class RemedyFindings
{
    public const string None = "none";

    /// <summary>The dataset column of the findings that pool datasets.</summary>
    public const string AcrossDatasets = "(across datasets)";

    /// <summary>The remedy column of a ranking finding, which is about every remedy at once.</summary>
    public const string AllRemedies = "all";

    /// <summary>Smallest change of a recall-type measure (a class's recall, a gap between recalls, an update share) that counts.</summary>
    public const double RecallChange = 0.05;

    /// <summary>Smallest change of a whole-split score (balanced accuracy, G-mean, ROC AUC) that counts.</summary>
    public const double ScoreChange = 0.02;

    /// <summary>Smallest shortening of the minority's onset lag that counts, in epochs.</summary>
    public const double LagChange = 1;

    public static readonly RemedyMeasure Underfitting = new("underfitting",
        "early underfitting effect (minority minus majority TRAIN recall over the early epochs)", "reduces the early underfitting",
        ClaimSide.Above, RecallChange, -2, 2, false, v => RunMeasures.EarlyRecall(v, v.Minority) - RunMeasures.EarlyRecall(v, v.Majority));

    public static readonly RemedyMeasure OnsetLag = new("onset-lag",
        "onset lag (minority minus majority onset epoch; never = E+1)", "shortens the minority's onset lag",
        ClaimSide.Below, -LagChange, double.NegativeInfinity, double.PositiveInfinity, false, RunMeasures.Lag);

    public static readonly RemedyMeasure Memorisation = new("memorisation",
        "minority train-test recall gap at the last epoch", "narrows the minority's train-test gap",
        ClaimSide.Below, -RecallChange, -2, 2, true, v => RunMeasures.Gap(v, v.Minority));

    public static readonly RemedyMeasure BalancedAccuracy = new("balanced-accuracy",
        "test balanced accuracy at the last epoch (argmax)", "raises test balanced accuracy",
        ClaimSide.Above, ScoreChange, -1, 1, true, v => v.Final(RunMeasures.Test, null, MetricNames.BalancedAccuracy));

    public static readonly RemedyMeasure GMean = new("g-mean",
        "test G-mean at the last epoch", "raises the test G-mean",
        ClaimSide.Above, ScoreChange, -1, 1, true, v => v.Final(RunMeasures.Test, null, MetricNames.GMean));

    public static readonly RemedyMeasure MinorityRecall = new("minority-recall",
        "minority test recall at the last epoch", "raises the minority's test recall",
        ClaimSide.Above, RecallChange, -1, 1, true, v => v.Final(RunMeasures.Test, v.Minority, MetricNames.Recall));

    public static readonly RemedyMeasure RocAuc = new("roc-auc",
        "test ROC AUC at the last epoch", "raises test ROC AUC",
        ClaimSide.Above, ScoreChange, -1, 1, true, v => v.Final(RunMeasures.Test, null, MetricNames.RocAuc));

    public static readonly RemedyMeasure UpdateShare = new("update-share",
        "the minority's share of the update over the early epochs", "raises the minority's share of the early updates",
        ClaimSide.Above, RecallChange, -2, 2, false, RunMeasures.EarlyUpdateShare);

    public static readonly IReadOnlyList<RemedyMeasure> Measures = [Underfitting, OnsetLag, Memorisation, BalancedAccuracy, GMean, MinorityRecall, RocAuc, UpdateShare];

    /// <summary>The remedies of a study's runs, none first, the others in the order their first run was begun.</summary>
    public static IReadOnlyList<string> RemediesOf(StudyData study) =>
        study.Runs.Select(r => r.Run.Remedy).Distinct().OrderBy(r => r == None ? 0 : 1).ToList();

    /// <summary>The remedy findings as rows of the findings table (none when the study ran 'none' only).</summary>
    public static IReadOnlyList<FindingRow> Compute(StudyData study) => Analyse(study).Rows;

    public static RemedyAnalysis Analyse(StudyData study)
    {
        var remedies = RemediesOf(study);
        if (!remedies.Any(r => r != None)) return RemedyAnalysis.Empty;
        var views = study.Runs.Select(r => RunView.Of(study, r)).ToList();
        var effects = new List<RemedyEffect>();
        var rows = new List<FindingRow>();
        foreach (var dataset in views.GroupBy(v => v.Run.DatasetId).OrderBy(g => g.First().Dataset, StringComparer.Ordinal))
        {
            var name = dataset.First().Dataset;
            var drafts = new List<Draft>();
            foreach (var protocol in dataset.GroupBy(v => v.Run.Protocol).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var baseline = Levels(protocol.Where(v => v.Run.Remedy == None));
                foreach (var remedy in remedies.Where(r => r != None))
                {
                    var treated = Levels(protocol.Where(v => v.Run.Remedy == remedy)).ToDictionary(l => l.Name);
                    var diverged = study.Diverged.Count(r => r.DatasetId == dataset.Key && r.Protocol == protocol.Key && (r.Remedy == remedy || r.Remedy == None));
                    foreach (var measure in Measures)
                        drafts.Add(Compare(name, protocol.Key, remedy, measure, baseline, treated, diverged));
                }
            }
            // Holm over the remedy findings of one dataset: a family of its own, so the plain findings' verdicts do
            // not depend on how many remedies the study ran.
            var holm = MultipleTesting.Holm(drafts.Select(d => d.Reason is null ? d.PValue : double.NaN).ToList());
            for (var i = 0; i < drafts.Count; i++)
            {
                var (effect, row) = drafts[i].Decide(study.StudyId, holm[i]);
                effects.Add(effect);
                rows.Add(row);
            }
        }
        var across = new List<AcrossEffect>();
        var rankings = new List<RemedyRanking>();
        foreach (var protocol in effects.Select(e => e.Protocol).Distinct().Order(StringComparer.Ordinal))
        {
            foreach (var measure in Measures)
            {
                var family = remedies.Where(r => r != None).Select(r => AcrossDraft(protocol, r, measure, effects)).ToList();
                var holm = MultipleTesting.Holm(family.Select(f => f.Reason is null ? f.Wilcoxon.PValue : double.NaN).ToList());
                for (var i = 0; i < family.Count; i++)
                {
                    var decided = DecideAcross(family[i], holm[i]);
                    across.Add(decided);
                    rows.Add(AcrossRow(study.StudyId, decided));
                }
            }
            foreach (var (measure, higher) in new[] { (BalancedAccuracy, true), (Memorisation, false) })
            {
                var ranking = Rank(protocol, measure, higher, remedies, views);
                rankings.Add(ranking);
                rows.Add(RankingRow(study.StudyId, ranking, measure));
            }
        }
        return new RemedyAnalysis(remedies, effects, across, rankings, rows);
    }

    /// <summary>An imbalance level of one protocol and remedy, its runs grouped into seeds (folds of a seed averaged).</summary>
    private sealed record Level(string Name, double Ir, IReadOnlyDictionary<int, IReadOnlyList<RunView>> Seeds)
    {
        public Dictionary<int, double> BySeed(Func<RunView, double> measure) =>
            Seeds.ToDictionary(s => s.Key, s => Descriptive.Mean(Descriptive.Finite(s.Value.Select(measure))));

        public int MinMinorityTest => Seeds.Values.SelectMany(s => s).Min(RunMeasures.MinorityTest);
    }

    private static List<Level> Levels(IEnumerable<RunView> runs) =>
        runs.GroupBy(r => r.Run.Level)
            .Select(g => new Level(g.Key, g.Average(r => r.RealisedIr),
                g.GroupBy(r => r.Run.SeedIndex).ToDictionary(s => s.Key, s => (IReadOnlyList<RunView>)s.ToList())))
            .OrderBy(l => l.Ir).ToList();

    private static LevelChange Change(Level baseline, Level treated, RemedyMeasure measure)
    {
        var before = baseline.BySeed(measure.PerRun);
        var after = treated.BySeed(measure.PerRun);
        var common = before.Keys.Intersect(after.Keys).Order().ToList();
        var x = common.Select(s => after[s]).ToList();
        var y = common.Select(s => before[s]).ToList();
        var paired = EffectSizes.Paired(x, y);
        // The onset lag has no natural range to cut to but E + 1 on each side, which the t interval rarely reaches.
        var clamped = false;
        var change = double.IsInfinity(measure.Min) ? paired.Mean : paired.Mean.Clamp(measure.Min, measure.Max, out clamped);
        return new LevelChange(baseline.Name, baseline.Ir, Descriptive.Mean(Descriptive.Finite(y)), Descriptive.Mean(Descriptive.Finite(x)), change, paired.Test.PValue)
            { Clamped = clamped };
    }

    private static Draft Compare(string dataset, string protocol, string remedy, RemedyMeasure measure, List<Level> baseline,
        Dictionary<string, Level> treated, int diverged)
    {
        // Levels are ordered by the baseline's realised IR: a data remedy (over-sampling, SMOTE) changes the realised
        // counts of its own runs, not the level they were planned at.
        var pairs = baseline.Where(b => treated.ContainsKey(b.Name)).Select(b => (Baseline: b, Treated: treated[b.Name])).ToList();
        var perLevel = pairs.Select(p => Change(p.Baseline, p.Treated, measure)).ToList();
        var top = pairs.Count > 0 ? pairs[^1] : default;
        var topChange = perLevel.Count > 0 ? perLevel[^1] : null;
        string? reason;
        bool clamped = false;
        if (baseline.Count == 0) reason = "no 'none' runs of this protocol to pair with";
        else if (pairs.Count == 0) reason = $"no runs of remedy {remedy} at the levels 'none' ran";
        else
        {
            // Seeds that ran both; a measure either side did not record makes its change NaN, which 'not recorded' says.
            var seeds = top.Baseline.Seeds.Keys.Intersect(top.Treated.Seeds.Keys).Count();
            var values = top.Treated.BySeed(measure.PerRun).Values.Concat(top.Baseline.BySeed(measure.PerRun).Values);
            var minTest = Math.Min(top.Baseline.MinMinorityTest, top.Treated.MinMinorityTest);
            reason = seeds < MinSeeds ? $"fewer than {MinSeeds} seeds with both none and the remedy ({seeds})"
                : top.Baseline.Ir <= 1.0 + 1e-9 ? "no imbalanced level in this protocol"
                : measure.ReadsTest && minTest < MinMinorityTest ? $"fewer than {MinMinorityTest} minority test samples in a run ({minTest})"
                : values.All(double.IsNaN) ? measure == UpdateShare ? "not recorded (no update_share in gradient_metrics: the study ran without gradients)" : "not recorded"
                : null;
            clamped = topChange!.Clamped;
        }
        var at = top.Baseline is null ? "" : $" at {top.Baseline.Name} (IR {F(top.Baseline.Ir, 1)})";
        var statement = topChange is null
            ? $"{remedy} vs none: {measure.What}"
            : $"{remedy} vs none{at}: {measure.What} {F(topChange.Baseline)} -> {F(topChange.WithRemedy)} (change {Signed(topChange.Change.Value)}, {Ci(topChange.Change)}, " +
              $"{topChange.Change.N} seeds); per level {string.Join(", ", perLevel.Select(l => $"{l.Level}: {Signed(l.Change.Value)}"))}";
        return new Draft(dataset, protocol, remedy, measure, topChange, perLevel, reason, statement, diverged, clamped);
    }

    private static string Signed(double v) => double.IsNaN(v) ? "n/a" : (v >= 0 ? "+" : "") + F(v);

    private static string ClaimText(RemedyMeasure m) => $"claim: the remedy {m.Claim} (change {(m.Side == ClaimSide.Above ? ">" : "<")} {F(m.Bound)})";

    private sealed record Draft(string Dataset, string Protocol, string Remedy, RemedyMeasure Measure, LevelChange? Top, IReadOnlyList<LevelChange> PerLevel,
        string? Reason, string Statement, int Diverged, bool Clamped)
    {
        public double PValue => Top?.PValue ?? double.NaN;

        public (RemedyEffect Effect, FindingRow Row) Decide(string studyId, double pHolm)
        {
            var change = Top?.Change ?? Estimate.None();
            var verdict = Reason is null ? Verdict(Measure.Side, Measure.Bound, change, pHolm) : Inconclusive;
            var text = Reason is null
                ? $"{Statement}; p {P(PValue)}, Holm p {P(pHolm)}; {ClaimText(Measure)}"
                : $"inconclusive: {Reason}; {Statement}";
            if (Diverged > 0) text += $"; {Diverged} diverged run(s) left out";
            var details = new Dictionary<string, object?>
            {
                ["test"] = "paired t across seeds (remedy minus none, same seed index and level)",
                ["remedy"] = Remedy,
                ["measure"] = Measure.Name,
                ["bound"] = Measure.Bound,
                ["level"] = Top?.Level,
                ["none"] = Finite(Top?.Baseline ?? double.NaN),
                ["with_remedy"] = Finite(Top?.WithRemedy ?? double.NaN),
                ["per_level"] = PerLevel.Select(l => new Dictionary<string, object?>
                {
                    ["level"] = l.Level, ["ir"] = Finite(l.Ir), ["none"] = Finite(l.Baseline), ["with_remedy"] = Finite(l.WithRemedy),
                    ["change"] = Finite(l.Change.Value), ["ci_low"] = Finite(l.Change.Low), ["ci_high"] = Finite(l.Change.High), ["n"] = l.Change.N, ["p"] = Finite(l.PValue),
                }).ToList(),
                ["p_holm"] = Finite(pHolm),
                ["claim"] = ClaimText(Measure),
                ["reason"] = Reason,
            };
            if (Diverged > 0) details["diverged_left_out"] = Diverged;
            if (Clamped)
            {
                details["ci_clamped"] = true;
                details["ci_range"] = new[] { Measure.Min, Measure.Max };
            }
            var effect = new RemedyEffect(Dataset, Protocol, Remedy, Measure, Top, PerLevel, verdict, pHolm, Reason, text);
            var row = new FindingRow(studyId, Dataset, Protocol, Measure.Finding, text, verdict, change.Value, change.Low, change.High, PValue, change.N,
                JsonSerializer.Serialize(details)) { Remedy = Remedy };
            return (effect, row);
        }
    }

    private static AcrossEffect AcrossDraft(string protocol, string remedy, RemedyMeasure measure, IReadOnlyList<RemedyEffect> effects)
    {
        // A dataset counts when its comparison was decidable (no failed precondition) and has a change.
        var usable = effects.Where(e => e.Protocol == protocol && e.Remedy == remedy && e.Measure == measure && e.Reason is null && !double.IsNaN(e.Change.Value))
            .OrderBy(e => e.Dataset, StringComparer.Ordinal).ToList();
        var changes = usable.Select(e => e.Change.Value).ToArray();
        var mean = Descriptive.MeanInterval(changes);
        if (!double.IsInfinity(measure.Min)) mean = mean.Clamp(measure.Min, measure.Max, out _);
        var wilcoxon = RankTests.Wilcoxon(changes);
        var reason = usable.Count < AcrossMinDatasets ? $"fewer than {AcrossMinDatasets} datasets with a decidable comparison ({usable.Count})" : null;
        return new AcrossEffect(protocol, remedy, measure, usable.Select(e => e.Dataset).ToList(), changes, mean, wilcoxon, double.NaN, Inconclusive, reason, "");
    }

    /// <summary>Fewest datasets for a test across datasets (the exact Wilcoxon test needs 6 to reach p &lt; 0.05 at all).</summary>
    public const int AcrossMinDatasets = 3;

    private static AcrossEffect DecideAcross(AcrossEffect a, double pHolm)
    {
        var m = a.Measure;
        var verdict = a.Reason is null ? Verdict(m.Side, m.Bound, a.Mean, pHolm) : Inconclusive;
        var statement = $"{a.Remedy} vs none across {a.Datasets.Count} datasets ({a.Protocol}, each at its most imbalanced level): {m.What}, mean per-dataset change " +
                        $"{Signed(a.Mean.Value)} ({Ci(a.Mean)}), median {Signed(Descriptive.Median(a.Changes))}; Wilcoxon signed-rank W {F(a.Wilcoxon.Statistic, 1)} ({a.Wilcoxon.Method})";
        statement = a.Reason is null
            ? $"{statement}, p {P(a.Wilcoxon.PValue)}, Holm p {P(pHolm)}; {ClaimText(m)}"
            : $"inconclusive: {a.Reason}; {statement}";
        return a with { PHolm = pHolm, Verdict = verdict, Statement = statement };
    }

    private static FindingRow AcrossRow(string studyId, AcrossEffect a)
    {
        var details = new Dictionary<string, object?>
        {
            ["test"] = "Wilcoxon signed-rank on the per-dataset changes (remedy minus none), Holm over the remedies; interval: t across datasets",
            ["remedy"] = a.Remedy,
            ["measure"] = a.Measure.Name,
            ["bound"] = a.Measure.Bound,
            ["datasets"] = a.Datasets,
            ["changes"] = a.Changes.Select(Finite).ToArray(),
            ["wilcoxon_statistic"] = Finite(a.Wilcoxon.Statistic),
            ["wilcoxon_method"] = a.Wilcoxon.Method,
            ["p_holm"] = Finite(a.PHolm),
            ["claim"] = ClaimText(a.Measure),
            ["reason"] = a.Reason,
        };
        return new FindingRow(studyId, AcrossDatasets, a.Protocol, a.Measure.Finding, a.Statement, a.Verdict, a.Mean.Value, a.Mean.Low, a.Mean.High,
            a.Wilcoxon.PValue, a.Datasets.Count, JsonSerializer.Serialize(details)) { Remedy = a.Remedy };
    }

    private static RemedyRanking Rank(string protocol, RemedyMeasure measure, bool higherIsBetter, IReadOnlyList<string> remedies, IReadOnlyList<RunView> views)
    {
        var blocks = new List<IReadOnlyList<double>>();
        var names = new List<string>();
        foreach (var dataset in views.Where(v => v.Run.Protocol == protocol).GroupBy(v => v.Run.DatasetId).OrderBy(g => g.First().Dataset, StringComparer.Ordinal))
        {
            var baseline = Levels(dataset.Where(v => v.Run.Remedy == None));
            if (baseline.Count == 0) continue;
            var top = baseline[^1].Name;
            var row = remedies.Select(r =>
            {
                var runs = dataset.Where(v => v.Run.Remedy == r && v.Run.Level == top).ToList();
                var seeds = runs.GroupBy(v => v.Run.SeedIndex).Select(s => Descriptive.Mean(Descriptive.Finite(s.Select(measure.PerRun)))).ToList();
                return Descriptive.Mean(Descriptive.Finite(seeds));
            }).ToArray();
            if (row.Any(double.IsNaN)) continue;
            blocks.Add(row);
            names.Add(dataset.First().Dataset);
        }
        var result = Ranking.Compare(blocks, higherIsBetter, control: 0);
        var reason = remedies.Count < 2 ? "one remedy only"
            : blocks.Count < AcrossMinDatasets ? $"fewer than {AcrossMinDatasets} datasets with every remedy ({blocks.Count})"
            : remedies.Count < 3 ? "two remedies: the Friedman test needs three or more (see the Wilcoxon test against none)"
            : null;
        return new RemedyRanking(protocol, measure.Name, higherIsBetter, remedies, names, result, reason);
    }

    /// <summary>The ranking's finding name: remedy-ranking:&lt;measure&gt;.</summary>
    public static string RankingFinding(string measure) => "remedy-ranking:" + measure;

    private static FindingRow RankingRow(string studyId, RemedyRanking r, RemedyMeasure measure)
    {
        var res = r.Result;
        var order = Enumerable.Range(0, r.Remedies.Count).OrderBy(i => i < res.AverageRanks.Count ? res.AverageRanks[i] : double.NaN).ToList();
        var ranks = res.AverageRanks.Count == r.Remedies.Count
            ? string.Join(", ", order.Select(i => $"{r.Remedies[i]} {F(res.AverageRanks[i])}"))
            : "n/a";
        var body = $"remedies ranked per dataset on {measure.What} ({(r.HigherIsBetter ? "higher" : "lower")} is better; rank 1 = best; {res.Blocks} datasets, {r.Protocol}, " +
                   $"each at its most imbalanced level, mean over seeds): average ranks {ranks}; Friedman chi2 {F(res.Friedman.Statistic)} (p {P(res.Friedman.PValue)}), " +
                   $"Iman-Davenport F {F(res.ImanDavenport.Statistic)} (df {res.Treatments - 1}, {(res.Treatments - 1) * Math.Max(0, res.Blocks - 1)}; p {P(res.ImanDavenport.PValue)}); " +
                   $"Nemenyi CD {F(res.CriticalDifference)} (q_0.05 {F(res.QAlpha, 3)})";
        var verdict = r.Reason is null ? res.ImanDavenport.PValue < Alpha ? Supported : Inconclusive : Inconclusive;
        var claim = "claim: the remedies differ (Iman-Davenport F test, p < 0.05)";
        var statement = r.Reason is null ? $"{body}; {claim}" : $"inconclusive: {r.Reason}; {body}";
        var details = new Dictionary<string, object?>
        {
            ["test"] = "Friedman (chi-square, tie-corrected) and its Iman-Davenport F form; Nemenyi critical difference (Demsar 2006)",
            ["measure"] = measure.Name,
            ["higher_is_better"] = r.HigherIsBetter,
            ["remedies"] = r.Remedies,
            ["datasets"] = r.Datasets,
            ["average_ranks"] = res.AverageRanks.Select(Finite).ToArray(),
            ["friedman_chi2"] = Finite(res.Friedman.Statistic),
            ["friedman_p"] = Finite(res.Friedman.PValue),
            ["iman_davenport_f"] = Finite(res.ImanDavenport.Statistic),
            ["iman_davenport_p"] = Finite(res.ImanDavenport.PValue),
            ["q_alpha"] = Finite(res.QAlpha),
            ["cd"] = Finite(res.CriticalDifference),
            ["cliques"] = res.Cliques.Select(c => new[] { c.From, c.To }).ToArray(),
            ["versus_none"] = res.VersusControl.Select(v => new Dictionary<string, object?>
            {
                ["remedy"] = r.Remedies[v.Treatment], ["median_difference"] = Finite(v.MedianDifference), ["wilcoxon_statistic"] = Finite(v.Wilcoxon.Statistic),
                ["p"] = Finite(v.Wilcoxon.PValue), ["p_holm"] = Finite(v.HolmP), ["method"] = v.Wilcoxon.Method,
            }).ToList(),
            ["claim"] = claim,
            ["reason"] = r.Reason,
        };
        return new FindingRow(studyId, AcrossDatasets, r.Protocol, RankingFinding(measure.Name), statement, verdict, res.ImanDavenport.Statistic, double.NaN, double.NaN,
            res.ImanDavenport.PValue, res.Blocks, JsonSerializer.Serialize(details)) { Remedy = AllRemedies };
    }

    private static double? Finite(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;
}
