using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Core.Specs;
using ImbLab.Study;
using ImbLab.Study.Planning;
using ImbLab.Store;
using System.Text.Json;
using Xunit;

namespace ImbLab.Tests.Study;

/// <summary>
/// The contract every remedy of the catalogue passes when this build trains it: deterministic for a seed, its config
/// round-trips, it never touches the test set, the loss-weight remedies change nothing at IR 1, and everything a plain
/// run records is recorded. Remedies not available in this build are refused by the parser (RemedySpecTests).
/// </summary>
public sealed class RemedyContractTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-remedy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Available() => [.. RemedyCatalog.All.Where(k => k.Available && k.Name != Remedy.NoneName).Select(k => k.Name)];

    /// <summary>Remedies that only re-weigh classes in the loss: at IR 1 (equal counts) their weights are equal, so they are plain training.</summary>
    private static readonly string[] LossWeights = ["weights:inv", "weights:sqrt", "cb", "drw", "balanced-softmax", "la-loss", "cdt"];

    private static StudySpec Spec(params string[] remedies) => new()
    {
        Data = ["synthetic:rows=400,d=4"],
        Protocols = ["subsample-minority"],
        Irs = [5],
        Seeds = 1,
        Remedies = remedies,
        Model = new ModelSpec { Hidden = [8, 8], Epochs = 6, BatchSize = 16, EarlyEpochs = 1 },
        Diagnostics = new DiagnosticsSpec { GradientSchedule = GradientSchedule.Every, RepresentationRows = 50 },
    };

    private StudyData Train(StudySpec spec, string name)
    {
        var path = Path.Combine(_dir, name + ".db");
        var outcome = StudyPipeline.Train(spec, path, threads: 1, progress: null, CancellationToken.None);
        return StudyStore.Load(path, outcome.StudyId);
    }

    [Theory]
    [MemberData(nameof(Available))]
    public void Given_a_remedy_When_its_config_is_written_Then_it_round_trips(string name)
    {
        var remedy = RemedyCatalog.Parse(name);
        Assert.Equal(remedy.Canonical, RemedyCatalog.Parse(remedy.Canonical).Canonical);
        var plan = StudyPlan.Create(Spec("none", name));
        var run = plan.Runs.Single(r => !r.Remedy.IsNone);
        var config = JsonSerializer.Deserialize<RunConfig>(run.ConfigJson, StudySpec.Json)!;
        Assert.Equal(remedy.Canonical, config.Remedy);
        Assert.Equal(run.ConfigJson, JsonSerializer.Serialize(config, StudySpec.Json));
        // The stored spec holds the canonical texts, so the study reads back as the same study.
        var stored = JsonSerializer.Deserialize<StudySpec>(plan.Spec.ToJson(), StudySpec.Json)!;
        Assert.Equal(plan.StudyId, StudyPlan.Create(stored).StudyId);
    }

    [Theory]
    [MemberData(nameof(Available))]
    public void Given_a_remedy_When_trained_twice_Then_the_stored_numbers_are_the_same_and_everything_plain_training_records_is_recorded(string name)
    {
        using var a = Train(Spec("none", name), "a");
        using var b = Train(Spec("none", name), "b");
        var plain = a.Runs.Single(r => r.Run.Remedy == Remedy.NoneName);
        var runA = a.Runs.Single(r => r.Run.Remedy != Remedy.NoneName);
        var runB = b.Runs.Single(r => r.Run.Remedy != Remedy.NoneName);
        Assert.Equal(RemedyCatalog.Parse(name).Canonical, runA.Run.Remedy);

        // Deterministic for a seed: every stored number is the same.
        Assert.Equal(runA.Metrics, runB.Metrics);
        Assert.Equal(runA.Gradients, runB.Gradients);
        Assert.Equal(runA.Representations, runB.Representations);
        var signalsA = a.Samples.Signals(runA.Run.RunId).ToList();
        var signalsB = b.Samples.Signals(runB.Run.RunId).ToList();
        Assert.Equal(signalsA.Count, signalsB.Count);
        for (var i = 0; i < signalsA.Count; i++)
        {
            Assert.Equal(signalsA[i].TrueClassProbability, signalsB[i].TrueClassProbability);
            Assert.Equal(signalsA[i].Margin, signalsB[i].Margin);
        }

        // Everything recorded today: per-class curves on train and test, per-sample signals, gradients, representations.
        foreach (var split in new[] { Splits.Train, Splits.Test })
        {
            foreach (var cls in new[] { 0, 1 })
                Assert.Contains(runA.Metrics, m => m.Split == split && m.Class == cls && m.Metric == MetricNames.Recall && m.Epoch >= 1);
            Assert.Contains(signalsA, s => s.Split == split && s.Epoch >= 1);
        }
        Assert.Contains(runA.Gradients, g => g.Metric == "update_share" && g.Class == runA.Run.MinorityClass);
        Assert.Contains(runA.Representations, r => r.Metric == "silhouette");
        foreach (var kind in new[] { "metrics", "gradients", "representations" })
        {
            var plainMetrics = kind switch
            {
                "metrics" => plain.Metrics.Select(m => m.Split + "/" + m.Metric).Distinct(),
                "gradients" => plain.Gradients.Select(g => g.Metric).Distinct(),
                _ => plain.Representations.Select(r => r.Split + "/" + r.Metric).Distinct(),
            };
            var remedyMetrics = kind switch
            {
                "metrics" => runA.Metrics.Select(m => m.Split + "/" + m.Metric).ToHashSet(),
                "gradients" => runA.Gradients.Select(g => g.Metric).ToHashSet(),
                _ => runA.Representations.Select(r => r.Split + "/" + r.Metric).ToHashSet(),
            };
            Assert.All(plainMetrics, m => Assert.Contains(m, remedyMetrics));
        }
    }

    [Theory]
    [MemberData(nameof(Available))]
    public void Given_a_remedy_When_trained_Then_the_test_rows_and_their_features_are_those_of_none(string name)
    {
        using var data = Train(Spec("none", name), "t");
        var plain = data.Runs.Single(r => r.Run.Remedy == Remedy.NoneName).Run;
        var remedy = data.Runs.Single(r => r.Run.Remedy != Remedy.NoneName).Run;
        var plainTest = data.Samples.Samples(plain.RunId).Single(s => s.Split == Splits.Test);
        var remedyTest = data.Samples.Samples(remedy.RunId).Single(s => s.Split == Splits.Test);
        Assert.Equal(plainTest.RowIds, remedyTest.RowIds);
        Assert.Equal(plainTest.Labels, remedyTest.Labels);
        Assert.Equal(plain.TestCounts, remedy.TestCounts);
        // The training rows the monitor follows are the run's own: a validation split is carved from them and rus keeps a
        // subset; nothing is ever added (no copy, no synthetic row).
        var plainTrain = data.Samples.Samples(plain.RunId).Single(s => s.Split == Splits.Train).RowIds;
        var remedyTrain = data.Samples.Samples(remedy.RunId).Single(s => s.Split == Splits.Train).RowIds;
        Assert.Subset(plainTrain.ToHashSet(), remedyTrain.ToHashSet());
        if (remedy.Remedy is var r && !(r.StartsWith("threshold", StringComparison.Ordinal) || r.StartsWith("early-stop", StringComparison.Ordinal) || r == "rus"))
            Assert.Equal(plainTrain, remedyTrain);
    }

    [Fact]
    public void Given_two_remedies_When_planned_Then_their_runs_share_seed_split_subsample_and_initial_weights()
    {
        var plan = StudyPlan.Create(Spec("none", "posthoc-la") with { Seeds = 2 });
        var bySeed = plan.Runs.GroupBy(r => r.Config.SeedIndex).ToList();
        Assert.Equal(2, bySeed.Count);
        foreach (var seed in bySeed)
        {
            var runs = seed.ToList();
            Assert.Equal(2, runs.Count);
            Assert.Equal(runs[0].Config.Seed, runs[1].Config.Seed);
            Assert.Equal(runs[0].Config.Split, runs[1].Config.Split);
            Assert.Equal(runs[0].SplitIndex, runs[1].SplitIndex);
            Assert.NotEqual(runs[0].RunId, runs[1].RunId);
        }
    }

    [Fact]
    public void Given_a_post_hoc_remedy_When_trained_Then_it_shares_none_s_initial_model_and_training_and_changes_only_the_predictions()
    {
        // posthoc-la changes no training: its gradient records (of the same model, step for step) equal none's, bit for bit,
        // while its recorded predictions differ from the first checkpoint on (the initial weights are the same).
        using var data = Train(Spec("none", "posthoc-la"), "p");
        var plain = data.Runs.Single(r => r.Run.Remedy == Remedy.NoneName);
        var adjusted = data.Runs.Single(r => r.Run.Remedy != Remedy.NoneName);
        Assert.Equal(plain.Gradients, adjusted.Gradients);
        Assert.Equal(plain.Representations, adjusted.Representations);
        Assert.NotEqual(plain.Metrics.Where(m => m.Metric == MetricNames.Loss), adjusted.Metrics.Where(m => m.Metric == MetricNames.Loss));
        var protocolRows = data.Samples.Samples(plain.Run.RunId).Single(s => s.Split == Splits.Train).RowIds;
        Assert.Equal(protocolRows, data.Samples.Samples(adjusted.Run.RunId).Single(s => s.Split == Splits.Train).RowIds);
    }

    [Theory]
    [MemberData(nameof(Available))]
    public void Given_a_loss_weight_remedy_at_IR_1_When_trained_Then_its_numbers_are_none_s(string name)
    {
        if (!LossWeights.Contains(name)) return; // the contract is about loss weights only
        var spec = Spec("none", name) with { Irs = [1] };
        using var data = Train(spec, "ir1");
        var plain = data.Runs.Single(r => r.Run.Remedy == Remedy.NoneName);
        var weighted = data.Runs.Single(r => r.Run.Remedy != Remedy.NoneName);
        Assert.Equal(plain.Run.TrainCounts[0], plain.Run.TrainCounts[1]);
        Assert.Equal(plain.Metrics.Select(m => (m.Step, m.Split, m.Class, m.Metric)), weighted.Metrics.Select(m => (m.Step, m.Split, m.Class, m.Metric)));
        foreach (var (p, w) in plain.Metrics.Zip(weighted.Metrics))
            Assert.True(Math.Abs(p.Value - w.Value) <= 1e-5 * Math.Max(1, Math.Abs(p.Value)) || (double.IsNaN(p.Value) && double.IsNaN(w.Value)),
                $"{p.Split} {p.Class} {p.Metric} at step {p.Step}: {p.Value} vs {w.Value}");
    }
}
