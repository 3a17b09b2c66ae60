using System.Text.Json;
using ImbLab.Store;
using ImbLab.Tests.Readers;
using ImbLab.Tests.Store;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>
/// A study in shards, merged, against the same study in one process: `study --shard K/N`, `merge`, `status`, as the
/// Slurm job array runs them.
/// </summary>
public sealed class ShardMergeStatusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-shards-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Keel(string name) => Path.Combine(ReaderFixtures.KeelCorpus(), name, name + ".dat");

    /// <summary>Synthetic data and a small KEEL set, k-fold (several runs per seed, so the order runs are read in matters), few epochs.</summary>
    private static string[] Study(params string[] extra) =>
    [
        "study", "--data", $"synthetic:rows=400,d=4,{Keel("ecoli1")}", "--protocol", "subsample-minority", "--ir", "4,8", "--seeds", "2",
        "--split", "kfold:3", "--epochs", "3", "--hidden", "16,16", "--threads", "2", .. extra,
    ];

    private static string[] Small(params string[] extra) =>
        ["study", "--data", "synthetic:rows=300,d=3", "--ir", "1,4", "--seeds", "3", "--epochs", "2", "--hidden", "8", "--threads", "1", "--no-report", .. extra];

    private static void Ok((int Exit, string Out, string Err) result)
    {
        Assert.True(result.Exit == 0, $"exit {result.Exit}: {result.Err}\n{result.Out}");
    }

    [Fact]
    public void Given_three_shards_of_a_study_When_merged_Then_the_store_equals_the_one_process_store_value_for_value_and_merging_again_changes_nothing()
    {
        var one = Path.Combine(_dir, "one");
        Ok(CliHarness.Run(Study("--out", one, "--no-report")));
        for (var k = 1; k <= 3; k++) Ok(CliHarness.Run(Study("--shard", $"{k}/3", "--out", Path.Combine(_dir, $"shard-{k}.db"), "--no-report")));
        var merged = Path.Combine(_dir, "merged.db");

        // Inputs in another order than the shards: the merged store must not depend on it.
        var result = CliHarness.Run("merge", merged, Path.Combine(_dir, "shard-3.db"), Path.Combine(_dir, "shard-1.db"), Path.Combine(_dir, "shard-2.db"));

        Ok(result);
        var expected = StoreDump.Of(Path.Combine(one, "imblab.db"));
        Assert.Equal(expected, StoreDump.Of(merged));
        Assert.Equal(RunOrder(Path.Combine(one, "imblab.db")), RunOrder(merged));
        Assert.Contains("24 runs merged", result.Out);
        Assert.True(File.Exists(Path.Combine(_dir, "report.html")), "the report is written beside the merged store");

        var again = CliHarness.Run("merge", merged, Path.Combine(_dir, "shard-1.db"), Path.Combine(_dir, "shard-2.db"), Path.Combine(_dir, "shard-3.db"), "--json");
        Ok(again);
        using var doc = JsonDocument.Parse(again.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("inputs").EnumerateArray().Sum(i => i.GetProperty("merged").GetInt32()));
        Assert.Equal(expected, StoreDump.Of(merged));
    }

    [Fact]
    public void Given_shards_1_and_3_of_4_and_runs_claimed_in_them_When_status_Then_missing_and_abandoned_shards_are_to_resubmit_but_a_live_one_is_not()
    {
        var stores = Enumerable.Range(1, 4).Select(k => Path.Combine(_dir, $"shard-{k}.db")).ToArray();
        Ok(CliHarness.Run(Small("--shard", "1/4", "--out", stores[0])));
        Ok(CliHarness.Run(Small("--shard", "3/4", "--out", stores[2])));

        var partial = CliHarness.Run(["status", .. stores]);
        Ok(partial);
        Assert.Contains("shards to resubmit: 2,4", partial.Out.Split('\n').Select(l => l.Trim()));
        Assert.Contains("no such store yet", partial.Out);

        // Shard 1: a run claimed by a live process on another host (fresh heartbeat): running, not to resubmit.
        // Shard 3: a run claimed by a process that is gone (no owner): abandoned, to resubmit.
        var now = StudyStore.Timestamp(TimeProvider.System.GetUtcNow());
        StoreDump.Execute(stores[0], $"UPDATE runs SET status = 'running', owner_host = 'node-17', owner_pid = 4242, owner_token = 'abc', heartbeat_at = '{now}' WHERE rowid = (SELECT min(rowid) FROM runs)");
        StoreDump.Execute(stores[2], "UPDATE runs SET status = 'running' WHERE rowid = (SELECT min(rowid) FROM runs)");
        var claimed = CliHarness.Run(["status", .. stores, "--json"]);
        Ok(claimed);
        using var doc = JsonDocument.Parse(claimed.Out);
        var root = doc.RootElement;
        Assert.Equal([2, 3, 4], root.GetProperty("resubmit").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1, root.GetProperty("in_flight").GetInt32());
        Assert.Equal(1, root.GetProperty("abandoned").GetInt32());
        Assert.Equal(6, root.GetProperty("planned").GetInt32());
        var live = root.GetProperty("pending").EnumerateArray().Single(p => p.GetProperty("standing").GetString() == "in flight");
        Assert.Equal("node-17", live.GetProperty("owner_host").GetString());
        Assert.Equal(4242, live.GetProperty("owner_pid").GetInt64());
        Assert.Equal(1, live.GetProperty("shard").GetInt32());
        Assert.Contains("shards to resubmit: 2,3,4", CliHarness.Run(["status", .. stores]).Out);

        // Resubmitting the shards completes the study; a shard rerun resumes (its finished runs are kept).
        foreach (var k in new[] { 2, 3, 4 }) Ok(CliHarness.Run(Small("--shard", $"{k}/4", "--out", stores[k - 1])));
        StoreDump.Execute(stores[0], "UPDATE runs SET heartbeat_at = '2000-01-01T00:00:00.000Z' WHERE status = 'running'");
        Assert.Contains("shards to resubmit: 1", CliHarness.Run(["status", .. stores]).Out);
        Ok(CliHarness.Run(Small("--shard", "1/4", "--out", stores[0])));
        var done = CliHarness.Run(["status", .. stores]);
        Assert.Contains("shards to resubmit: none", done.Out);
        Assert.Contains("the study is complete", done.Out);
    }

    [Fact]
    public void Given_a_merged_store_When_status_Then_it_knows_the_shards_and_so_does_status_from_a_study_file()
    {
        var stores = Enumerable.Range(1, 3).Select(k => Path.Combine(_dir, $"shard-{k}.db")).ToArray();
        Ok(CliHarness.Run(Small("--shard", "1/3", "--out", stores[0])));
        Ok(CliHarness.Run(Small("--shard", "2/3", "--out", stores[1])));
        var merged = Path.Combine(_dir, "merged.db");
        Ok(CliHarness.Run("merge", merged, stores[0], stores[1], "--no-report"));

        Assert.Contains("shards to resubmit: 3", CliHarness.Run("status", merged).Out);
        var config = Path.Combine(_dir, "study.json");
        File.WriteAllText(config, """{"data": ["synthetic:rows=300,d=3"], "irs": [1, 4], "seeds": 3, "model": {"epochs": 2, "hidden": [8]}}""");
        Assert.Contains("shards to resubmit: 3", CliHarness.Run("status", merged, "--config", config).Out);
    }

    [Theory]
    [InlineData("0/4", "shard 0 is not one of 1..4")]
    [InlineData("5/4", "shard 5 is not one of 1..4")]
    [InlineData("a/b", "is not K/N")]
    public void Given_a_bad_shard_When_study_Then_exit_2_naming_the_option_the_value_and_what_is_accepted(string shard, string problem)
    {
        var (exit, _, err) = CliHarness.Run(Small("--shard", shard, "--out", Path.Combine(_dir, "s.db")));

        Assert.Equal(2, exit);
        Assert.Contains($"--shard: '{shard}'", err);
        Assert.Contains(problem, err);
        Assert.Contains("accepted: K/N", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(_dir, "s.db")));
    }

    [Fact]
    public void Given_a_shard_store_When_another_shard_is_run_into_it_Then_exit_1_one_store_per_shard()
    {
        var store = Path.Combine(_dir, "s.db");
        Ok(CliHarness.Run(Small("--shard", "1/2", "--out", store)));
        var (exit, _, err) = CliHarness.Run(Small("--shard", "2/2", "--out", store));
        Assert.Equal(1, exit);
        Assert.Contains("--shard:", err);
        Assert.Contains("holds shard(s) 1/2", err);
        Assert.Contains("one store per shard", err);
    }

    [Fact]
    public void Given_a_dry_run_of_a_shard_When_run_Then_it_lists_the_shard_s_runs_and_cost_and_trains_nothing()
    {
        var (exit, stdout, stderr) = CliHarness.Run(Small("--shard", "2/3", "--dry-run", "--json", "--out", Path.Combine(_dir, "s.db")));

        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var shard = doc.RootElement.GetProperty("shard");
        Assert.Equal("2/3", shard.GetProperty("shard").GetString());
        Assert.Equal(6, shard.GetProperty("study_runs").GetInt32());
        Assert.Equal(shard.GetProperty("runs").GetInt32(), doc.RootElement.GetProperty("runs").GetInt32());
        Assert.Equal(shard.GetProperty("runs").GetInt32(), shard.GetProperty("run_list").GetArrayLength());
        Assert.Equal(3, shard.GetProperty("shard_seconds").GetArrayLength());
        Assert.False(File.Exists(Path.Combine(_dir, "s.db")));
    }

    [Fact]
    public void Given_bad_merge_input_When_merge_Then_exit_1_for_a_missing_store_and_2_for_missing_arguments()
    {
        var missing = CliHarness.Run("merge", Path.Combine(_dir, "out.db"), Path.Combine(_dir, "nope.db"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("nope.db: no such store", missing.Err);
        Assert.Equal(2, CliHarness.Run("merge", Path.Combine(_dir, "out.db")).Exit);
        Assert.Equal(2, CliHarness.Run("status").Exit);
    }

    private static List<string> RunOrder(string store)
    {
        using var s = StudyStore.OpenForReading(store);
        return [.. s.Runs(finishedOnly: false).Select(r => r.RunId)];
    }
}
