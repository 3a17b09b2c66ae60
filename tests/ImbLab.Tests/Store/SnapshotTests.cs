using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Store.Export;
using Xunit;

namespace ImbLab.Tests.Store;

/// <summary>Readers see one state of the store while a study process commits runs to it.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string StorePath => Path.Combine(_dir, "imblab.db");

    private StudyStore Writer()
    {
        var store = StudyStore.Open(StorePath, create: true);
        store.UpsertStudy("s1", "{}");
        store.UpsertDataset(new DatasetRow("ds-1", "toy", "toy.dat", "fp", 100, 2, 2, 0, ["neg", "pos"], [90, 10], "{}"));
        return store;
    }

    private static void Finish(StudyStore store, string id)
    {
        Assert.True(store.TryClaimRun(new RunRow(id, "s1", "ds-1", "h", "{}", 0, 0, "natural", "natural", null, 0, 0, 1, [80, 8], [10, 2],
            "running", "2026-01-01T00:00:00.000Z", null, null, "test")));
        var records = new RunRecords();
        for (var step = 0; step < 100; step++)
        {
            records.Metrics.Add(new MetricRecord(step, step, "test", 1, "recall", 0.5));
            records.Metrics.Add(new MetricRecord(step, step, "test", null, "accuracy", 0.9));
        }
        Assert.True(store.CompleteRun(id, records, 1));
    }

    [Fact]
    public void Given_a_snapshot_When_a_run_finishes_and_another_begins_between_two_reads_Then_the_second_read_sees_neither()
    {
        using var writer = Writer();
        Finish(writer, "r1");
        using var reader = StudyStore.OpenForReading(StorePath);
        using (reader.Snapshot())
        {
            Assert.Equal(["r1"], reader.Runs().Select(r => r.RunId));
            Finish(writer, "r2");
            Assert.True(writer.TryClaimRun(new RunRow("r3", "s1", "ds-1", "h", "{}", 0, 0, "natural", "natural", null, 0, 0, 1, [80, 8], [10, 2],
                "running", "2026-01-01T00:00:00.000Z", null, null, "test")));
            Assert.Equal(["r1"], reader.Metrics().Select(m => m.RunId).Distinct());
            Assert.Equal(["r1"], reader.Runs(finishedOnly: false).Select(r => r.RunId));
        }
        Assert.Equal(["r1", "r2"], reader.Metrics().Select(m => m.RunId).Distinct());
    }

    [Fact]
    public async Task Given_a_study_committing_runs_When_exported_repeatedly_Then_every_export_is_one_consistent_state()
    {
        using var writer = Writer();
        Finish(writer, "r0");
        using var stop = new CancellationTokenSource();
        var next = 1;
        var finished = 0;
        var writing = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Finish(writer, $"r{next++}");
                Interlocked.Increment(ref finished);
            }
        });
        try
        {
            for (var i = 0; i < 15; i++)
            {
                // Each export starts only after the writer has committed another run, so the exports and the commits
                // interleave however the machine schedules the two threads (a fast export must not outrun the writer).
                var seen = Volatile.Read(ref finished);
                SpinWait.SpinUntil(() => Volatile.Read(ref finished) > seen || writing.IsCompleted, TimeSpan.FromSeconds(30));
                var folder = Path.Combine(_dir, $"export-{i}");
                using var reader = StudyStore.OpenForReading(StorePath);
                StoreExporter.Export(reader, new ExportRequest(folder, ExportFormat.Csv) { Tables = ["runs", "metrics"] }, CancellationToken.None);
                var runs = File.ReadLines(Path.Combine(folder, "runs.csv")).Skip(1).Select(l => l.Split(',')[1]).ToHashSet();
                var metricRuns = File.ReadLines(Path.Combine(folder, "metrics.csv")).Skip(1).Select(l => l.Split(',')[1]).ToHashSet();
                Assert.Equal(runs.Order(), metricRuns.Order());
            }
        }
        finally
        {
            stop.Cancel();
            await writing;
        }
        Assert.True(next > 15, $"the writer finished only {next} runs during the exports; the test did not overlap them");
    }
}
