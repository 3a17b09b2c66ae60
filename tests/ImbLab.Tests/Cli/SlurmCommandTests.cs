using ImbLab.Cli.Commands;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>`imblab slurm`: the study is planned before anything is written; the folder gets the study file and both scripts.</summary>
public sealed class SlurmCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-slurm-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out => Path.Combine(_dir, "cluster");

    /// <summary>A study of 2 IRs x 2 seeds = 4 runs on built-in data.</summary>
    private string StudyFile(string irs = "[1, 4]", string name = "study.json")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $$"""{ "name": "tiny", "data": ["synthetic:rows=300,d=3"], "irs": {{irs}}, "seeds": 2, "model": { "hidden": [4], "epochs": 1 } }""");
        return path;
    }

    private static void AssertUsage(int expectedExit, (int Exit, string Out, string Err) result, string option, string mention)
    {
        Assert.True(result.Exit == expectedExit, $"exit {result.Exit}: {result.Err}");
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option}", line, StringComparison.Ordinal);
        Assert.Contains(mention, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_feasible_study_When_slurm_runs_Then_the_folder_holds_the_study_file_both_scripts_and_the_submit_command_is_printed()
    {
        var study = StudyFile();

        var (exit, stdout, stderr) = CliHarness.Run("slurm", "--config", study, "--shards", "2", "--out", Out, "--cpus-per-task", "2", "--time", "30");

        Assert.True(exit == 0, stderr);
        Assert.Equal(File.ReadAllBytes(study), File.ReadAllBytes(Path.Combine(Out, "study.json")));
        Assert.True(Directory.Exists(Path.Combine(Out, "logs")));
        Assert.True(Directory.Exists(Path.Combine(Out, "shards")));
        var array = File.ReadAllText(Path.Combine(Out, "array.sbatch"));
        Assert.Contains("#SBATCH --array=1-2\n", array, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --cpus-per-task=2\n", array, StringComparison.Ordinal);
        // This very build, not a script that may rebuild it in every task.
        Assert.Contains(SlurmScripts.Quote(typeof(SlurmCommand).Assembly.Location), array, StringComparison.Ordinal);
        Assert.Contains("cd -- " + SlurmScripts.Quote(Directory.GetCurrentDirectory()), array, StringComparison.Ordinal);
        Assert.Contains("merge " + SlurmScripts.Quote(Path.Combine(Out, "study.db")), File.ReadAllText(Path.Combine(Out, "merge.sbatch")), StringComparison.Ordinal);
        Assert.Contains("4 runs in 2 shards", stdout, StringComparison.Ordinal);
        Assert.Contains($"jobid=$(sbatch --parsable {Out}/array.sbatch) && sbatch --dependency=afterok:$jobid {Out}/merge.sbatch", stdout, StringComparison.Ordinal);
        Assert.Contains($"sbatch --parsable --array=2,4 {Out}/array.sbatch", stdout, StringComparison.Ordinal);
        Assert.Contains("status", stdout, StringComparison.Ordinal);
        Assert.Contains("file system every node shares", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_json_When_slurm_runs_Then_the_files_and_commands_are_fields()
    {
        var (exit, stdout, stderr) = CliHarness.Run("slurm", "--config", StudyFile(), "--shards", "4", "--out", Out, "--json");

        Assert.True(exit == 0, stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("runs").GetInt32());
        Assert.Equal(4, root.GetProperty("shards").GetInt32());
        Assert.Equal(Path.Combine(Out, "array.sbatch"), root.GetProperty("array").GetString());
        Assert.Equal(Path.Combine(Out, "study.db"), root.GetProperty("merged_store").GetString());
        Assert.StartsWith("jobid=$(sbatch --parsable ", root.GetProperty("submit").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("jobs").ValueKind);
    }

    [Fact]
    public void Given_the_same_study_again_When_slurm_runs_into_its_folder_Then_it_rewrites_the_scripts()
    {
        var study = StudyFile();
        Assert.Equal(0, CliHarness.Run("slurm", "--config", study, "--shards", "2", "--out", Out).Exit);

        var (exit, _, stderr) = CliHarness.Run("slurm", "--config", Path.Combine(Out, "study.json"), "--shards", "3", "--out", Out);

        Assert.True(exit == 0, stderr);
        Assert.Contains("#SBATCH --array=1-3\n", File.ReadAllText(Path.Combine(Out, "array.sbatch")), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_folder_of_another_study_When_slurm_runs_into_it_Then_out_is_refused_and_nothing_is_overwritten()
    {
        Assert.Equal(0, CliHarness.Run("slurm", "--config", StudyFile(), "--shards", "2", "--out", Out).Exit);
        var before = File.ReadAllText(Path.Combine(Out, "study.json"));

        AssertUsage(2, CliHarness.Run("slurm", "--config", StudyFile("[1, 5]", "other.json"), "--shards", "2", "--out", Out), "--out", "holds another study");
        Assert.Equal(before, File.ReadAllText(Path.Combine(Out, "study.json")));
    }

    [Fact]
    public void Given_an_infeasible_study_When_slurm_runs_Then_it_fails_now_and_writes_nothing()
    {
        var result = CliHarness.Run("slurm", "--config", StudyFile("[1, 100000]"), "--shards", "2", "--out", Out);

        Assert.True(result.Exit == 1, result.Err);
        Assert.Contains("cannot reach IR 100000", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void Given_more_shards_than_runs_When_slurm_runs_Then_shards_is_refused_with_the_run_count() =>
        AssertUsage(2, CliHarness.Run("slurm", "--config", StudyFile(), "--shards", "5", "--out", Out), "--shards", "accepted: 1..4");

    [Theory]
    [InlineData("--config", "required")]
    [InlineData("--shards", "required")]
    [InlineData("--out", "required")]
    public void Given_a_required_option_left_out_When_slurm_runs_Then_a_usage_error_names_it(string option, string mention)
    {
        var args = new Dictionary<string, string> { ["--config"] = StudyFile(), ["--shards"] = "2", ["--out"] = Out };
        args.Remove(option);

        AssertUsage(2, CliHarness.Run(["slurm", .. args.SelectMany(a => new[] { a.Key, a.Value })]), option, mention);
    }

    [Theory]
    [InlineData("--shards", "two", "a whole number 1..1000")]
    [InlineData("--cpus-per-task", "1.5", ">= 1")]
    [InlineData("--time", "2h", "UNLIMITED")]
    [InlineData("--mem", "lots", "4G")]
    [InlineData("--partition", "a b", "letters, digits")]
    public void Given_a_bad_option_value_When_slurm_runs_Then_exit_2_naming_the_option(string option, string value, string accepted)
    {
        var args = new Dictionary<string, string> { ["--config"] = StudyFile(), ["--shards"] = "2", ["--out"] = Out, [option] = value };

        AssertUsage(2, CliHarness.Run(["slurm", .. args.SelectMany(a => new[] { a.Key, a.Value })]), option, accepted);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void Given_submit_where_no_slurm_answers_When_slurm_runs_Then_one_error_line_says_so_and_the_scripts_are_written()
    {
        // Here sbatch is either missing or has no controller to talk to (the test cluster lives only inside tools/slurm/test.sh).
        var result = CliHarness.Run("slurm", "--config", StudyFile(), "--shards", "2", "--out", Out, "--submit");

        AssertUsage(1, result, "--submit: ", "sbatch");
        Assert.True(File.Exists(Path.Combine(Out, "array.sbatch")));
    }

    [Fact]
    public void Given_a_path_list_When_looking_for_sbatch_Then_the_first_folder_holding_it_wins_and_none_gives_null()
    {
        var a = Directory.CreateDirectory(Path.Combine(_dir, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(_dir, "b")).FullName;
        var c = Directory.CreateDirectory(Path.Combine(_dir, "c")).FullName;
        File.WriteAllText(Path.Combine(b, "sbatch"), "");
        File.WriteAllText(Path.Combine(c, "sbatch"), "");

        Assert.Equal(Path.Combine(b, "sbatch"), SlurmCommand.FindOnPath("sbatch", string.Join(Path.PathSeparator, a, b, c)));
        Assert.Null(SlurmCommand.FindOnPath("sbatch", a));
        Assert.Null(SlurmCommand.FindOnPath("sbatch", null));
    }
}
