using System.Globalization;
using System.Text.Json;
using ImbLab.Store;
using ImbLab.Study;
using ImbLab.Tests.Store;
using ImbLab.Tests.Store.Export;
using ImbLab.Tests.Study;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>
/// A store that fills up while a study writes it. The store's page limit (PRAGMA max_page_count, set through
/// <see cref="StudyStore.PageLimits"/>) makes SQLite fail exactly as on a full disk (SQLITE_FULL) through the study's real
/// write path; tools/stores/test.sh does the same on a real full file system.
/// </summary>
public sealed class FullStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-full-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Study(string folder) =>
        ["study", "--data", "synthetic:rows=400,d=4", "--ir", "1,4", "--seeds", "3", "--epochs", "3", "--hidden", "8", "--threads", "1",
         "--no-report", "--out", folder, "--json"];

    [Fact]
    public void Given_a_store_that_fills_midway_When_the_study_writes_runs_Then_one_line_names_the_store_and_the_full_disk_and_a_rerun_with_room_equals_one_process()
    {
        var reference = Path.Combine(_dir, "one");
        Assert.Equal(0, CliHarness.Run(Study(reference)).Exit);
        var referenceStore = Path.Combine(reference, "imblab.db");
        var pages = Scalar(referenceStore, "PRAGMA page_count");

        var folder = Path.Combine(_dir, "full");
        var store = Path.Combine(folder, "imblab.db");
        var (exit, _, err) = RunWithPageLimit(store, pages / 2, Study(folder)); // room for about half of the runs

        Assert.Equal(1, exit);
        var errors = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("study ", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"error: {store}: the disk is full; finished runs are kept: free some space and run the same command again to resume"], errors);

        // What finished before is intact, and nothing is left claimed by the process that failed.
        Assert.Equal("ok", ScalarText(store, "PRAGMA integrity_check"));
        int finishedBefore;
        using (var s = StudyStore.Open(store, create: false))
        {
            var runs = s.Runs(finishedOnly: false);
            Assert.All(runs, r => Assert.Equal("finished", r.Status));
            finishedBefore = runs.Count;
            Assert.InRange(finishedBefore, 1, 5);
            StoreAssert.EveryRunCompleteOnce(s, epochs: 3);
        }

        // With room again, the same command finishes the study: the store equals the one-process run.
        var (again, stdout, againErr) = CliHarness.Run(Study(folder));
        Assert.True(again == 0, againErr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(finishedBefore, doc.RootElement.GetProperty("outcome").GetProperty("runs_skipped").GetInt32());
        Assert.Equal(6 - finishedBefore, doc.RootElement.GetProperty("outcome").GetProperty("runs_done").GetInt32());
        Assert.Equal(StoreDump.Of(referenceStore), StoreDump.Of(store));
    }

    [Fact]
    public void Given_a_store_that_fills_while_train_writes_its_run_When_run_again_with_room_Then_nothing_was_left_claimed_and_it_trains()
    {
        string[] Train(string folder) =>
            ["train", "--data", "synthetic:rows=400,d=4", "--ir", "4", "--epochs", "3", "--hidden", "8", "--threads", "1", "--out", folder];
        var reference = Path.Combine(_dir, "train-one");
        Assert.Equal(0, CliHarness.Run(Train(reference)).Exit);
        var pages = Scalar(Path.Combine(reference, "imblab.db"), "PRAGMA page_count");

        var folder = Path.Combine(_dir, "train-full");
        var store = Path.Combine(folder, "imblab.db");
        var (exit, _, err) = RunWithPageLimit(store, pages * 2 / 3, Train(folder)); // the study and dataset rows fit, the run does not
        Assert.True(exit == 1, err);
        Assert.Contains("the disk is full", err);
        Assert.Equal(0L, Scalar(store, "SELECT count(*) FROM runs"));

        var (again, _, againErr) = CliHarness.Run(Train(folder));
        Assert.True(again == 0, againErr);
        Assert.Equal(1L, Scalar(store, "SELECT count(*) FROM runs WHERE status = 'finished'"));
    }

    /// <summary>Runs the CLI with the store at <paramref name="store"/> limited to <paramref name="pages"/> pages, as a full disk would.</summary>
    private static (int Exit, string Out, string Err) RunWithPageLimit(string store, long pages, string[] args)
    {
        StudyStore.PageLimits[Path.GetFullPath(store)] = pages;
        try
        {
            return CliHarness.Run(args);
        }
        finally
        {
            StudyStore.PageLimits.TryRemove(Path.GetFullPath(store), out _);
        }
    }

    private static long Scalar(string store, string sql) => long.Parse(ScalarText(store, sql), CultureInfo.InvariantCulture);

    private static string ScalarText(string store, string sql)
    {
        using var c = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture)!;
    }
}

