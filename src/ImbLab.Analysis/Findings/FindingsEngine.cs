using System.Text.Json;
using ImbLab.Analysis.Statistics;
using ImbLab.Core.Results;
using static ImbLab.Analysis.Findings.FindingRules;

namespace ImbLab.Analysis.Findings;

/// <summary>
/// Tests the study's claims on a store, per dataset and protocol, with effects and intervals across seeds (a seed is
/// one run; k-fold runs of a seed are averaged first) and a verdict by the rule in <see cref="FindingRules"/>
/// (docs/findings.md). Holm's adjustment runs over all findings of one dataset that carry a p-value.
/// </summary>
public static class FindingsEngine
{
    public const string DesignProtocol = "subsample-minority";
    public static readonly string[] ControlProtocols = ["fixed-n", "fixed-minority", "fixed-majority"];

    public static IReadOnlyList<FindingRow> Compute(StudyData study)
    {
        var studyId = study.StudyId;
        var views = study.Runs.Select(r => RunView.Of(study, r)).ToList();
        var rows = new List<FindingRow>();
        foreach (var dataset in views.GroupBy(v => v.Run.DatasetId).OrderBy(g => g.First().Dataset, StringComparer.Ordinal))
        {
            var drafts = new List<Draft>();
            // Runs of different remedies are never pooled: each remedy's runs make their own findings (none first).
            var remedies = dataset.GroupBy(v => v.Run.Remedy).OrderBy(g => g.Key == "none" ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            foreach (var remedy in remedies)
            {
                foreach (var protocol in remedy.GroupBy(v => v.Run.Protocol).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    // Diverged runs are results, not numbers to average: left out, and counted in each finding.
                    var diverged = study.Diverged.Count(r => r.DatasetId == dataset.Key && r.Protocol == protocol.Key && r.Remedy == remedy.Key);
                    drafts.AddRange(ForProtocol(protocol.Key, protocol.ToList()).Select(d => d with { DivergedLeftOut = diverged, Remedy = remedy.Key }));
                }
            }
            var holm = MultipleTesting.Holm(drafts.Select(d => d.HolmInput).ToList());
            var decided = drafts.Select((d, i) => d.Decide(holm[i])).ToList();
            foreach (var remedy in remedies) decided.AddRange(Controls([.. decided.Where(d => d.Remedy == remedy.Key)]).Select(d => d with { Remedy = remedy.Key }));
            var name = dataset.First().Dataset;
            rows.AddRange(decided.Select(d => d.ToRow(studyId, name)));
        }
        // Each remedy against none (nothing for a study that ran 'none' only, so its rows stay as they were).
        rows.AddRange(RemedyFindings.Compute(study));
        return rows;
    }

    /// <summary>An imbalance level of one protocol, its runs grouped into seeds.</summary>
    private sealed record Level(string Name, double Ir, IReadOnlyList<IReadOnlyList<RunView>> Seeds, IReadOnlyList<int> SeedIndices)
    {
        public double[] PerSeed(Func<RunView, double> measure) =>
            Seeds.Select(runs => Descriptive.Mean(Descriptive.Finite(runs.Select(measure)))).ToArray();

        public Dictionary<int, double> BySeed(Func<RunView, double> measure)
        {
            var values = PerSeed(measure);
            return SeedIndices.Select((s, i) => (s, values[i])).ToDictionary(t => t.s, t => t.Item2);
        }

        public int MinMinorityTest => Seeds.SelectMany(s => s).Min(RunMeasures.MinorityTest);
    }

    private static IEnumerable<Draft> ForProtocol(string protocol, IReadOnlyList<RunView> runs)
    {
        var levels = runs.GroupBy(r => r.Run.Level)
            .Select(g =>
            {
                var seeds = g.GroupBy(r => r.Run.SeedIndex).OrderBy(s => s.Key).ToList();
                return new Level(g.Key, g.Average(r => r.RealisedIr), seeds.Select(s => (IReadOnlyList<RunView>)s.ToList()).ToList(), seeds.Select(s => s.Key).ToList());
            })
            .OrderBy(l => l.Ir).ToList();
        var top = levels[^1];
        var low = levels[0];
        var epochs = runs.Max(r => r.Epochs);
        var w = RunMeasures.EarlyWindow(epochs);
        var seedsReason = top.Seeds.Count < MinSeeds ? $"fewer than {MinSeeds} seeds ({top.Seeds.Count})" : null;
        var imbalancedReason = top.Ir <= 1.0 + 1e-9 ? "no imbalanced level in this protocol" : null;
        var testReason = top.MinMinorityTest < MinMinorityTest ? $"fewer than {MinMinorityTest} minority test samples in a run ({top.MinMinorityTest})" : null;
        var trendReason = levels.Count < MinLevelsForTrend ? $"fewer than {MinLevelsForTrend} imbalance levels ({levels.Count})" : null;
        string at = $"at {top.Name} (IR {F(top.Ir, 1)})";

        // 1. Early minority underfitting.
        {
            var min = top.PerSeed(v => RunMeasures.EarlyRecall(v, v.Minority));
            var maj = top.PerSeed(v => RunMeasures.EarlyRecall(v, v.Majority));
            var paired = EffectSizes.Paired(min, maj);
            var effect = Clamp(paired.Mean, -1, 1, out var cut);
            var onsetMin = top.PerSeed(v => RunMeasures.Onset(v, v.Minority) ?? double.PositiveInfinity);
            var onsetMaj = top.PerSeed(v => RunMeasures.Onset(v, v.Majority) ?? double.PositiveInfinity);
            yield return new Draft(protocol, "early-minority-underfitting", ClaimSide.Below, -RecallDelta, effect, paired.Test.PValue,
                $"minority train recall over epochs 1-{w} {at}: {F(Descriptive.Mean(min))} vs majority {F(Descriptive.Mean(maj))} " +
                $"(difference {F(effect.Value)}, {Ci(effect)}, {effect.N} seeds); onset epoch (train recall stays >= 0.5) " +
                $"minority {F(Descriptive.Median(onsetMin), 1)} vs majority {F(Descriptive.Median(onsetMaj), 1)} (seed medians)",
                seedsReason ?? imbalancedReason,
                Details(("test", "paired t across seeds"), ("bound", -RecallDelta), ("early_epochs", w), ("minority", min), ("majority", maj),
                    ("onset_minority", onsetMin.Select(Finite)), ("onset_majority", onsetMaj.Select(Finite)), ("hodges_lehmann", paired.HodgesLehmann)))
                { ClampedTo = cut };
        }

        // 1b. The lag grows with IR.
        {
            var (irs, lags) = Pooled(levels, RunMeasures.Lag);
            var rho = RankTests.Spearman(irs, lags);
            var perLevel = levels.Select(l => $"{l.Name}: {F(Descriptive.Mean(l.PerSeed(RunMeasures.Lag)), 1)}");
            yield return new Draft(protocol, "underfitting-lag-trend", ClaimSide.Above, TrendRho, RankTests.SpearmanInterval(rho), rho.PValue,
                $"onset lag (minority minus majority onset epoch, never = E+1) vs IR: Spearman rho {F(rho.Statistic)} ({Ci(RankTests.SpearmanInterval(rho))}, " +
                $"{rho.N} seed x level points); mean lag per level {string.Join(", ", perLevel)}",
                seedsReason ?? trendReason,
                Details(("test", "Spearman, t-approximation; interval Fisher z with variance 1.06/(n-3)"), ("bound", TrendRho), ("ir", irs), ("lag", lags)));
        }

        // 2. Eventual fitting of the minority's training samples.
        {
            var plateau = top.PerSeed(RunMeasures.PlateauValue);
            var epoch = top.PerSeed(RunMeasures.PlateauEpoch);
            var mean = Clamp(Descriptive.MeanInterval(plateau), 0, 1, out var cut);
            var test = Descriptive.OneSampleT(plateau, FittedRecall);
            yield return new Draft(protocol, "eventual-minority-fitting", ClaimSide.Above, FittedRecall, mean, test.PValue,
                $"minority train recall plateau {at}: {F(mean.Value)} ({Ci(mean)}, {mean.N} seeds; mean of the last 5 epochs), " +
                $"first reached (within {F(PlateauTolerance)}) at epoch {F(Descriptive.Mean(Descriptive.Finite(epoch)), 1)} of {epochs}",
                seedsReason ?? imbalancedReason,
                Details(("test", $"one-sample t against {FittedRecall}"), ("bound", FittedRecall), ("plateau", plateau), ("plateau_epoch", epoch)))
                { ClampedTo = cut };
        }

        // 3. Non-generalisation: the minority's train-test gap exceeds the majority's.
        {
            var gapMin = top.PerSeed(v => RunMeasures.Gap(v, v.Minority));
            var gapMaj = top.PerSeed(v => RunMeasures.Gap(v, v.Majority));
            var paired = EffectSizes.Paired(gapMin, gapMaj);
            var effect = Clamp(paired.Mean, -2, 2, out var cut);
            yield return new Draft(protocol, "minority-non-generalisation", ClaimSide.Above, RecallDelta, effect, paired.Test.PValue,
                $"train-test recall gap {at}: minority {F(Descriptive.Mean(gapMin))} vs majority {F(Descriptive.Mean(gapMaj))} " +
                $"(difference {F(effect.Value)}, {Ci(effect)}, {effect.N} seeds)",
                seedsReason ?? imbalancedReason ?? testReason,
                Details(("test", "paired t across seeds"), ("bound", RecallDelta), ("gap_minority", gapMin), ("gap_majority", gapMaj), ("hodges_lehmann", paired.HodgesLehmann)))
                { ClampedTo = cut };

            var (irs, excess) = Pooled(levels, v => RunMeasures.Gap(v, v.Minority) - RunMeasures.Gap(v, v.Majority));
            var rho = RankTests.Spearman(irs, excess);
            var minTest = levels.Min(l => l.MinMinorityTest);
            yield return new Draft(protocol, "non-generalisation-trend", ClaimSide.Above, TrendRho, RankTests.SpearmanInterval(rho), rho.PValue,
                $"minority-minus-majority train-test gap vs IR: Spearman rho {F(rho.Statistic)} ({Ci(RankTests.SpearmanInterval(rho))}, {rho.N} seed x level points); " +
                $"per level {string.Join(", ", levels.Select(l => $"{l.Name}: {F(Descriptive.Mean(l.PerSeed(v => RunMeasures.Gap(v, v.Minority) - RunMeasures.Gap(v, v.Majority))))}"))}",
                seedsReason ?? trendReason ?? (minTest < MinMinorityTest ? $"fewer than {MinMinorityTest} minority test samples in a run ({minTest})" : null),
                Details(("test", "Spearman, t-approximation"), ("bound", TrendRho), ("ir", irs), ("gap_excess", excess)));
        }

        // 3b. Minority silhouette, train vs test.
        {
            var sil = top.Seeds.SelectMany(s => s).ToDictionary(v => v.Run.RunId, v => RunMeasures.Silhouette(v));
            var train = top.PerSeed(v => sil[v.Run.RunId].Train);
            var test = top.PerSeed(v => sil[v.Run.RunId].Test);
            var recorded = train.Concat(test).Any(x => !double.IsNaN(x));
            var paired = EffectSizes.Paired(train, test);
            var effect = Clamp(paired.Mean, -2, 2, out var cut);
            yield return new Draft(protocol, "minority-silhouette-gap", ClaimSide.Above, SilhouetteDelta, effect, paired.Test.PValue,
                recorded
                    ? $"minority silhouette {at} (layer {sil.Values.Max(s => s.Layer)}): train {F(Descriptive.Mean(Descriptive.Finite(train)))} vs test {F(Descriptive.Mean(Descriptive.Finite(test)))} " +
                      $"(difference {F(effect.Value)}, {Ci(effect)}, {effect.N} seeds)"
                    : "minority silhouette, train vs test",
                recorded ? seedsReason ?? imbalancedReason ?? testReason : "not recorded (no silhouette in representation_metrics)",
                Details(("test", "paired t across seeds"), ("bound", SilhouetteDelta), ("train", train), ("test_values", test)))
                { ClampedTo = cut };
        }

        // 4. Initial guessing bias at epoch 0.
        {
            var all = new Level("all", double.NaN, runs.GroupBy(r => r.Run.SeedIndex).OrderBy(g => g.Key).Select(g => (IReadOnlyList<RunView>)g.ToList()).ToList(),
                runs.Select(r => r.Run.SeedIndex).Distinct().Order().ToList());
            var excess = all.PerSeed(RunMeasures.GuessExcess);
            var vsPrior = all.PerSeed(RunMeasures.GuessVsPrior);
            var classes = runs.Max(r => r.Classes);
            var mean = Clamp(Descriptive.MeanInterval(excess), 0, 1 - 1.0 / classes, out var cut);
            var test = Descriptive.OneSampleT(excess);
            yield return new Draft(protocol, "initial-guessing-bias", ClaimSide.Above, GuessBias, mean, test.PValue,
                $"at epoch 0 the most-predicted class takes {F(mean.Value)} more than 1/C of the train predictions ({Ci(mean)}, {mean.N} seeds, levels averaged); " +
                $"the majority's prediction share minus its prior: {F(Descriptive.Mean(Descriptive.Finite(vsPrior)))}",
                all.Seeds.Count < MinSeeds ? $"fewer than {MinSeeds} seeds ({all.Seeds.Count})" : excess.All(double.IsNaN) ? "not recorded (no pred_share at epoch 0)" : null,
                Details(("test", "one-sample t against 0"), ("bound", GuessBias), ("excess", excess), ("majority_minus_prior", vsPrior)))
                { ClampedTo = cut };
        }

        // 5. Ranking or threshold: does test ROC AUC fall from the least to the most imbalanced level?
        {
            var aucTop = top.BySeed(v => v.Final(RunMeasures.Test, null, MetricNames.RocAuc));
            var aucLow = low.BySeed(v => v.Final(RunMeasures.Test, null, MetricNames.RocAuc));
            var recTop = top.BySeed(v => v.Final(RunMeasures.Test, v.Minority, MetricNames.Recall));
            var recLow = low.BySeed(v => v.Final(RunMeasures.Test, v.Minority, MetricNames.Recall));
            var common = aucTop.Keys.Intersect(aucLow.Keys).Order().ToList();
            var paired = EffectSizes.Paired(common.Select(s => aucTop[s]).ToList(), common.Select(s => aucLow[s]).ToList());
            var recall = EffectSizes.Paired(common.Select(s => recTop[s]).ToList(), common.Select(s => recLow[s]).ToList());
            var effect = Clamp(paired.Mean, -1, 1, out var cut);
            var reading = effect.HasInterval && effect.High < -AucDrop ? "ranking: the learned scores themselves get worse"
                : effect.HasInterval && effect.Low > -AucDrop ? "threshold: the ranking holds while the decision threshold moves"
                : "between ranking and threshold";
            var minTest = Math.Min(top.MinMinorityTest, low.MinMinorityTest);
            yield return new Draft(protocol, "ranking-not-threshold", ClaimSide.Below, -AucDrop, effect, paired.Test.PValue,
                $"test ROC AUC {low.Name} -> {top.Name}: {F(Descriptive.Mean(common.Select(s => aucLow[s]).ToList()))} -> {F(Descriptive.Mean(common.Select(s => aucTop[s]).ToList()))} " +
                $"(change {F(effect.Value)}, {Ci(effect)}, {effect.N} seeds) while argmax minority test recall changes by {F(recall.Mean.Value)}; reading: {reading}",
                levels.Count < 2 ? "one imbalance level only" : common.Count < MinSeeds ? $"fewer than {MinSeeds} seeds ({common.Count})" : imbalancedReason
                    ?? (minTest < MinMinorityTest ? $"fewer than {MinMinorityTest} minority test samples in a run ({minTest})" : null),
                Details(("test", "paired t across seeds (same seed index at both levels)"), ("bound", -AucDrop), ("auc_low", common.Select(s => aucLow[s])),
                    ("auc_top", common.Select(s => aucTop[s])), ("recall_change", recall.Mean.Value), ("reading", reading)))
                { ClampedTo = cut };
        }

        // 5b. A threshold chosen on the training part (or the prior's logit adjustment) recovers minority recall.
        {
            var binary = runs.All(r => r.Classes == 2);
            var thresholds = binary ? top.Seeds.SelectMany(s => s).ToDictionary(v => v.Run.RunId, v => RunMeasures.Thresholds(v)) : [];
            var recorded = binary && thresholds.Values.All(t => t is not null);
            double T(RunView v, Func<ThresholdRecall, double> pick) => recorded && thresholds[v.Run.RunId] is { } t ? pick(t) : double.NaN;
            var argmax = top.PerSeed(v => T(v, t => t.Argmax));
            var tuned = top.PerSeed(v => T(v, t => t.AtThreshold));
            var adjusted = top.PerSeed(v => T(v, t => t.LogitAdjusted));
            var paired = EffectSizes.Paired(tuned, argmax);
            var effect = Clamp(paired.Mean, -1, 1, out var cut);
            yield return new Draft(protocol, "threshold-recovers-minority", ClaimSide.Above, RecallDelta, effect, paired.Test.PValue,
                recorded
                    ? $"minority test recall {at}: argmax {F(Descriptive.Mean(argmax))}, at the train-balanced-accuracy threshold {F(Descriptive.Mean(tuned))} " +
                      $"(gain {F(effect.Value)}, {Ci(effect)}, {effect.N} seeds), after logit adjustment by the train priors {F(Descriptive.Mean(adjusted))}"
                    : "minority test recall at a threshold chosen on the training part",
                !binary ? "not binary: the threshold and logit-adjustment analysis is defined for two classes"
                    : !recorded ? "not recorded (no per-sample signals)" : seedsReason ?? imbalancedReason ?? testReason,
                Details(("test", "paired t across seeds"), ("bound", RecallDelta), ("argmax", argmax), ("threshold", tuned), ("logit_adjusted", adjusted),
                    ("thresholds", recorded ? top.PerSeed(v => T(v, t => t.Threshold)) : [])))
                { ClampedTo = cut };
        }
    }

    /// <summary>Seed-level points (seed means within a level) pooled over levels, with the level's realised IR.</summary>
    private static (double[] Irs, double[] Values) Pooled(IReadOnlyList<Level> levels, Func<RunView, double> measure)
    {
        var irs = new List<double>();
        var values = new List<double>();
        foreach (var l in levels)
        {
            foreach (var runs in l.Seeds)
            {
                irs.Add(runs.Average(r => r.RealisedIr));
                values.Add(Descriptive.Mean(Descriptive.Finite(runs.Select(measure))));
            }
        }
        return ([.. irs], [.. values]);
    }

    /// <summary>
    /// 6. Controls: a design-protocol finding survives when it is supported under every control protocol the study
    /// ran; it is contradicted when a control contradicts it, and inconclusive otherwise.
    /// </summary>
    private static IEnumerable<Decided> Controls(IReadOnlyList<Decided> decided)
    {
        var design = decided.Where(d => d.Protocol == DesignProtocol).ToList();
        var controls = decided.Select(d => d.Protocol).Where(p => ControlProtocols.Contains(p)).Distinct().Order().ToList();
        if (design.Count == 0) yield break;
        foreach (var d in design)
        {
            var under = controls.Select(p => decided.FirstOrDefault(c => c.Protocol == p && c.Finding == d.Finding)).OfType<Decided>().ToList();
            string verdict;
            string why;
            if (under.Count == 0) { verdict = Inconclusive; why = "inconclusive: the study ran no control protocol (fixed-n, fixed-minority, fixed-majority)"; }
            else if (d.Verdict != Supported) { verdict = Inconclusive; why = $"nothing to carry over: {d.Verdict} under {DesignProtocol}"; }
            else if (under.All(c => c.Verdict == Supported)) { verdict = Supported; why = "supported under every control"; }
            else if (under.Any(c => c.Verdict == Contradicted)) { verdict = Contradicted; why = "a control contradicts it: the effect follows sample size, not the ratio"; }
            else { verdict = Inconclusive; why = "not supported under every control"; }
            var listed = string.Join("; ", under.Select(c => $"{c.Protocol}: {c.Verdict} (effect {F(c.Effect.Value)})"));
            yield return new Decided(DesignProtocol, "controls:" + d.Finding, verdict,
                $"{d.Finding} under {DesignProtocol}: {d.Verdict} (effect {F(d.Effect.Value)}); {(listed.Length > 0 ? listed + "; " : "")}{why}",
                new Estimate(d.Effect.Value, double.NaN, double.NaN, d.Effect.N), double.NaN, double.NaN,
                JsonSerializer.Serialize(new { rule = "supported under the design protocol and under every control protocol present", controls = under.Select(c => new { c.Protocol, c.Verdict, effect = Finite(c.Effect.Value) }) }));
        }
    }

    /// <summary>
    /// The effect's interval cut to [min, max], the values the effect can take; <paramref name="cut"/> is that range
    /// when an end moved (the finding's details then say "ci_clamped": true), else null. Spearman's Fisher-z interval
    /// is inside [-1, 1] by construction and needs no cut.
    /// </summary>
    private static Estimate Clamp(Estimate e, double min, double max, out (double Min, double Max)? cut)
    {
        var bounded = e.Clamp(min, max, out var clamped);
        cut = clamped ? (min, max) : null;
        return bounded;
    }

    private static double? Finite(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;

    private static Dictionary<string, object?> Details(params (string Key, object? Value)[] items) =>
        items.ToDictionary(i => i.Key, i => i.Value switch
        {
            double d => Finite(d),
            IEnumerable<double> a => a.Select(Finite).ToArray(),
            IEnumerable<double?> a => a.ToArray(),
            var o => o,
        });

    /// <summary>A finding before Holm's adjustment: everything but the verdict.</summary>
    private sealed record Draft(string Protocol, string Finding, ClaimSide Side, double Bound, Estimate Effect, double PValue,
        string Statement, string? Reason, Dictionary<string, object?> DetailsMap)
    {
        /// <summary>Runs of this dataset and protocol whose training diverged, left out of the statistics.</summary>
        public int DivergedLeftOut { get; init; }

        /// <summary>The remedy of the runs behind the finding.</summary>
        public string Remedy { get; init; } = "none";

        /// <summary>The range the effect's interval was cut to, when the t interval reached past it.</summary>
        public (double Min, double Max)? ClampedTo { get; init; }

        /// <summary>The p-value that enters Holm's adjustment: none for a finding the data cannot decide anyway.</summary>
        public double HolmInput => Reason is null ? PValue : double.NaN;

        public Decided Decide(double pHolm)
        {
            var verdict = Reason is null ? Verdict(Side, Bound, Effect, pHolm) : Inconclusive;
            var claim = $"claim: effect {(Side == ClaimSide.Above ? ">" : "<")} {F(Bound)}";
            var text = Reason is null
                ? $"{Statement}; p {P(PValue)}, Holm p {P(pHolm)}; {claim}"
                : $"inconclusive: {Reason}; {Statement}";
            DetailsMap["p_holm"] = Finite(pHolm);
            DetailsMap["claim"] = claim;
            DetailsMap["reason"] = Reason;
            if (DivergedLeftOut > 0)
            {
                DetailsMap["diverged_left_out"] = DivergedLeftOut;
                text += $"; {DivergedLeftOut} diverged run(s) left out";
            }
            if (ClampedTo is { } range)
            {
                DetailsMap["ci_clamped"] = true;
                DetailsMap["ci_range"] = new[] { range.Min, range.Max };
            }
            return new Decided(Protocol, Finding, verdict, text, Effect, PValue, pHolm, JsonSerializer.Serialize(DetailsMap)) { Remedy = Remedy };
        }
    }

    private sealed record Decided(string Protocol, string Finding, string Verdict, string Statement, Estimate Effect, double PValue, double PHolm, string DetailsJson)
    {
        public string Remedy { get; init; } = "none";

        public FindingRow ToRow(string studyId, string dataset) =>
            new(studyId, dataset, Protocol, Finding, Statement, Verdict, Effect.Value, Effect.Low, Effect.High, PValue, Effect.N, DetailsJson) { Remedy = Remedy };
    }
}
