using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Study;

public sealed class StoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RunRow Run(string id) => new(id, "study1", "ds-1", "hash", "{}", 3, 0, "natural", "natural", null, 0, 0, 1,
        [90, 10], [45, 5], "running", "2026-01-01T00:00:00.000Z", null, null, "0.1.0");

    private static RunRecords Records()
    {
        var r = new RunRecords();
        r.Metrics.Add(new MetricRecord(0, 0, "train", 1, "recall", 0.25));
        r.Metrics.Add(new MetricRecord(0, 0, "train", null, "roc_auc", double.NaN));
        r.Samples.Add(new SplitSamples("train", [4, 7, 9], [0, 1, 0]));
        r.Signals.Add(new SampleSignals(0, 0, "train", [0.5f, 0.25f, 1f], [0.1f, -2f, 3f], [true, false, true]));
        return r;
    }

    [Fact]
    public void Given_a_completed_run_When_read_back_Then_every_record_round_trips_and_NaN_is_NULL()
    {
        var path = Path.Combine(_dir, "s.db");
        using (var store = StudyStore.Open(path, create: true))
        {
            store.UpsertStudy("study1", "{}");
            store.UpsertDataset(new DatasetRow("ds-1", "ds", "file.dat", "abc", 150, 2, 2, 0, ["a", "b"], [140, 10], "{}"));
            store.BeginRun(Run("r1"));
            store.CompleteRun("r1", Records(), 1.5);
        }
        using var reopened = StudyStore.Open(path, create: false);
        var run = Assert.Single(reopened.Runs("study1"));
        Assert.Equal("finished", run.Status);
        Assert.Equal([90, 10], run.TrainCounts);
        Assert.Equal(9.0, run.RealisedIr);
        var metrics = reopened.Metrics("r1").Select(m => m.Record).ToList();
        Assert.Equal(0.25, metrics[0].Value);
        Assert.True(double.IsNaN(metrics[1].Value));
        Assert.Null(metrics[1].Class);
        var signals = Assert.Single(reopened.Signals("r1"));
        Assert.Equal([0.5f, 0.25f, 1f], signals.TrueClassProbability);
        Assert.Equal([true, false, true], signals.Correct);
        Assert.Equal([4, 7, 9], Assert.Single(reopened.Samples("r1")).RowIds);
    }

    [Fact]
    public void Given_a_run_left_running_When_its_owner_is_gone_and_stale_runs_are_deleted_Then_finished_runs_stay_and_partial_records_go()
    {
        var clock = new ImbLab.Tests.Store.ManualClock(DateTimeOffset.UnixEpoch);
        var path = Path.Combine(_dir, "s.db");
        using (var first = StudyStore.Open(path, create: true, clock))
        {
            first.UpsertStudy("study1", "{}");
            first.UpsertDataset(new DatasetRow("ds-1", "ds", "file.dat", "abc", 150, 2, 2, 0, ["a", "b"], [140, 10], "{}"));
            first.BeginRun(Run("done"));
            first.CompleteRun("done", Records(), 1);
            first.BeginRun(Run("left"));
        }
        using var store = StudyStore.Open(path, create: false, clock);
        clock.Advance(RunOwner.StaleAfter + TimeSpan.FromSeconds(1));

        Assert.Equal(1, store.DeleteStaleRuns("study1"));
        Assert.Equal(["done"], store.FinishedRunIds("study1"));
        Assert.Single(store.Runs("study1", finishedOnly: false));
    }

    [Fact]
    public void Given_a_run_completed_twice_When_read_Then_its_records_are_not_duplicated()
    {
        using var store = StudyStore.Open(Path.Combine(_dir, "s.db"), create: true);
        store.UpsertStudy("study1", "{}");
        store.UpsertDataset(new DatasetRow("ds-1", "ds", "file.dat", "abc", 150, 2, 2, 0, ["a", "b"], [140, 10], "{}"));
        store.BeginRun(Run("r1"));
        store.CompleteRun("r1", Records(), 1);
        store.BeginRun(Run("r1"));
        store.CompleteRun("r1", Records(), 1);
        Assert.Equal(2, store.Metrics("r1").Count());
    }

    [Fact]
    public void Given_a_file_that_is_not_a_store_When_opened_Then_a_clear_error_names_it()
    {
        var path = Path.Combine(_dir, "not.db");
        File.WriteAllText(path, "hello, this is text");
        var e = Assert.Throws<ImbLabException>(() => StudyStore.Open(path, create: false));
        Assert.Contains("not.db", e.Message);
        Assert.Contains("not an ImbLab store", e.Message);
    }

    [Fact]
    public void Given_a_missing_store_When_opened_for_reading_Then_the_error_says_so()
    {
        var e = Assert.Throws<ImbLabException>(() => StudyStore.Open(Path.Combine(_dir, "none.db"), create: false));
        Assert.Contains("no such store", e.Message);
    }

    [Fact]
    public void Blob_bitset_round_trips_any_length()
    {
        for (var n = 0; n < 20; n++)
        {
            var values = Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray();
            Assert.Equal(values, Blob.ToBools(Blob.FromBools(values), n));
        }
    }
}
