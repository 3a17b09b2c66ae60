using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace ImbLab.Tests.Cli;

/// <summary>Two real `imblab study` processes started together on one store share the plan and leave what one process would.</summary>
public sealed class TwoProcessStudyTests(ITestOutputHelper output) : IDisposable
{
    private const int Trials = 3;
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-two-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Args(string outDir) => ["study", "--data", "synthetic:rows=1200,d=8", "--ir", "1,10", "--seeds", "4", "--epochs", "12",
        "--hidden", "32,32", "--threads", "1", "--out", outDir, "--json"];

    [Fact]
    public async Task Given_two_study_processes_on_one_store_When_both_finish_Then_both_exit_0_each_run_is_trained_once_and_the_store_equals_a_single_process_one()
    {
        var single = Path.Combine(_dir, "single");
        var (exit, _, err) = CliHarness.Run(Args(single));
        Assert.True(exit == 0, err);
        var expected = Dump(Path.Combine(single, "imblab.db"));

        for (var trial = 0; trial < Trials; trial++)
        {
            var shared = Path.Combine(_dir, $"shared-{trial}");
            using var first = Start(Args(shared));
            using var second = Start(Args(shared));
            var outputs = new[] { first, second }.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await first.WaitForExitAsync(timeout.Token);
            await second.WaitForExitAsync(timeout.Token);
            var done = 0;
            for (var i = 0; i < 2; i++)
            {
                var p = i == 0 ? first : second;
                var (stdout, stderr) = (await outputs[i].Out, await outputs[i].Err);
                Assert.True(p.ExitCode == 0, $"trial {trial}, process {i}: exit {p.ExitCode}: {stderr}");
                using var doc = JsonDocument.Parse(stdout);
                var outcome = doc.RootElement.GetProperty("outcome");
                done += outcome.GetProperty("runs_done").GetInt32();
                Assert.Equal(0, outcome.GetProperty("runs_redone").GetInt32());
                output.WriteLine($"trial {trial}, process {i}: {outcome}");
            }
            Assert.Equal(8, done); // each run trained by exactly one of them
            Assert.Equal(expected, Dump(Path.Combine(shared, "imblab.db")));
        }
    }

    private static Process Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "imblab.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Everything a study computes, in a fixed order, floats by their bits; times, durations and versions left out.</summary>
    private static string Dump(string store)
    {
        var queries = new[]
        {
            "SELECT run_id, study_id, dataset_id, config_json, seed, protocol, level, train_counts, test_counts, realised_ir, status, owner_host, owner_pid, owner_token, heartbeat_at FROM runs ORDER BY run_id",
            "SELECT run_id, step, epoch, split, class, metric, value FROM metrics ORDER BY run_id, step, split, class, metric",
            "SELECT run_id, split, row_ids, labels FROM samples ORDER BY run_id, split",
            "SELECT run_id, split, step, p_true, margin, correct FROM sample_signals ORDER BY run_id, split, step",
            "SELECT run_id, step, layer, class, other_class, metric, value FROM gradient_metrics ORDER BY run_id, step, layer, class, other_class, metric",
            "SELECT run_id, step, split, layer, class, other_class, metric, value FROM representation_metrics ORDER BY run_id, step, split, layer, class, other_class, metric",
            "SELECT study_id, dataset, protocol, finding, verdict, effect, p_value FROM findings ORDER BY study_id, dataset, protocol, finding",
        };
        using var c = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        c.Open();
        var text = new StringBuilder();
        foreach (var sql in queries)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            using var r = cmd.ExecuteReader();
            var rows = 0;
            while (r.Read())
            {
                rows++;
                for (var i = 0; i < r.FieldCount; i++)
                {
                    text.Append(r.GetValue(i) switch
                    {
                        double d => BitConverter.DoubleToInt64Bits(d).ToString("x16"),
                        byte[] b => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(b)),
                        var v => v.ToString(),
                    }).Append('|');
                }
                text.Append('\n');
            }
            Assert.True(rows > 0 || sql.Contains("findings", StringComparison.Ordinal), $"no rows: {sql}");
        }
        return text.ToString();
    }
}
