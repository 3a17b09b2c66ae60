using System.Diagnostics;
using ImbLab.Core.Results;
using ImbLab.Store;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ImbLab.Tests.Store;

/// <summary>Two workers on one store, as two <see cref="StudyStore"/> connections with their own owner tokens and a hand-moved clock.</summary>
public sealed class RunClaimTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-claims-").FullName;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string StorePath => Path.Combine(_dir, "imblab.db");

    private StudyStore Worker()
    {
        var store = StudyStore.Open(StorePath, create: true, _clock);
        store.UpsertStudy("s1", "{}");
        store.UpsertDataset(new DatasetRow("ds-1", "toy", "toy.dat", "fp", 100, 2, 2, 0, ["neg", "pos"], [90, 10], "{}"));
        return store;
    }

    private static RunRow Run(string id, string study = "s1") => new(id, study, "ds-1", "h", "{}", 0, 0, "natural", "natural", null, 0, 0, 1,
        [80, 8], [10, 2], "running", "2026-01-01T00:00:00.000Z", null, null, "test");

    private static RunRecords Records()
    {
        var r = new RunRecords();
        r.Metrics.Add(new MetricRecord(0, 0, "test", 1, "recall", 0.5));
        return r;
    }

    [Fact]
    public void Given_a_run_claimed_by_a_live_worker_When_another_claims_it_Then_it_is_refused_while_in_flight_and_after_it_finished()
    {
        using var a = Worker();
        using var b = Worker();
        Assert.True(a.TryClaimRun(Run("r1")));
        Assert.False(b.TryClaimRun(Run("r1")));
        Assert.Equal(0, b.DeleteStaleRuns("s1"));
        Assert.Equal(1, b.InFlightElsewhere("s1"));
        Assert.True(a.CompleteRun("r1", Records(), 1));
        Assert.False(b.TryClaimRun(Run("r1")));
        Assert.Equal(0, b.InFlightElsewhere("s1"));
        Assert.Equal(["r1"], b.FinishedRunIds("s1"));
    }

    [Fact]
    public void Given_a_worker_whose_heartbeat_stopped_When_StaleAfter_passes_Then_another_takes_the_run_over_and_the_first_cannot_finish_it()
    {
        using var a = Worker();
        using var b = Worker();
        Assert.True(a.TryClaimRun(Run("r1")));
        a.Dispose(); // its heartbeat timer stops, as when a process hangs or its host is cut off

        _clock.Advance(RunOwner.StaleAfter - TimeSpan.FromSeconds(1));
        Assert.False(b.TryClaimRun(Run("r1")));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(b.TryClaimRun(Run("r1")));

        using var late = Worker(); // another token, as the first process would have if it came back
        Assert.False(late.CompleteRun("r1", Records(), 1));
        Assert.True(b.CompleteRun("r1", Records(), 1));
        Assert.Single(b.Metrics("r1"));
    }

    [Fact]
    public void Given_a_worker_that_keeps_beating_When_much_longer_than_StaleAfter_passes_Then_its_run_stays_its_own()
    {
        using var a = Worker();
        using var b = Worker();
        Assert.True(a.TryClaimRun(Run("r1")));
        for (var i = 0; i < 40; i++) _clock.Advance(RunOwner.HeartbeatInterval); // 200 s of beats fired by a's timer
        Assert.False(b.TryClaimRun(Run("r1")));
        Assert.Equal(0, b.DeleteStaleRuns("s1"));
        Assert.True(a.CompleteRun("r1", Records(), 1));
    }

    [Fact]
    public void Given_runs_of_a_dead_process_and_of_a_live_one_When_stale_runs_are_deleted_Then_only_the_dead_ones_go()
    {
        using var a = Worker();
        using var b = Worker();
        Assert.True(a.TryClaimRun(Run("dead")));
        Assert.True(a.TryClaimRun(Run("live")));
        using (var exited = Process.Start(new ProcessStartInfo("true"))!)
        {
            exited.WaitForExit();
            // The row's heartbeat is fresh: only the pid (same host, not alive) says its owner is gone.
            Sql($"UPDATE runs SET owner_pid = {exited.Id}, owner_token = 'other' WHERE run_id = 'dead'");
        }
        Assert.Equal(1, b.DeleteStaleRuns("s1"));
        Assert.Equal(["live"], b.Runs("s1", finishedOnly: false).Select(r => r.RunId));
        Assert.True(a.CompleteRun("live", Records(), 1));
    }

    [Fact]
    public void Given_a_run_id_finished_in_another_study_When_claimed_for_this_study_Then_it_is_taken_as_before()
    {
        using var a = Worker();
        a.UpsertStudy("s0", "{}");
        Assert.True(a.TryClaimRun(Run("r1", "s0")));
        Assert.True(a.CompleteRun("r1", Records(), 1));
        Assert.True(a.TryClaimRun(Run("r1", "s1")));
    }

    [Fact]
    public void Given_an_owner_of_another_host_When_judged_Then_only_its_heartbeat_counts()
    {
        var me = RunOwner.ThisProcess();
        var now = _clock.GetUtcNow();
        Assert.False(me.IsGone("elsewhere", 1, "t", now - RunOwner.StaleAfter, now));
        Assert.True(me.IsGone("elsewhere", 1, "t", now - RunOwner.StaleAfter - TimeSpan.FromMilliseconds(1), now));
        Assert.True(me.IsGone(null, null, null, null, now)); // a version-2 row: no owner recorded
        Assert.False(me.IsGone(me.Host, me.Pid, me.Token, now - TimeSpan.FromDays(1), now)); // its own run
    }

    [Fact]
    public void Given_a_version_2_store_When_read_Then_it_is_read_as_it_is_and_When_opened_for_writing_Then_migrated_in_place_to_version_5()
    {
        using (var a = Worker())
        {
            Assert.True(a.TryClaimRun(Run("r1")));
            Assert.True(a.CompleteRun("r1", Records(), 1));
        }
        Sql("""
            DROP INDEX runs_by_study_remedy; ALTER TABLE runs DROP COLUMN remedy; ALTER TABLE findings DROP COLUMN remedy;
            ALTER TABLE runs DROP COLUMN owner_host; ALTER TABLE runs DROP COLUMN owner_pid;
            ALTER TABLE runs DROP COLUMN owner_token; ALTER TABLE runs DROP COLUMN heartbeat_at;
            UPDATE meta SET value = '2' WHERE key = 'schema_version';
            """);

        using (var reader = StudyStore.OpenForReading(StorePath)) Assert.Equal("none", Assert.Single(reader.Runs()).Remedy);
        Assert.Equal("2", Sql("SELECT value FROM meta WHERE key = 'schema_version'"));

        using (var writer = Worker()) Assert.True(writer.TryClaimRun(Run("r2")));
        // 2 -> 3 (owner columns) -> 4 (the runs table rebuilt so its status may be 'diverged') -> 5 (remedy), nothing lost.
        Assert.Equal("5", Sql("SELECT value FROM meta WHERE key = 'schema_version'"));
        Assert.Equal("none", Sql("SELECT remedy FROM runs WHERE run_id = 'r1'"));
        Assert.Equal("1", Sql("SELECT count(*) FROM runs WHERE owner_token IS NOT NULL"));
        Assert.Equal("finished", Sql("SELECT status FROM runs WHERE run_id = 'r1'"));
        Assert.NotEqual("0", Sql("SELECT count(*) FROM metrics WHERE run_id = 'r1'"));
        Assert.Null(Sql("PRAGMA foreign_key_check"));
        Sql("UPDATE runs SET status = 'diverged', diverged_step = 3, diverged_epoch = 1 WHERE run_id = 'r1'");
        Assert.Equal("diverged", Sql("SELECT status FROM runs WHERE run_id = 'r1'"));
    }

    [Fact]
    public void Given_a_version_4_store_When_read_Then_its_runs_and_findings_read_as_remedy_none_and_When_opened_for_writing_Then_migrated_to_version_5()
    {
        using (var a = Worker())
        {
            Assert.True(a.TryClaimRun(Run("r1")));
            Assert.True(a.CompleteRun("r1", Records(), 1));
            a.ReplaceFindings("s1", [new FindingRow("s1", "toy", "natural", "f", "s", "inconclusive", 0, 0, 0, double.NaN, 1, "{}")]);
        }
        // A version-4 store as version 4 made it: no remedy columns.
        Sql("""
            DROP INDEX runs_by_study_remedy; ALTER TABLE runs DROP COLUMN remedy; ALTER TABLE findings DROP COLUMN remedy;
            UPDATE meta SET value = '4' WHERE key = 'schema_version';
            """);

        using (var reader = StudyStore.OpenForReading(StorePath))
        {
            Assert.Equal("none", Assert.Single(reader.Runs()).Remedy);
            Assert.Equal("none", Assert.Single(reader.Findings("s1")).Remedy);
        }
        Assert.Equal("4", Sql("SELECT value FROM meta WHERE key = 'schema_version'"));

        using (var writer = Worker()) Assert.True(writer.TryClaimRun(Run("r2") with { Remedy = "cb:beta=0.999" }));
        Assert.Equal("5", Sql("SELECT value FROM meta WHERE key = 'schema_version'"));
        Assert.Equal("none", Sql("SELECT remedy FROM runs WHERE run_id = 'r1'"));
        Assert.Equal("cb:beta=0.999", Sql("SELECT remedy FROM runs WHERE run_id = 'r2'"));
        Assert.Equal("none", Sql("SELECT remedy FROM findings"));
        Assert.Equal("1", Sql("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'runs_by_study_remedy'"));
        Assert.Null(Sql("PRAGMA foreign_key_check"));
    }

    [Fact]
    public void Given_runs_and_findings_with_a_remedy_When_stored_and_read_Then_the_remedy_comes_back()
    {
        using var a = Worker();
        Assert.True(a.TryClaimRun(Run("r1") with { Remedy = "smote:k=5+la-loss:tau=1" }));
        Assert.True(a.CompleteRun("r1", Records(), 1));
        a.ReplaceFindings("s1", [new FindingRow("s1", "toy", "natural", "f", "s", "inconclusive", 0, 0, 0, double.NaN, 1, "{}") { Remedy = "focal:gamma=2" }]);

        Assert.Equal("smote:k=5+la-loss:tau=1", Assert.Single(a.Runs()).Remedy);
        Assert.Equal("focal:gamma=2", Assert.Single(a.Findings("s1")).Remedy);
        using var data = a.LoadStudy("s1");
        Assert.Equal("smote:k=5+la-loss:tau=1", Assert.Single(data.Runs).Run.Remedy);
    }

    private string? Sql(string sql)
    {
        using var c = new SqliteConnection($"Data Source={StorePath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar()?.ToString();
    }
}