/// <summary>The findings of a store that may not be written: stated all the same, with why they were not saved.</summary>
public sealed class ReadOnlyFindingsTests(SmallStudyFixture study) : IClassFixture<SmallStudyFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-ro-findings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Given_a_store_SQLite_opens_read_only_When_findings_are_stated_Then_they_are_returned_with_one_line_saying_they_were_not_saved()
    {
        var store = Path.Combine(_dir, "imblab.db");
        File.Copy(study.Store, store);
        StoreDump.Execute(store, "DELETE FROM findings");

        var (id, findings, notSaved) = StudyPipeline.StateFindings(store, null, () => StudyStore.OpenForReading(store));

        Assert.Equal($"{store}: the store is read-only here (no write permission on the file or its folder, or a read-only file system)", notSaved);
        using (var s = StudyStore.OpenForReading(store)) Assert.Empty(s.Findings(id));
        // The same findings a writable store gets (and saves).
        var writable = Path.Combine(_dir, "writable.db");
        File.Copy(store, writable);
        var saved = StudyPipeline.StateFindings(writable, null);
        Assert.Null(saved.NotSaved);
        Assert.NotEmpty(findings);
        Assert.Equal(saved.Findings, findings);
    }
}

/// <summary>
/// A study in which some runs diverge (plain SGD at learning rate 100 on this data: 2 of its 6 runs, at epoch 3): the
/// export holds what the diverged runs recorded before, with their status on every row, and the findings stay those of
/// the finished runs alone.
/// </summary>
public sealed class DivergedExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-diverged-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Given_runs_that_diverged_When_exported_Then_their_epochs_up_to_the_divergence_are_written_with_status_diverged_and_findings_are_unchanged()
    {
        var (exit, _, err) = CliHarness.Run("study", "--data", "synthetic:rows=400,d=4", "--ir", "1,4", "--seeds", "3", "--epochs", "3",
            "--batch-size", "64", "--hidden", "8", "--threads", "1", "--optimizer", "sgd", "--lr", "100", "--no-report", "--out", _dir, "--json");
        Assert.True(exit == 0, err);
        var store = Path.Combine(_dir, "imblab.db");
        Dictionary<string, int> divergedAt;
        using (var s = StudyStore.OpenForReading(store))
        {
            var runs = s.Runs(finishedOnly: false);
            Assert.Contains(runs, r => r.Status == "finished");
            divergedAt = runs.Where(r => r.Status == "diverged").ToDictionary(r => r.RunId,
                r => s.DivergedRuns(r.StudyId).Single(d => d.Level == r.Level && d.SeedIndex == r.SeedIndex).Epoch);
            Assert.NotEmpty(divergedAt);
        }

        foreach (var format in new[] { "csv", "parquet" })
        {
            var export = Path.Combine(_dir, format);
            (exit, _, err) = CliHarness.Run("export", store, "--format", format, "--tables", "runs,metrics", "--out", export);
            Assert.True(exit == 0, err);
            var metrics = format == "csv" ? TextTable.ReadCsv(Path.Combine(export, "metrics.csv")) : TextTable.ReadParquet(Path.Combine(export, "metrics.parquet"));
            var (runId, status, epoch) = (metrics.Column("run_id"), metrics.Column("status"), metrics.Column("epoch"));
            foreach (var (run, at) in divergedAt)
            {
                var rows = metrics.Rows.Where(r => r[runId] == run).ToList();
                Assert.All(rows, r => Assert.Equal("diverged", r[status]));
                // Every epoch end before the one it diverged in, and nothing after.
                var epochs = rows.Select(r => double.Parse(r[epoch], CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(Enumerable.Range(0, at).Select(e => (double)e), epochs.Where(e => e == Math.Floor(e)).Distinct().Order());
                Assert.True(epochs.Max() < at);
            }
            Assert.All(metrics.Rows.Where(r => !divergedAt.ContainsKey(r[runId])), r => Assert.Equal("finished", r[status]));
            var runsTable = format == "csv" ? TextTable.ReadCsv(Path.Combine(export, "runs.csv")) : TextTable.ReadParquet(Path.Combine(export, "runs.parquet"));
            Assert.Equal(divergedAt.Keys.Order(), runsTable.Rows.Where(r => r[runsTable.Column("status")] == "diverged").Select(r => r[runsTable.Column("run_id")]).Order());
        }

        // The findings leave the diverged runs out: the same as on a store without them (bar the count of those left out).
        var without = Path.Combine(_dir, "without.db");
        File.Copy(store, without);
        StoreDump.Execute(without, "PRAGMA foreign_keys=OFF; " + string.Concat(new[] { "metrics", "samples", "sample_signals", "gradient_metrics", "representation_metrics", "activations" }
            .Select(t => $"DELETE FROM {t} WHERE run_id IN (SELECT run_id FROM runs WHERE status = 'diverged'); ")) + "DELETE FROM runs WHERE status = 'diverged';");
        Assert.Equal(Findings(without), Findings(store));
    }

    private static List<string> Findings(string store)
    {
        var (exit, stdout, err) = CliHarness.Run("findings", store, "--json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => string.Join("|", new[] { "dataset", "protocol", "finding", "verdict", "effect", "ci_low", "ci_high", "p_value", "n" }.Select(k => f.GetProperty(k).ToString())))
            .ToList();
    }
}
