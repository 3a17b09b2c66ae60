using System.Diagnostics;
using ImbLab.Cli.Commands;
using ImbLab.Core;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>
/// The Slurm scripts' text, and what bash makes of it: each script is run by bash with Slurm's environment and a
/// stand-in for ImbLab that records the arguments it was given, so quoting is checked by the shell that will read it.
/// </summary>
public sealed class SlurmScriptsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-slurm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SlurmJob Job(string folder, string? workdir = null, int shards = 4, string? partition = null, string? time = null, int? cpus = null, string? mem = null) =>
        new("keel controls", "0123456789abcdef", 32, shards, folder, workdir ?? _dir, [FakeImblab()], partition, time, cpus, mem);

    /// <summary>A stand-in for ImbLab: appends its arguments, one per line after '>', then a blank line, to args.txt; exits FAKE_EXIT_&lt;command&gt;.</summary>
    private string FakeImblab()
    {
        var path = Path.Combine(_dir, "fake imblab's bin", "imblab");
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/bash\nprintf '>%s\\n' \"$@\" >> \"$ARGS_FILE\"\necho >> \"$ARGS_FILE\"\nvar=\"FAKE_EXIT_${1//[^A-Za-z0-9_]/_}\"\nexit \"${!var:-0}\"\n");
        MakeExecutable(path);
        return path;
    }

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Runs a script with bash as Slurm would (its environment given), returning its exit code and each ImbLab call's arguments.</summary>
    private (int Exit, List<List<string>> Calls, string Output) RunBash(string script, params (string Key, string Value)[] environment)
    {
        var file = Path.Combine(_dir, "job.sbatch");
        File.WriteAllText(file, script);
        var args = Path.Combine(_dir, "args.txt");
        File.Delete(args);
        var start = new ProcessStartInfo("bash", [file]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ARGS_FILE"] = args;
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var calls = new List<List<string>>();
        if (File.Exists(args))
        {
            var current = new List<string>();
            foreach (var line in File.ReadAllLines(args))
            {
                if (line.Length == 0) { calls.Add(current); current = []; }
                else current.Add(line[1..]);
            }
        }
        return (process.ExitCode, calls, stdout + stderr.GetAwaiter().GetResult());
    }

    private static List<string> Directives(string script) =>
        script.Split('\n').Where(l => l.StartsWith("#SBATCH ", StringComparison.Ordinal)).Select(l => l["#SBATCH ".Length..]).ToList();

    [Fact]
    public void Given_resources_When_the_array_script_is_written_Then_it_has_one_task_per_shard_the_logs_and_every_resource()
    {
        var job = Job("/shared/run", partition: "cpu,long", time: "1-12:00:00", cpus: 8, mem: "4g");

        var script = SlurmScripts.Array(job);

        Assert.StartsWith("#!/bin/bash\n", script, StringComparison.Ordinal);
        Assert.Equal(["--job-name=imblab-keel-controls", "--array=1-4", "--output=/shared/run/logs/%A_%a.out", "--partition=cpu,long",
            "--time=1-12:00:00", "--cpus-per-task=8", "--mem=4G"], Directives(script));
        Assert.Contains("shared file system", script, StringComparison.Ordinal);
        Assert.Contains("jobid=$(sbatch --parsable /shared/run/array.sbatch) && sbatch --dependency=afterok:$jobid /shared/run/merge.sbatch", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_no_resources_When_the_scripts_are_written_Then_slurm_defaults_apply()
    {
        var job = Job("/shared/run");

        Assert.Equal(["--job-name=imblab-keel-controls", "--array=1-4", "--output=/shared/run/logs/%A_%a.out"], Directives(SlurmScripts.Array(job)));
        Assert.Equal(["--job-name=imblab-keel-controls-merge", "--output=/shared/run/logs/merge-%j.out", "--kill-on-invalid-dep=yes"],
            Directives(SlurmScripts.Merge(job)));
    }

    [Fact]
    public void Given_any_script_When_sbatch_reads_it_Then_every_directive_comes_before_the_first_command()
    {
        foreach (var script in new[] { SlurmScripts.Array(Job("/s", cpus: 2, mem: "1G")), SlurmScripts.Merge(Job("/s", time: "10")) })
        {
            var lines = script.Split('\n');
            var firstCommand = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'));
            var lastDirective = Array.FindLastIndex(lines, l => l.StartsWith("#SBATCH ", StringComparison.Ordinal));
            Assert.True(lastDirective < firstCommand, script);
        }
    }

    [Fact]
    public void Given_paths_with_spaces_and_quotes_When_bash_runs_array_task_3_Then_imblab_trains_shard_3_of_4_with_the_allocated_cpus()
    {
        var folder = Path.Combine(_dir, "out dir's $HOME `x`");
        var workdir = Path.Combine(_dir, "work 'here'");
        Directory.CreateDirectory(workdir);
        var job = Job(folder, workdir);

        var (exit, calls, output) = RunBash(SlurmScripts.Array(job), ("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_CPUS_PER_TASK", "6"));

        Assert.True(exit == 0, output);
        var call = Assert.Single(calls);
        Assert.Equal(["study", "--config", Path.Combine(folder, "study.json"), "--shard", "3/4", "--out", Path.Combine(folder, "shards", "shard-3.db"),
            "--threads", "6", "--no-report"], call);
        Assert.Contains("shard 3/4", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_no_cpus_per_task_When_bash_runs_an_array_task_Then_imblab_trains_with_one_thread()
    {
        var (exit, calls, output) = RunBash(SlurmScripts.Array(Job(_dir)), ("SLURM_ARRAY_TASK_ID", "1"));

        Assert.True(exit == 0, output);
        Assert.Equal(["--threads", "1"], Assert.Single(calls).Skip(7).Take(2));
    }

    [Fact]
    public void Given_the_array_script_When_bash_runs_it_Then_it_runs_in_the_working_directory_the_study_file_was_planned_from()
    {
        var workdir = Path.Combine(_dir, "data root");
        Directory.CreateDirectory(workdir);
        var pwdFile = Path.Combine(_dir, "pwd.txt");
        var fake = Path.Combine(_dir, "pwd-imblab");
        File.WriteAllText(fake, $"#!/bin/bash\npwd > '{pwdFile}'\n");
        MakeExecutable(fake);

        var (exit, _, output) = RunBash(SlurmScripts.Array(Job(_dir, workdir) with { Imblab = [fake] }), ("SLURM_ARRAY_TASK_ID", "1"));

        Assert.True(exit == 0, output);
        Assert.Equal(workdir, File.ReadAllText(pwdFile).Trim());
    }

    [Fact]
    public void Given_the_dotnet_host_and_a_dll_When_bash_runs_a_task_Then_both_are_one_word_each()
    {
        // The build as a host and a dll: the fake host records the dll as its first argument.
        var dll = Path.Combine(_dir, "build dir", "imblab.dll");
        var job = Job(_dir) with { Imblab = [FakeImblab(), dll] };

        var (exit, calls, output) = RunBash(SlurmScripts.Array(job), ("SLURM_ARRAY_TASK_ID", "2"));

        Assert.True(exit == 0, output);
        Assert.Equal([dll, "study"], Assert.Single(calls).Take(2));
    }

    [Fact]
    public void Given_the_merge_script_When_bash_runs_it_Then_every_shard_store_is_merged_in_order_and_status_follows()
    {
        var folder = Path.Combine(_dir, "out 'dir'");
        var job = Job(folder, shards: 11);

        var (exit, calls, output) = RunBash(SlurmScripts.Merge(job));

        Assert.True(exit == 0, output);
        var shards = Enumerable.Range(1, 11).Select(k => Path.Combine(folder, "shards", $"shard-{k}.db")).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(["merge", Path.Combine(folder, "study.db"), .. shards], calls[0]);
        Assert.Equal(["status", .. shards], calls[1]);
    }

    [Fact]
    public void Given_one_shard_When_bash_runs_the_merge_script_Then_its_one_store_is_merged()
    {
        var (exit, calls, output) = RunBash(SlurmScripts.Merge(Job(_dir, shards: 1)));

        Assert.True(exit == 0, output);
        Assert.Equal(["merge", Path.Combine(_dir, "study.db"), Path.Combine(_dir, "shards", "shard-1.db")], calls[0]);
    }

    [Fact]
    public void Given_a_failing_merge_When_bash_runs_the_merge_script_Then_status_still_runs_and_the_job_fails()
    {
        var (exit, calls, output) = RunBash(SlurmScripts.Merge(Job(_dir)), ("FAKE_EXIT_merge", "3"));

        Assert.True(exit == 3, output);
        Assert.Equal(["merge", "status"], calls.Select(c => c[0]));
    }

    [Fact]
    public void Given_a_failing_shard_When_bash_runs_its_task_Then_the_task_fails_with_imblab_exit_code()
    {
        var (exit, _, _) = RunBash(SlurmScripts.Array(Job(_dir)), ("SLURM_ARRAY_TASK_ID", "1"), ("FAKE_EXIT_study", "1"));

        Assert.Equal(1, exit);
    }

    [Theory]
    [InlineData("plain/path-1.db")]
    [InlineData("with space")]
    [InlineData("it's")]
    [InlineData("$HOME and `date` and $(date) and \"quotes\" and \\")]
    [InlineData("*.db ?[a] {1..3} ~user ; & | < > !")]
    [InlineData("")]
    public void Given_any_word_When_quoted_for_bash_Then_bash_reads_it_back_unchanged(string word)
    {
        var (exit, calls, output) = RunBash($"{SlurmScripts.Quote(FakeImblab())} {SlurmScripts.Quote(word)}\n");

        Assert.True(exit == 0, output);
        Assert.Equal([word], Assert.Single(calls));
    }

    [Fact]
    public void Given_the_submit_commands_Then_the_merge_depends_on_the_array_and_a_resubmission_names_its_tasks()
    {
        var job = Job("/shared/my run");

        Assert.Equal("jobid=$(sbatch --parsable '/shared/my run/array.sbatch') && sbatch --dependency=afterok:$jobid '/shared/my run/merge.sbatch'",
            SlurmScripts.SubmitCommand(job));
        Assert.Equal("jobid=$(sbatch --parsable --array=2,4 '/shared/my run/array.sbatch') && sbatch --dependency=afterok:$jobid '/shared/my run/merge.sbatch'",
            SlurmScripts.SubmitCommand(job, "2,4"));
        Assert.Equal("imblab status '/shared/my run/shards/shard-'{1..4}.db", SlurmScripts.StatusCommand(job, "imblab"));
    }

    [Fact]
    public void Given_a_folder_with_a_space_When_the_log_directive_is_written_Then_it_is_double_quoted_for_sbatch()
    {
        Assert.Contains("--output=\"/shared/my run/logs/%A_%a.out\"", Directives(SlurmScripts.Array(Job("/shared/my run"))));
    }

    [Theory]
    [InlineData("10")]
    [InlineData("30:00")]
    [InlineData("2:00:00")]
    [InlineData("1-12")]
    [InlineData("1-12:30")]
    [InlineData("7-00:00:00")]
    [InlineData("UNLIMITED")]
    [InlineData("infinite")]
    public void Given_a_slurm_time_format_When_checked_Then_it_is_accepted(string time) => SlurmScripts.Check(Job("/s", time: time));

    [Theory]
    [InlineData(0, null, null, null, null, "--shards", "1..1000")]
    [InlineData(1001, null, null, null, null, "--shards", "1..1000")]
    [InlineData(4, "cpu long", null, null, null, "--partition", "'cpu long'")]
    [InlineData(4, "cpu;rm", null, null, null, "--partition", "letters, digits")]
    [InlineData(4, null, "2h", null, null, "--time", "HOURS:MINUTES:SECONDS")]
    [InlineData(4, null, "1:2:3:4", null, null, "--time", "'1:2:3:4'")]
    [InlineData(4, null, null, 0, null, "--cpus-per-task", ">= 1")]
    [InlineData(4, null, null, null, "4GB", "--mem", "K, M (the default), G or T")]
    [InlineData(4, null, null, null, "-1", "--mem", "'-1'")]
    public void Given_a_bad_option_When_checked_Then_a_usage_error_names_it_and_what_is_accepted(int shards, string? partition, string? time, int? cpus, string? mem,
        string option, string mention)
    {
        var e = Assert.Throws<UsageException>(() => SlurmScripts.Check(Job("/s", shards: shards, partition: partition, time: time, cpus: cpus, mem: mem)));
        Assert.StartsWith(option + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/shared/100%")]
    [InlineData("/shared/\"q\"")]
    [InlineData("/shared/back\\slash")]
    [InlineData("/shared/line\nbreak")]
    public void Given_an_out_folder_slurm_cannot_name_a_log_in_When_checked_Then_out_is_refused(string folder)
    {
        var e = Assert.Throws<UsageException>(() => SlurmScripts.Check(Job(folder)));
        Assert.StartsWith("--out: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Given_more_shards_than_runs_When_checked_Then_shards_is_refused_with_the_run_count()
    {
        var e = Assert.Throws<UsageException>(() => SlurmScripts.CheckRuns(Job("/s", shards: 33)));
        Assert.Equal("--shards: 33 shards for a study of 32 runs would leave shards empty; accepted: 1..32", e.Message);
        SlurmScripts.CheckRuns(Job("/s", shards: 32));
    }
}
