using ImbLab.Study;
using ImbLab.Study.Planning;
using ImbLab.Study.Running;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Study;

public sealed class StudyRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-study-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static StudySpec SmallSpec() => new()
    {
        Data = ["synthetic:rows=600,d=4"],
        Protocols = ["subsample-minority", "fixed-n"],
        Irs = [1, 5],
        Seeds = 2,
        Model = new ModelSpec { Hidden = [8, 8], Epochs = 3, BatchSize = 16 },
    };

    [Fact]
    public void Given_a_small_study_When_run_Then_every_planned_run_is_stored_with_its_realised_counts_and_curves()
    {
        var path = Path.Combine(_dir, "a.db");
        var outcome = StudyPipeline.Train(SmallSpec(), path, threads: 2, progress: null, CancellationToken.None);

        Assert.Equal(8, outcome.RunsTotal); // 2 protocols x 2 IRs x 2 seeds
        Assert.Equal(8, outcome.RunsDone);
        using var store = StudyStore.Open(path, create: false);
        var runs = store.Runs(outcome.StudyId);
        Assert.Equal(8, runs.Count);
        foreach (var run in runs)
        {
            Assert.Equal("finished", run.Status);
            var minority = run.TrainCounts[run.MinorityClass];
            var majority = run.TrainCounts.Sum() - minority;
            var ir = run.RequestedIr!.Value;
            Assert.InRange(majority / (double)minority, ir * 0.8, ir * 1.25);
            var metrics = store.Metrics(run.RunId).Select(m => m.Record).ToList();
            // epoch 0 and three epoch ends, on both splits
            foreach (var split in new[] { "train", "test" })
                Assert.Equal([0.0, 1.0, 2.0, 3.0], metrics.Where(m => m.Split == split && m.Metric == "accuracy" && m.Epoch == Math.Floor(m.Epoch)).Select(m => m.Epoch).ToArray());
            Assert.Contains(metrics, m => m.Epoch is > 0 and < 1); // log-spaced early checkpoints
            var signals = store.Signals(run.RunId).ToList();
            Assert.Equal(metrics.Select(m => (m.Split, m.Step)).Distinct().Count(), signals.Count);
        }
        // fixed-n: N identical across IRs
        var fixedN = runs.Where(r => r.Protocol == "fixed-n").Select(r => r.TrainCounts.Sum()).Distinct().ToList();
        Assert.Single(fixedN);
        // each seed index has its own test set, shared by every protocol and level of that seed index (paired design)
        string TestRows(RunRow r) => string.Join(",", store.Samples(r.RunId).Single(s => s.Split == "test").RowIds);
        var bySeed = runs.GroupBy(r => r.SeedIndex).ToDictionary(g => g.Key, g => g.Select(TestRows).Distinct().ToList());
        Assert.All(bySeed.Values, sets => Assert.Single(sets));
        Assert.NotEqual(bySeed[0][0], bySeed[1][0]);
    }

    [Fact]
    public void Given_five_seeds_When_planned_Then_each_seed_index_draws_its_own_stratified_split_recorded_in_its_config()
    {
        var spec = SmallSpec() with { Seeds = 5 };
        var plan = StudyPlan.Create(spec);

        var tests = plan.Runs.GroupBy(r => r.Config.SeedIndex).ToDictionary(g => g.Key,
            g => g.Select(r => string.Join(",", r.Dataset.Splits[r.SplitIndex].Split.TestRows)).Distinct().ToList());
        Assert.Equal(5, tests.Count);
        Assert.All(tests.Values, sets => Assert.Single(sets));
        Assert.Equal(5, tests.Values.Select(v => v[0]).Distinct().Count());
        // Stratified: every seed index's test part has the same class counts.
        var counts = plan.Runs.Select(r =>
        {
            var (table, split) = r.Dataset.Splits[r.SplitIndex];
            return string.Join(",", split.TestRows.GroupBy(i => table.Labels[i]).OrderBy(g => g.Key).Select(g => g.Count()));
        }).Distinct();
        Assert.Single(counts);
        // The config says which split a run used: one split seed per seed index.
        Assert.Equal(5, plan.Runs.Select(r => r.Config.Split.Seed).Distinct().Count());
        Assert.All(plan.Runs.GroupBy(r => r.Config.SeedIndex), g => Assert.Single(g.Select(r => r.Config.Split.Seed).Distinct()));
        // The same spec plans the same splits.
        Assert.Equal(plan.Runs.Select(r => r.RunId), StudyPlan.Create(spec).Runs.Select(r => r.RunId));
    }

    [Fact]
    public void Given_keel_folds_When_planned_Then_every_seed_index_trains_on_the_same_five_fold_files()
    {
        var vehicle = Path.Combine(ImbLab.Tests.Readers.ReaderFixtures.KeelCorpus(), "vehicle0", "vehicle0.dat");
        var spec = SmallSpec() with { Data = [vehicle], Protocols = ["natural"], Seeds = 3, Split = "keel" };
        var plan = StudyPlan.Create(spec);

        Assert.Equal(5 * 3, plan.Runs.Count);
        Assert.Equal(5, plan.Datasets.Single().Splits.Count);
        Assert.All(plan.Runs.GroupBy(r => r.Config.SeedIndex), g => Assert.Equal([0, 1, 2, 3, 4], g.Select(r => r.SplitIndex).Order()));
    }

    [Fact]
    public void Given_kfold_When_planned_Then_each_seed_index_has_its_own_fold_assignment_covering_every_row_once()
    {
        var spec = SmallSpec() with { Protocols = ["subsample-minority"], Irs = [2], Seeds = 3, Split = "kfold:3" };
        var plan = StudyPlan.Create(spec);

        Assert.Equal(3 * 3, plan.Runs.Count);
        var assignments = new List<string>();
        foreach (var seed in plan.Runs.GroupBy(r => r.Config.SeedIndex))
        {
            var tests = seed.Select(r => r.Dataset.Splits[r.SplitIndex].Split.TestRows).ToList();
            Assert.Equal(3, tests.Count);
            var all = tests.SelectMany(t => t).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, 600), all);
            assignments.Add(string.Join("|", tests.Select(t => string.Join(",", t))));
        }
        Assert.Equal(3, assignments.Distinct().Count());
    }

    [Fact]
    public void Given_the_same_spec_twice_When_run_into_two_stores_Then_the_numbers_are_identical()
    {
        var a = StudyPipeline.Train(SmallSpec(), Path.Combine(_dir, "a.db"), 2, null, CancellationToken.None);
        var b = StudyPipeline.Train(SmallSpec(), Path.Combine(_dir, "b.db"), 1, null, CancellationToken.None);
        Assert.Equal(a.StudyId, b.StudyId);
        using var sa = StudyStore.Open(Path.Combine(_dir, "a.db"), false);
        using var sb = StudyStore.Open(Path.Combine(_dir, "b.db"), false);
        var ma = sa.Metrics().OrderBy(m => m.RunId, StringComparer.Ordinal).ThenBy(m => m.Record.Step).Select(m => (m.RunId, m.Record)).ToList();
        var mb = sb.Metrics().OrderBy(m => m.RunId, StringComparer.Ordinal).ThenBy(m => m.Record.Step).Select(m => (m.RunId, m.Record)).ToList();
        Assert.Equal(ma.Count, mb.Count);
        for (var i = 0; i < ma.Count; i++)
        {
            Assert.Equal(ma[i].RunId, mb[i].RunId);
            Assert.Equal(ma[i].Record.Metric, mb[i].Record.Metric);
            Assert.Equal(BitConverter.DoubleToInt64Bits(ma[i].Record.Value), BitConverter.DoubleToInt64Bits(mb[i].Record.Value));
        }
    }

    [Fact]
    public void Given_a_study_interrupted_after_some_runs_When_run_again_Then_finished_runs_are_kept_and_only_the_rest_are_trained()
    {
        var path = Path.Combine(_dir, "resume.db");
        var spec = SmallSpec() with { Protocols = ["subsample-minority"], Seeds = 4 };
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.RunsDone >= 1) cancel.Cancel();
        });
        // Small groups, so that cancelling after the first finished run leaves later groups untouched.
        var plan = StudyPlan.Create(spec);
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            using var store = StudyStore.Open(path, create: true);
            store.UpsertStudy(plan.StudyId, spec.ToJson());
            foreach (var d in plan.Datasets) store.UpsertDataset(StudyPipeline.Describe(d));
            new StudyRunner(threads: 1, groupSize: 2).Run(plan, new StoreSink(store), new HashSet<string>(), 0, progress, cancel.Token);
        });

        int finishedBefore;
        using (var store = StudyStore.Open(path, false)) finishedBefore = store.FinishedRunIds(plan.StudyId).Count;
        Assert.InRange(finishedBefore, 1, plan.Runs.Count - 1);

        var outcome = StudyPipeline.Train(spec, path, 2, null, CancellationToken.None);
        Assert.Equal(finishedBefore, outcome.RunsSkipped);
        Assert.Equal(plan.Runs.Count - finishedBefore, outcome.RunsDone);
        using var final = StudyStore.Open(path, false);
        var runs = final.Runs(plan.StudyId, finishedOnly: false);
        Assert.Equal(plan.Runs.Count, runs.Count);
        Assert.All(runs, r => Assert.Equal("finished", r.Status));
        StoreAssert.EveryRunCompleteOnce(final, epochs: 3);
    }

    [Fact]
    public void Given_an_infeasible_request_When_planned_Then_it_is_refused_before_anything_trains()
    {
        var spec = SmallSpec() with { Data = ["synthetic:rows=600,d=4,ir=20"], Protocols = ["subsample-minority"], Irs = [2] };
        var e = Assert.Throws<ImbLab.Core.InfeasibleException>(() => StudyPlan.Create(spec));
        Assert.Contains("feasible", e.Message);
    }

    private sealed class SyncProgress(Action<StudyProgress> action) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value) => action(value);
    }
}
