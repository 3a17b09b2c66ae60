using ImbLab.Analysis.Dynamics;
using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Analysis.Findings;

/// <summary>One sample's dynamics in one run, with where it came from.</summary>
public sealed record SampleDynamicsRow(string RunId, string Dataset, string Protocol, string Level, int SeedIndex, string Split, int Sample,
    int Class, string Role, SampleDynamics Dynamics)
{
    public string Remedy { get; init; } = "none";
}

/// <summary>A group's summary: dataset, protocol, level, role (minority/majority/other) and split, pooled over its runs.</summary>
public sealed record DynamicsGroup(string Dataset, string Protocol, string Level, string Role, string Split, int Runs, DynamicsSummary Summary)
{
    /// <summary>The remedy of the group's runs (runs of different remedies are never pooled).</summary>
    public string Remedy { get; init; } = "none";
}

/// <summary>The memorisation gap of one dataset, protocol and level.</summary>
public sealed record GapRow(string Dataset, string Protocol, string Level, MemorisationGap Gap)
{
    public string Remedy { get; init; } = "none";
}

/// <summary>
/// Per-sample dynamics of a study from the store: epoch-end signals only; 'train' is the evaluation of the training
/// part, or the training presentations when a run's config says "dynamics_from": "training" and recorded a
/// 'train_presented' split.
/// </summary>
public static class StudyDynamics
{
    public static IEnumerable<SampleDynamicsRow> Samples(StudyData study)
    {
        foreach (var data in study.Runs)
        {
            var view = RunView.Of(study, data);
            var run = data.Run;
            foreach (var (split, s) in SplitSignals.Load(view, dynamics: true).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var dynamics = SampleDynamicsCalculator.Compute(s.Correct, s.PTrue, s.Margin, s.Epochs);
                for (var i = 0; i < dynamics.Length; i++)
                {
                    var cls = s.Labels[i];
                    var role = run.RoleOf(cls);
                    yield return new SampleDynamicsRow(run.RunId, view.Dataset, run.Protocol, run.Level, run.SeedIndex, split, s.RowIds[i], cls, role, dynamics[i]) { Remedy = run.Remedy };
                }
            }
        }
    }

    public static (IReadOnlyList<DynamicsGroup> Groups, IReadOnlyList<GapRow> Gaps) Summarise(StudyData study)
    {
        var studyId = study.StudyId;
        var rows = Samples(study).ToList();
        if (rows.Count == 0)
            throw new ImbLabException($"study {studyId}: no per-sample signals recorded (the study ran with {Settings.Mention(Settings.RecordSamples)} off; run it again with it on to record them)");
        var groups = rows.GroupBy(r => (r.Dataset, r.Protocol, r.Level, r.Role, r.Split, r.Remedy))
            .OrderBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Protocol, StringComparer.Ordinal).ThenBy(g => g.Key.Remedy, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Level, StringComparer.Ordinal).ThenBy(g => g.Key.Role, StringComparer.Ordinal).ThenBy(g => g.Key.Split, StringComparer.Ordinal)
            .Select(g => new DynamicsGroup(g.Key.Dataset, g.Key.Protocol, g.Key.Level, g.Key.Role, g.Key.Split, g.Select(r => r.RunId).Distinct().Count(),
                DynamicsSummary.Of(g.Select(r => r.Dynamics).ToList())) { Remedy = g.Key.Remedy })
            .ToList();
        var gaps = new List<GapRow>();
        foreach (var level in rows.Where(r => r.Role == Roles.Minority).GroupBy(r => (r.Dataset, r.Protocol, r.Level, r.Remedy)))
        {
            // A seed's counts pool its folds; the test split's "correct at the last epoch" is "not never learned".
            var seeds = level.GroupBy(r => r.SeedIndex).OrderBy(g => g.Key).Select(g => new GapCounts(
                g.Count(r => r.Split == Splits.Train && !r.Dynamics.NeverLearned), g.Count(r => r.Split == Splits.Train),
                g.Count(r => r.Split == Splits.Test && !r.Dynamics.NeverLearned), g.Count(r => r.Split == Splits.Test))).ToList();
            gaps.Add(new GapRow(level.Key.Dataset, level.Key.Protocol, level.Key.Level, MemorisationGap.Of(seeds)) { Remedy = level.Key.Remedy });
        }
        return (groups, gaps);
    }
}
