using System.Text.Json;
using ImbLab.Tests.Readers;
using Xunit;

namespace ImbLab.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Tiny = ["--epochs", "2", "--hidden", "8", "--batch-size", "16"];

    private static string[] ReadGzipLines(string path)
    {
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Given_a_small_synthetic_study_When_run_with_json_Then_it_exits_0_and_reports_every_condition()
    {
        var (exit, stdout, stderr) = CliHarness.Run(["study", "--data", "synthetic:rows=500,d=4", "--ir", "1,4", "--seeds", "2",
            "--out", _dir, "--json", .. Tiny]);
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(4, doc.RootElement.GetProperty("outcome").GetProperty("runs_done").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("summary").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(_dir, "imblab.db")));

        // Running it again resumes: nothing left to train.
        var again = CliHarness.Run(["study", "--data", "synthetic:rows=500,d=4", "--ir", "1,4", "--seeds", "2", "--out", _dir, "--json", .. Tiny]);
        Assert.Equal(0, again.Exit);
        using var doc2 = JsonDocument.Parse(again.Out);
        Assert.Equal(0, doc2.RootElement.GetProperty("outcome").GetProperty("runs_done").GetInt32());
        Assert.Equal(4, doc2.RootElement.GetProperty("outcome").GetProperty("runs_skipped").GetInt32());

        // Export writes long-format CSV with a header and one row per metric value.
        var export = CliHarness.Run("export", Path.Combine(_dir, "imblab.db"), "--format", "csv", "--out", Path.Combine(_dir, "csv"));
        Assert.True(export.Exit == 0, export.Err);
        var metrics = File.ReadAllLines(Path.Combine(_dir, "csv", "metrics.csv"));
        Assert.Equal("study_id,run_id,dataset,protocol,level,remedy,requested_ir,seed,seed_index,split_repeat,split_fold,status,step,epoch,split,class,class_label,role,metric,value", metrics[0]);
        Assert.Contains(metrics, l => l.Contains(",minority,recall,", StringComparison.Ordinal));
        var samples = ReadGzipLines(Path.Combine(_dir, "csv", "samples.csv.gz"));
        Assert.EndsWith(",split,step,epoch,sample,class,role,p_true,margin,correct", samples[0]);
        Assert.True(samples.Length > 1000);
    }

    [Fact]
    public void Given_a_KEEL_file_When_trained_with_its_own_folds_Then_the_table_shows_every_epoch_per_class()
    {
        var pima = Path.Combine(ReaderFixtures.KeelCorpus(), "pima", "pima.dat");
        var (exit, stdout, stderr) = CliHarness.Run(["train", "--data", pima, "--split", "keel", "--protocol", "natural", .. Tiny]);
        Assert.Equal(2, exit); // keel split gives 5 folds -> 5 runs: train refuses with a usage error
        Assert.Contains("5 runs", stderr);

        (exit, stdout, stderr) = CliHarness.Run(["train", "--data", pima, "--ir", "4", "--seed", "3", .. Tiny]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("subsample-minority", stdout);
        Assert.Contains("train recall min", stdout);
        Assert.Contains("minority = positive", stdout);
    }

    [Fact]
    public void Given_a_KEEL_folder_When_shown_Then_every_dataset_is_listed_with_counts_and_IR()
    {
        var (exit, stdout, stderr) = CliHarness.Run("datasets", "show", Path.Combine(ReaderFixtures.KeelCorpus(), "abalone19"), "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var d = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(4174, d.GetProperty("rows").GetInt32());
        Assert.Equal(32, d.GetProperty("class_counts").GetProperty("positive").GetInt32());
        Assert.Equal(129.44, d.GetProperty("imbalance_ratio").GetDouble(), 2);
        Assert.Equal(5, d.GetProperty("keel_folds").GetInt32());
    }

    [Fact]
    public void Given_predictions_When_evaluated_Then_the_metrics_match_the_hand_computed_values()
    {
        var file = Path.Combine(_dir, "pred.csv");
        // positives score 0.9, 0.4; negatives 0.3, 0.2, 0.6 -> AUC = (3 + 1 + ... ) pairs: 0.9 beats all 3, 0.4 beats 2 of 3 -> 5/6
        File.WriteAllText(file, "label,score\npos,0.9\npos,0.4\nneg,0.3\nneg,0.2\nneg,0.6\n");
        var (exit, stdout, stderr) = CliHarness.Run("evaluate", "--predictions", file, "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("pos", doc.RootElement.GetProperty("positive").GetString());
        var auc = doc.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "roc_auc");
        Assert.Equal(5.0 / 6.0, auc.GetProperty("value").GetDouble(), 12);
    }

    [Theory]
    [InlineData(2, "study", "--ir", "abc")]
    [InlineData(2, "study", "--epochs", "0")]
    [InlineData(2, "study", "--protocol", "magic")]
    [InlineData(2, "study", "--split", "kfold:x")]
    [InlineData(2, "study", "--no-such-option")]
    [InlineData(2, "train", "--data", "/no/such/file.dat")]
    [InlineData(1, "export", "/no/such/store.db")]
    [InlineData(2, "evaluate", "--predictions", "/no/such.csv")]
    public void Given_bad_usage_When_run_Then_one_clear_line_and_the_documented_exit_code(int expected, params string[] args)
    {
        var (exit, _, stderr) = CliHarness.Run(args);
        Assert.Equal(expected, exit);
        Assert.StartsWith("error:", stderr.TrimStart());
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }

    [Fact]
    public void Given_a_bad_data_file_When_a_study_reads_it_Then_exit_1_with_file_and_line()
    {
        var bad = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(bad, "a,b,label\n1,2,x\n3\n4,5,y\n");
        var (exit, _, stderr) = CliHarness.Run(["study", "--data", bad, "--protocol", "natural", "--seeds", "1", "--out", _dir, .. Tiny]);
        Assert.Equal(1, exit);
        Assert.Contains("bad.csv:3", stderr);
    }

    [Fact]
    public void Given_a_cancelled_token_When_a_study_runs_Then_exit_130()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var (exit, _, stderr) = CliHarness.Run(cts.Token, ["study", "--data", "synthetic:rows=300,d=2", "--out", _dir, .. Tiny]);
        Assert.Equal(130, exit);
        Assert.Contains("resume", stderr);
    }
}

