using System.Diagnostics;
using System.Text.Json;
using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Tests.Study;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>The real thing: a study process killed with SIGKILL mid-way, then the same command again.</summary>
public sealed class KillResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Given_a_study_killed_with_SIGKILL_When_run_again_Then_finished_runs_are_kept_and_the_rest_completed_without_duplicates()
    {
        string[] args = ["study", "--data", "synthetic:rows=2000,d=8", "--ir", "1,10", "--seeds", "6", "--epochs", "20",
            "--hidden", "32,32", "--threads", "1", "--out", _dir, "--json"];
        var store = Path.Combine(_dir, "imblab.db");
        var cli = Path.Combine(AppContext.BaseDirectory, "imblab.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < deadline && !process.HasExited && FinishedRuns(store) < 1) Thread.Sleep(50);
            Assert.False(process.HasExited, "the study finished before it could be killed; make it longer");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        var finishedBefore = FinishedRuns(store);
        Assert.InRange(finishedBefore, 1, 11);

        var (exit, stdout, stderr) = CliHarness.Run(args);
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var outcome = doc.RootElement.GetProperty("outcome");
        Assert.Equal(finishedBefore, outcome.GetProperty("runs_skipped").GetInt32());
        Assert.Equal(12 - finishedBefore, outcome.GetProperty("runs_done").GetInt32());

        using var s = StudyStore.Open(store, create: false);
        var runs = s.Runs(finishedOnly: false);
        Assert.Equal(12, runs.Count);
        Assert.All(runs, r => Assert.Equal("finished", r.Status));
        StoreAssert.EveryRunCompleteOnce(s, epochs: 20);
    }

    private static int FinishedRuns(string store)
    {
        if (!File.Exists(store)) return 0;
        try
        {
            using var s = StudyStore.Open(store, create: false);
            return s.Runs().Count;
        }
        catch (ImbLab.Core.ImbLabException)
        {
            return 0; // not created yet
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // busy while being created
        }
    }
}
