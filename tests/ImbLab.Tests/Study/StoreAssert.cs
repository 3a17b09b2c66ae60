using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;
using ImbLab.Data.Catalog;

namespace ImbLab.Tests.Study;

internal static class StoreAssert
{
    /// <summary>Every finished run has each (step, split, class, metric) exactly once, and every epoch end from 0 to the last.</summary>
    public static void EveryRunCompleteOnce(StudyStore store, int epochs)
    {
        foreach (var run in store.Runs())
        {
            var metrics = store.Metrics(run.RunId).Select(m => m.Record).ToList();
            var keys = metrics.Select(m => (m.Step, m.Split, m.Class, m.Metric)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            foreach (var split in new[] { "train", "test" })
            {
                var ends = metrics.Where(m => m.Split == split && m.Metric == "accuracy" && m.Epoch == Math.Floor(m.Epoch)).Select(m => (int)m.Epoch);
                Assert.Equal(Enumerable.Range(0, epochs + 1), ends);
            }
        }
    }
}

public sealed class DatasetCatalogTests
{
    [Fact]
    public void Given_the_KEEL_folder_When_resolved_Then_its_84_whole_files_are_the_datasets_and_not_its_manifest_or_folds()
    {
        var files = ImbLab.Data.Catalog.DatasetCatalog.FolderDatasets(ImbLab.Tests.Readers.ReaderFixtures.KeelCorpus());
        Assert.Equal(84, files.Count);
        Assert.All(files, f => Assert.EndsWith(".dat", f));
        Assert.DoesNotContain(files, f => f.Contains("tra.dat", StringComparison.Ordinal) || f.Contains("tst.dat", StringComparison.Ordinal));
    }
}
