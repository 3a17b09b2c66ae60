using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Cli;

public sealed class DivergenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-diverge-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Study =
        ["study", "--data", "synthetic:rows=400,d=4", "--ir", "1,4", "--seeds", "2", "--epochs", "3", "--batch-size", "64", "--lr", "1e9"];

    [Fact]
    public void Given_a_learning_rate_that_makes_training_diverge_When_the_study_runs_Then_the_runs_are_stored_as_diverged_named_and_not_retrained()
    {
        var (exit, stdout, stderr) = CliHarness.Run([.. Study, "--out", _dir]);

        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("diverged run(s)", stdout);
        var db = Path.Combine(_dir, "imblab.db");
        using (var store = StudyStore.Open(db, create: false))
        {
            var runs = store.Runs(finishedOnly: false);
            Assert.Equal(4, runs.Count);
            Assert.All(runs, r => Assert.Equal("diverged", r.Status));
            var diverged = store.DivergedRuns(runs[0].StudyId);
            Assert.Equal(4, diverged.Count);
            Assert.All(diverged, d => Assert.InRange(d.Epoch, 1, 3));
        }

        // What was recorded before the divergence is kept: at least the epoch-0 checkpoint of every run.
        using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            sqlite.Open();
            using var cmd = sqlite.CreateCommand();
            cmd.CommandText = "SELECT count(DISTINCT run_id) FROM metrics WHERE step = 0";
            Assert.Equal(4L, (long)cmd.ExecuteScalar()!);
        }

        // A divergence is a result: running the study again trains nothing.
        var again = CliHarness.Run([.. Study, "--out", _dir, "--json"]);
        Assert.Equal(0, again.Exit);
        using var doc = System.Text.Json.JsonDocument.Parse(again.Out);
        Assert.Equal(0, doc.RootElement.GetProperty("outcome").GetProperty("runs_done").GetInt32());
        Assert.Equal(4, doc.RootElement.GetProperty("diverged").GetArrayLength());
    }
}
