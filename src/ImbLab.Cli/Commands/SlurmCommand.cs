using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Study.Planning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

internal sealed class SlurmSettings : CommandSettings
{
    [CommandOption("--config <FILE>")]
    [Description("The JSON study file to run on the cluster (required); it is planned now, so a study that cannot run is refused here, and copied into --out.")]
    public string? Config { get; init; }

    [CommandOption("--shards <N>")]
    [Description("How many shards, one Slurm array task each, 1..1000 and at most the study's runs (required).")]
    public string? Shards { get; init; }

    [CommandOption("-o|--out <DIR>")]
    [Description("The folder for the scripts, the study file's copy, the shard stores (shards/), the logs (logs/) and the merged store study.db with its report (required). It must be on a file system every node shares.")]
    public string? Out { get; init; }

    [CommandOption("--partition <P>")]
    [Description("The Slurm partition (#SBATCH --partition). Default: the cluster's default partition.")]
    public string? Partition { get; init; }

    [CommandOption("--time <T>")]
    [Description("Time limit per task, as Slurm reads it (e.g. 2:00:00 or 1-12). Default: the partition's limit.")]
    public string? Time { get; init; }

    [CommandOption("--cpus-per-task <C>")]
    [Description("CPUs per task; each shard trains with that many threads. Default: Slurm's default (1).")]
    public string? CpusPerTask { get; init; }

    [CommandOption("--mem <M>")]
    [Description("Memory per task, as Slurm reads it (e.g. 4G). Default: the partition's default.")]
    public string? Mem { get; init; }

    [CommandOption("--submit")]
    [Description("Submit the array and the merge job with sbatch (which must be on PATH) and print their job ids. Default: only write the scripts and print the commands.")]
    public bool Submit { get; init; }

    [CommandOption("--json")]
    [Description("Print results as JSON instead of text. Default: text.")]
    public bool Json { get; init; }
}

