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
        Assert.DoesNotContain("Last epoch", stdout); // no table heading over no rows
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
    /// <summary>
    /// SGD at lr 100 for 4 epochs: one run's last update sends the weights so far that the final evaluation's outputs are
    /// not numbers while every batch loss it saw was finite. It used to be stored as finished with NaN losses, and the
    /// findings looped forever on its NaN probabilities (a tie loop that NaN never ends).
    /// </summary>
    [Fact]
    public async Task Given_an_update_whose_outputs_overflow_after_the_last_batch_loss_When_studied_Then_the_run_is_diverged_there_and_findings_end()
    {
        string[] study = ["study", "--data", "synthetic:rows=400,d=4", "--ir", "1,4", "--seeds", "3", "--epochs", "4", "--batch-size", "64",
            "--hidden", "8", "--optimizer", "sgd", "--lr", "100", "--no-report", "--out", _dir];
        // A bound on the wait, so that a loop that never ends fails the test instead of hanging the suite.
        var (exit, stdout, stderr) = await Task.Run(() => CliHarness.Run(study)).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(exit == 0, stderr + stdout);
        var db = Path.Combine(_dir, "imblab.db");
        using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
        sqlite.Open();
        using var cmd = sqlite.CreateCommand();
        // No finished run holds a loss that is not a number (stored as NULL) or infinite.
        cmd.CommandText = """
            SELECT count(*) FROM metrics m JOIN runs r ON r.run_id = m.run_id
            WHERE r.status = 'finished' AND m.metric = 'loss' AND (m.value IS NULL OR abs(m.value) > 1e308)
            """;
        Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
        // The run whose outputs overflowed at its final checkpoint (step 16, the end of epoch 4) diverged there, and its
        // records end before it.
        cmd.CommandText = "SELECT run_id FROM runs WHERE status = 'diverged' AND diverged_step = 16 AND diverged_epoch = 4";
        var overflowed = (string?)cmd.ExecuteScalar();
        Assert.NotNull(overflowed);
        cmd.CommandText = $"SELECT max(step) FROM metrics WHERE run_id = '{overflowed}'";
        Assert.True((long)cmd.ExecuteScalar()! < 16);
    }
}
