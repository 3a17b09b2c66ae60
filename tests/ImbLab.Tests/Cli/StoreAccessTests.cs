using System.Diagnostics;
using ImbLab.Store;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>One small study, made once; each test works on its own copy of the store.</summary>
public sealed class SmallStudyFixture : IDisposable
{
    public SmallStudyFixture()
    {
        var (exit, _, err) = CliHarness.Run("study", "--data", "synthetic:rows=400,d=4", "--ir", "1,4", "--seeds", "2", "--epochs", "3",
            "--hidden", "8", "--threads", "1", "--out", Folder, "--json");
        if (exit != 0) throw new InvalidOperationException(err);
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("imblab-small-").FullName;

    public string Store => Path.Combine(Folder, "imblab.db");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>
/// Read commands on a store the user may not write. The tests run as root, whom file modes do not stop, so the folder
/// is made immutable with chattr +i (then nobody, root included, can create the -shm file SQLite wants beside a WAL
/// store); without chattr the tests are skipped rather than pretending.
/// </summary>
public sealed class ReadOnlyStoreTests(SmallStudyFixture study) : IClassFixture<SmallStudyFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-ro-").FullName;

    public void Dispose()
    {
        Chattr("-i", Locked);
        Directory.Delete(_dir, recursive: true);
    }

    private string Locked => Path.Combine(_dir, "locked");

    private string LockedStore => Path.Combine(Locked, "imblab.db");

    private void Lock()
    {
        Skip.IfNot(Chattr("+i", Locked), "chattr +i is not available here: no way to make a folder read-only for root");
        Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(Path.Combine(Locked, "probe"), "x")); // it really is read-only
    }

    [SkippableFact]
    public void Given_a_store_in_a_folder_nobody_may_write_When_read_commands_run_Then_they_work_reading_it_as_immutable()
    {
        Directory.CreateDirectory(Locked);
        File.Copy(study.Store, LockedStore);
        Lock();

        var (exit, _, err) = CliHarness.Run("dynamics", LockedStore);
        Assert.True(exit == 0, err);
        (exit, _, err) = CliHarness.Run("export", LockedStore, "-o", Path.Combine(_dir, "export"), "--json");
        Assert.True(exit == 0, err);
        Assert.True(File.ReadLines(Path.Combine(_dir, "export", "metrics.csv")).Count() > 1);
        (exit, _, err) = CliHarness.Run("report", LockedStore, "-o", Path.Combine(_dir, "report.html"));
        Assert.True(exit == 0, err);
        using var store = StudyStore.OpenForReading(LockedStore);
        Assert.True(store.Immutable);
        Assert.False(File.Exists(LockedStore + "-shm"));
    }