/// <summary>
/// Writes the Slurm scripts of a sharded study (an array job, one task per shard, and a merge job after it) for this
/// ImbLab build, and prints how to submit them; with --submit, submits them.
/// </summary>
internal sealed class SlurmCommand(IAnsiConsole console) : Command<SlurmSettings>
{
    public override int Execute(CommandContext context, SlurmSettings settings, CancellationToken cancellationToken)
    {
        var config = settings.Config ?? throw new UsageException("--config: required; accepted: a JSON study file (see README's 'A study file')");
        var shards = OptionLists.Int("--shards", settings.Shards, $"a whole number 1..{SlurmScripts.MaxShards}")
            ?? throw new UsageException($"--shards: required; accepted: a whole number 1..{SlurmScripts.MaxShards}");
        var outDir = settings.Out ?? throw new UsageException("--out: required; accepted: a folder on a file system every node shares");
        var cpus = OptionLists.Int("--cpus-per-task", settings.CpusPerTask, "a whole number >= 1");

        var options = new SlurmJob("", "", 0, shards, Path.GetFullPath(outDir), Directory.GetCurrentDirectory(), ThisBuild(),
            settings.Partition, settings.Time, cpus, settings.Mem);
        SlurmScripts.Check(options);

        // Planned whole, as `study` would: a bad file, a missing dataset or an infeasible ratio fails here, not on the cluster.
        var spec = StudySpec.FromJsonFile(config);
        var plan = StudyPlan.Create(spec, cancellationToken);
        var job = options with { StudyName = spec.Name, StudyId = plan.StudyId, Runs = plan.Runs.Count };
        SlurmScripts.CheckRuns(job);
        Write(job, config);

        var submitted = settings.Submit ? Submit(job) : null;
        var status = SlurmScripts.StatusCommand(job, CliText.Command);
        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                study = plan.StudyId, runs = job.Runs, shards, folder = job.Folder,
                study_file = SlurmScripts.StudyPath(job), array = SlurmScripts.ArrayPath(job), merge = SlurmScripts.MergePath(job),
                shard_stores = Path.Combine(job.Folder, SlurmScripts.ShardsFolder), merged_store = SlurmScripts.MergedPath(job),
                submit = SlurmScripts.SubmitCommand(job), status, resubmit = SlurmScripts.SubmitCommand(job, "2,4"),
                jobs = submitted is { } s ? new { array = s.Array, merge = s.Merge } : null,
            }, CliJson.Options));
            return ImbLabApp.Ok;
        }

        var w = console.Profile.Out.Writer;
        w.WriteLine($"study {plan.StudyId} ({spec.Name}): {job.Runs} runs in {shards} shards, scripts in {job.Folder}");
        w.WriteLine($"  {SlurmScripts.StudyFile,-13} the study file (a copy of {config})");
        w.WriteLine($"  {SlurmScripts.ArrayFile,-13} {shards} array tasks; task K trains shard K into {SlurmScripts.ShardsFolder}/shard-K.db (logs in {SlurmScripts.LogsFolder}/)");
        w.WriteLine($"  {SlurmScripts.MergeFile,-13} after every task succeeded: merges the shards into {SlurmScripts.MergedStore}, states the findings, writes the report");
        w.WriteLine("Paths, this ImbLab build and the data must be on a file system every node shares; the tasks run in " + job.WorkingDirectory + ".");
        if (submitted is { } jobs)
        {
            w.WriteLine($"submitted: array job {jobs.Array} ({shards} tasks), merge job {jobs.Merge} (runs once every task succeeded)");
        }
        else
        {
            w.WriteLine("Submit (where sbatch is):");
            w.WriteLine("  " + SlurmScripts.SubmitCommand(job));
        }
        w.WriteLine("If a task fails, the merge does not run. Which shards to resubmit:");
        w.WriteLine("  " + status);
        w.WriteLine("Resubmit those alone (here shards 2 and 4), with the merge after them:");
        w.WriteLine("  " + SlurmScripts.SubmitCommand(job, "2,4"));
        return ImbLabApp.Ok;
    }

    /// <summary>
    /// The command that runs this build: the .NET host with this dll, or the executable itself when ImbLab runs as one.
    /// Never the repository's ./imblab script: it rebuilds when a source changed, and a thousand tasks would race to.
    /// </summary>
    private static string[] ThisBuild()
    {
        var host = Environment.ProcessPath;
        var dll = typeof(SlurmCommand).Assembly.Location;
        if (host is null) return ["dotnet", dll];
        return Path.GetFileNameWithoutExtension(host) == "dotnet" && dll.Length > 0 ? [host, dll] : [host];
    }

    private static void Write(SlurmJob job, string config)
    {
        var studyCopy = SlurmScripts.StudyPath(job);
        if (File.Exists(studyCopy) && Path.GetFullPath(config) != studyCopy && !File.ReadAllBytes(studyCopy).AsSpan().SequenceEqual(File.ReadAllBytes(config)))
            throw new UsageException($"--out: {job.Folder} holds another study ({studyCopy} differs from {config}); accepted: a new folder, or this study's own");
        Directory.CreateDirectory(Path.Combine(job.Folder, SlurmScripts.ShardsFolder));
        // Slurm does not make the folder of a job's log: without it the task's output is lost.
        Directory.CreateDirectory(Path.Combine(job.Folder, SlurmScripts.LogsFolder));
        if (Path.GetFullPath(config) != studyCopy) File.Copy(config, studyCopy, overwrite: true);
        WriteScript(SlurmScripts.ArrayPath(job), SlurmScripts.Array(job));
        WriteScript(SlurmScripts.MergePath(job), SlurmScripts.Merge(job));
    }

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private sealed record Submitted(string Array, string Merge);

    private static Submitted Submit(SlurmJob job)
    {
        var sbatch = FindOnPath("sbatch", Environment.GetEnvironmentVariable("PATH"))
            ?? throw new ImbLabException($"--submit: sbatch is not on PATH (Slurm's client commands are needed to submit); the scripts are written, submit them where sbatch is: {SlurmScripts.SubmitCommand(job)}");
        var array = Sbatch(sbatch, "--parsable", SlurmScripts.ArrayPath(job));
        var merge = Sbatch(sbatch, "--parsable", "--dependency=afterok:" + array, SlurmScripts.MergePath(job));
        return new Submitted(array, merge);
    }

    /// <summary>The first file named <paramref name="name"/> in the folders of <paramref name="path"/> (a PATH value), or null.</summary>
    public static string? FindOnPath(string name, string? path) =>
        (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>The job id sbatch --parsable prints ("id" or "id;cluster").</summary>
    private static string Sbatch(string sbatch, params string[] args)
    {
        var start = new ProcessStartInfo(sbatch) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new ImbLabException($"--submit: {sbatch} could not be started");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // sbatch's last line says why (its "fatal:" or "error:" line); the lines before it are how it got there.
        var said = (stderr.GetAwaiter().GetResult() + "\n" + stdout).Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault() ?? "no output";
        var id = stdout.Trim().Split(';')[0];
        if (process.ExitCode != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new ImbLabException($"--submit: sbatch {Path.GetFileName(args[^1])} failed (exit {process.ExitCode.ToString(CultureInfo.InvariantCulture)}): {said}");
        return id;
    }
}