public sealed class CliBadFileTests
{
    public static TheoryData<string> BadFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Readers"), "bad-*").Order(StringComparer.Ordinal))
        {
            // In CSV, a non-numeric or unknown nominal value makes the column nominal (types are inferred), so the file is valid.
            var name = Path.GetFileName(f);
            if (name is "bad-nonnumeric.csv" or "bad-unknownnominal.csv") continue;
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Given_a_bad_file_When_shown_or_studied_Then_exit_1_and_one_line_naming_the_file(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Readers", name);
        foreach (var args in new[] { new[] { "datasets", "show", path }, ["study", "--data", path, "--protocol", "natural", "--epochs", "1", "--out", Path.GetTempPath()] })
        {
            var (exit, _, stderr) = CliHarness.Run(args);
            Assert.Equal(1, exit);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("error: ", line);
            Assert.Contains(name, line);
        }
    }

    [Fact]
    public void Given_a_file_with_missing_values_When_studied_Then_exit_1_naming_line_and_column_and_impute_makes_it_run()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Readers", "missing.dat");
        var dir = Directory.CreateTempSubdirectory("imblab-missing-").FullName;
        try
        {
            var (exit, _, stderr) = CliHarness.Run("study", "--data", path, "--protocol", "natural", "--seeds", "1", "--epochs", "1", "--split", "holdout:0.5", "--out", dir);
            Assert.Equal(1, exit);
            Assert.Matches(@"missing\.dat:\d+:\d+: .*--impute", stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class CliHelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("study", "--help")]
    [InlineData("train", "--help")]
    [InlineData("datasets", "show", "--help")]
    [InlineData("evaluate", "--help")]
    [InlineData("export", "--help")]
    [InlineData("findings", "--help")]
    [InlineData("dynamics", "--help")]
    [InlineData("report", "--help")]
    public void Given_help_for_any_command_When_asked_Then_it_prints_usage_and_exits_0(params string[] args)
    {
        var (exit, stdout, stderr) = CliHarness.Run(args);
        Assert.True(exit == 0, stderr);
        Assert.Contains("USAGE:", stdout);
        Assert.Equal("", stderr);
    }
}
