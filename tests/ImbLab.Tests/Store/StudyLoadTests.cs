using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Tests.Store.Export;
using Xunit;

namespace ImbLab.Tests.Store;

/// <summary>
/// The read model of a whole study (StudyStore.Load, one query per table) holds, run by run, exactly what the per-run
/// reads return: same runs, same records in the order they were written, every number equal to the bit.
/// </summary>
public sealed class StudyLoadTests(ExportFixture fixture) : IClassFixture<ExportFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-load-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Given_a_trained_study_beside_another_When_loaded_Then_every_run_holds_exactly_its_own_records_as_the_per_run_reads_give_them()
    {
        // A copy of a trained study (4 runs), with a second study of 5 runs added after it: the load must pick one
        // study's runs out of a store that holds others and give each run its own rows. The second study has most of
        // the store's runs, so it is read by scanning the tables, the first through the runs' index: both ways are
        // checked. Its runs finish in the reverse of the order they began, so their rows are not in run order.
        var path = Path.Combine(_dir, "imblab.db");
        File.Copy(fixture.StorePath, path);
        string trained;
        using (var writer = StudyStore.Open(path, create: false))
        {
            trained = writer.ResolveStudy(null);
            writer.UpsertStudy("s2", "{}");
            writer.UpsertDataset(new DatasetRow("ds-2", "toy", "toy.dat", "fp", 100, 2, 2, 0, ["neg", "pos"], [90, 10], "{}"));
            var ids = Enumerable.Range(0, 5).Select(i => $"s2-{i}").ToList();
            foreach (var id in ids)
                Assert.True(writer.TryClaimRun(new RunRow(id, "s2", "ds-2", "h", "{}", 0, 0, "natural", "natural", null, 0, 0, 1, [80, 8], [10, 2],
                    "running", "2026-01-01T00:00:00.000Z", null, null, "test")));
            foreach (var id in Enumerable.Reverse(ids))
            {
                var records = new RunRecords();
                for (var step = 0; step < 5; step++)
                {
                    records.Metrics.Add(new MetricRecord(step, step / 3.0, "test", 1, "recall", id == "s2-0" ? double.NaN : -0.0));
                    records.Metrics.Add(new MetricRecord(step, step / 3.0, "train", null, "accuracy", step + id.Length));
                    records.Gradients.Add(new GradientRecord(step, step, 0, 1, null, "cosine", 0.1 * step));
                    records.Representations.Add(new RepresentationRecord(step, step, "train", 1, null, null, "fisher", step, 10));
                }
                Assert.True(writer.CompleteRun(id, records, 1));
            }
        }

        using var store = StudyStore.OpenForReading(path);
        foreach (var studyId in new[] { trained, "s2" })
        {
            using var data = StudyStore.Load(path, studyId);
            Assert.Equal(store.Runs(studyId).Select(r => r.RunId), data.Runs.Select(r => r.Run.RunId));
            Assert.All(data.Runs, run =>
            {
                Assert.Equivalent(store.Runs(studyId).Single(r => r.RunId == run.Run.RunId), run.Run, strict: true);
                AssertBitwiseEqual(store.Metrics(run.Run.RunId).Select(m => m.Record).ToList(), run.Metrics, Metric);
                AssertBitwiseEqual(store.Gradients(run.Run.RunId), run.Gradients, Gradient);
                AssertBitwiseEqual(store.Representations(run.Run.RunId), run.Representations, Representation);
            });
            if (studyId == trained)
            {
                Assert.All(data.Runs, run => Assert.NotEmpty(run.Metrics));
                Assert.Contains(data.Runs, run => run.Gradients.Count > 0);
                Assert.Contains(data.Runs, run => run.Representations.Count > 0);
            }
        }
    }

    private static void AssertBitwiseEqual<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, Func<T, object> key)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Assert.Equal(key(expected[i]), key(actual[i]));
    }

    // Doubles compared as their bits: NaN against NaN and -0.0 against 0.0 are told apart, as values equal by == are not.
    private static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    private static object Metric(MetricRecord m) => (m.Step, Bits(m.Epoch), m.Split, m.Class, m.Metric, Bits(m.Value));

    private static object Gradient(GradientRecord g) => (g.Step, Bits(g.Epoch), g.Layer, g.Class, g.OtherClass, g.Metric, Bits(g.Value));

    private static object Representation(RepresentationRecord x) =>
        (x.Step, Bits(x.Epoch), x.Split, x.Layer, x.Class, x.OtherClass, x.Metric, Bits(x.Value), x.Rows);
}