    [SkippableFact]
    public void Given_a_store_in_a_folder_nobody_may_write_When_findings_are_asked_for_Then_they_are_printed_and_one_line_says_they_were_not_saved()
    {
        Directory.CreateDirectory(Locked);
        File.Copy(study.Store, LockedStore);
        Lock();

        var (exit, stdout, err) = CliHarness.Run("findings", LockedStore);

        Assert.True(exit == 0, err);
        Assert.Contains("inconclusive", stdout);
        Assert.Contains("findings stated (not saved: the store is read-only)", stdout);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"findings not saved: {LockedStore}: the store is read-only here", line);
    }

    [SkippableFact]
    public void Given_a_store_in_a_folder_nobody_may_write_When_the_report_goes_to_its_default_place_Then_one_line_names_the_folder_and_the_option_to_write_elsewhere()
    {
        Directory.CreateDirectory(Locked);
        File.Copy(study.Store, LockedStore);
        Lock();

        var (exit, _, err) = CliHarness.Run("report", LockedStore);

        Assert.Equal(1, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {Locked}: cannot write the report report.html: no permission to write in this folder; write it elsewhere with --out FILE", line);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Locked), f => !f.StartsWith(LockedStore, StringComparison.Ordinal));
    }

    [Fact]
    public void Given_a_store_in_a_writable_folder_When_opened_for_reading_Then_it_is_read_normally_not_as_immutable()
    {
        Directory.CreateDirectory(Locked);
        File.Copy(study.Store, LockedStore);
        using var store = StudyStore.OpenForReading(LockedStore);
        Assert.False(store.Immutable);
        Assert.Contains("immutable=1", StudyStore.ConnectionString("/x/imblab.db", create: false, readOnly: true, immutable: true));
    }

    [SkippableFact]
    public void Given_a_read_only_folder_and_a_WAL_with_unmerged_changes_When_read_Then_one_line_says_so_rather_than_reading_an_old_state()
    {
        Directory.CreateDirectory(Locked);
        var source = Path.Combine(_dir, "writing.db");
        File.Copy(study.Store, source);
        using (var writer = new SqliteConnection($"Data Source={source};Pooling=False"))
        {
            writer.Open();
            using var cmd = writer.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; UPDATE studies SET updated_at = 'x';";
            cmd.ExecuteNonQuery();
            File.Copy(source, LockedStore);
            File.Copy(source + "-wal", LockedStore + "-wal"); // copied while the writer is open: its changes are only in the WAL
        }
        Lock();
        var (exit, _, err) = CliHarness.Run("dynamics", LockedStore);
        Assert.Equal(1, exit);
        Assert.Contains($"{LockedStore}: cannot read the store: its folder is read-only and its write-ahead log", err.ReplaceLineEndings(""));
    }

    private static bool Chattr(string flag, string path)
    {
        if (!Directory.Exists(path)) return false;
        try
        {
            using var p = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>Damaged stores: each read command fails with exit 1 and one line that names the store and what is wrong.</summary>
public sealed class DamagedStoreTests(SmallStudyFixture study) : IClassFixture<SmallStudyFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-damaged-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy()
    {
        var path = Path.Combine(_dir, "imblab.db");
        File.Copy(study.Store, path);
        return path;
    }

    private static void Sql(string store, string sql)
    {
        using var c = new SqliteConnection($"Data Source={store};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private void AssertFails(string store, string expected, params string[] commands)
    {
        foreach (var command in commands)
        {
            string[] args = command == "export" ? ["export", store, "-o", Path.Combine(_dir, "export")]
                : command == "report" ? ["report", store, "-o", Path.Combine(_dir, "report.html")]
                : [command, store];
            var (exit, _, err) = CliHarness.Run(args);
            var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(exit == 1, $"{command}: exit {exit}: {err}");
            Assert.True(lines.Length == 1, $"{command}: {err}");
            Assert.StartsWith($"error: {store}: ", lines[0]);
            Assert.Contains(expected, lines[0]);
            Assert.DoesNotContain("internal error", err);
        }
    }

    [Fact]
    public void Given_train_counts_that_are_not_JSON_When_read_Then_the_message_names_the_run_and_the_column()
    {
        var store = Copy();
        Sql(store, "UPDATE runs SET train_counts = 'abc' WHERE rowid = (SELECT min(rowid) FROM runs)");
        AssertFails(store, "train_counts is not a JSON list of counts (\"abc\")", "findings", "report", "export", "dynamics");
    }

    [Fact]
    public void Given_a_missing_samples_row_When_read_Then_the_message_names_the_run_and_the_split()
    {
        var store = Copy();
        Sql(store, "DELETE FROM samples WHERE split = 'train' AND run_id = (SELECT run_id FROM runs ORDER BY rowid LIMIT 1)");
        // Not 'findings': it does not read samples on a study this short, so it has nothing to fail on.
        AssertFails(store, "no samples row for split 'train'", "report", "export", "dynamics");
    }

    [Fact]
    public void Given_a_truncated_store_When_read_Then_it_is_called_damaged()
    {
        var store = Copy();
        using (var f = new FileStream(store, FileMode.Open)) f.SetLength(f.Length / 2);
        AssertFails(store, "damaged", "findings", "report", "export", "dynamics");
    }

    [Fact]
    public void Given_a_page_overwritten_with_garbage_When_read_Then_it_is_called_damaged()
    {
        var store = Copy();
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        using (var f = new FileStream(store, FileMode.Open))
        {
            var pages = f.Length / 4096;
            for (var page = 2; page < pages; page += 2)
            {
                f.Position = page * 4096L;
                f.Write(garbage);
            }
        }
        AssertFails(store, "damaged", "findings", "report", "export", "dynamics");
    }
}
