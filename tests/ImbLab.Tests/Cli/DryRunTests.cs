using System.Text.Json;
using ImbLab.Tests.Readers;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>`imblab study --dry-run`: the whole plan without training, every infeasible request listed, exit 1 if any.</summary>
public sealed class DryRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-dry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Keel(string name) => Path.Combine(ReaderFixtures.KeelCorpus(), name, name + ".dat");

    [Fact]
    public void Given_a_feasible_study_When_dry_run_Then_exit_0_the_runs_and_counts_and_nothing_trained()
    {
        var (exit, stdout, stderr) = CliHarness.Run("study", "--dry-run", "--json", "--data", "synthetic:rows=500,d=4", "--ir", "1,4", "--seeds", "2",
            "--epochs", "3", "--hidden", "8", "--out", _dir);

        Assert.True(exit == 0, stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "imblab.db")));
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("runs").GetInt32());
        Assert.Equal([0L, 1L], root.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(0, root.GetProperty("infeasible").GetArrayLength());
        var conditions = root.GetProperty("conditions").EnumerateArray().ToList();
        Assert.Equal(2, conditions.Count);
        // 500 rows, 20% test: 200/200 in training; IR 4 keeps the 200 majority and 50 minority.
        var ir4 = conditions.Single(c => c.GetProperty("level").GetString() == "ir=4");
        Assert.Equal(50, ir4.GetProperty("train_minority_low").GetInt32());
        Assert.Equal(200, ir4.GetProperty("train_majority_high").GetInt32());
        Assert.Equal(50, ir4.GetProperty("test_minority_low").GetInt32());
        var estimate = root.GetProperty("estimate");
        Assert.True(estimate.GetProperty("wall_seconds").GetDouble() > 0);
        Assert.True(estimate.GetProperty("seconds_per_unit").GetDouble() > 0);
    }

    [Fact]
    public void Given_two_infeasible_datasets_and_a_feasible_one_When_dry_run_Then_both_are_listed_and_exit_1()
    {
        var (exit, stdout, stderr) = CliHarness.Run("study", "--dry-run", "--data", $"{Keel("abalone19")},{Keel("yeast6")},{Keel("pima")}",
            "--ir", "10", "--seeds", "1", "--epochs", "2", "--hidden", "8", "--out", _dir);

        Assert.True(exit == 1, stderr + stdout);
        Assert.Equal("", stderr.Trim());
        var infeasible = stdout.Split('\n').Where(l => l.TrimStart().StartsWith("abalone19 x", StringComparison.Ordinal)
            || l.TrimStart().StartsWith("yeast6 x", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, infeasible.Count);
        Assert.All(infeasible, l => Assert.Contains("feasible:", l));
        Assert.Contains("1 runs", stdout); // pima's one run is still planned
        Assert.Contains("estimated time", stdout);
    }

    [Fact]
    public void Given_infeasible_requests_When_dry_run_with_json_Then_each_is_an_entry_with_its_message()
    {
        var (exit, stdout, _) = CliHarness.Run("study", "--dry-run", "--json", "--data", $"{Keel("abalone19")},{Keel("yeast6")}",
            "--protocol", "subsample-minority", "--ir", "10", "--seeds", "1", "--epochs", "2", "--hidden", "8", "--out", _dir);

        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(stdout);
        var infeasible = doc.RootElement.GetProperty("infeasible").EnumerateArray().ToList();
        Assert.Equal(["abalone19", "yeast6"], infeasible.Select(i => i.GetProperty("dataset").GetString()));
        Assert.All(infeasible, i => Assert.Contains("cannot reach IR 10", i.GetProperty("message").GetString()));
        Assert.Equal(0, doc.RootElement.GetProperty("runs").GetInt32());
    }
}
