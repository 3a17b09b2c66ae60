using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ImbLab.Core;

namespace ImbLab.Cli.Commands;

/// <summary>
/// What the Slurm scripts of one study are made from, every path absolute. <paramref name="Imblab"/> is the command that
/// runs this ImbLab build (the .NET host and the built dll, or an executable), <paramref name="WorkingDirectory"/> the
/// folder the study file's relative data paths are read from (the data paths name the study, so they stay as written).
/// </summary>
internal sealed record SlurmJob(
    string StudyName,
    string StudyId,
    int Runs,
    int Shards,
    string Folder,
    string WorkingDirectory,
    IReadOnlyList<string> Imblab,
    string? Partition = null,
    string? Time = null,
    int? CpusPerTask = null,
    string? Memory = null);

/// <summary>
/// The sbatch scripts and submit commands of a sharded study: an array job with one task per shard, and a merge job
/// that runs once every task succeeded. Pure text from a <see cref="SlurmJob"/>; <see cref="Check"/> refuses what would
/// make a script that Slurm or bash reads differently from what was meant.
/// </summary>
internal static partial class SlurmScripts
{
    public const string StudyFile = "study.json";
    public const string ArrayFile = "array.sbatch";
    public const string MergeFile = "merge.sbatch";
    public const string MergedStore = "study.db";
    public const string ShardsFolder = "shards";
    public const string LogsFolder = "logs";

    /// <summary>Slurm's default MaxArraySize is 1001: array indices up to 1000.</summary>
    public const int MaxShards = 1000;

    public static string StudyPath(SlurmJob job) => Path.Combine(job.Folder, StudyFile);
    public static string ArrayPath(SlurmJob job) => Path.Combine(job.Folder, ArrayFile);
    public static string MergePath(SlurmJob job) => Path.Combine(job.Folder, MergeFile);
    public static string MergedPath(SlurmJob job) => Path.Combine(job.Folder, MergedStore);
    public static string ShardPath(SlurmJob job, int shard) => Path.Combine(job.Folder, ShardsFolder, ShardFile(shard));
    public static string ShardFile(int shard) => string.Create(CultureInfo.InvariantCulture, $"shard-{shard}.db");

    /// <summary>
    /// The job's options, each problem a usage error naming the option (the first is thrown); checked before the study
    /// is planned, so the shards are checked against its runs by <see cref="CheckRuns"/>.
    /// </summary>
    public static void Check(SlurmJob job)
    {
        if (job.Shards is < 1 or > MaxShards)
            throw new UsageException($"--shards: {job.Shards} is out of range; accepted: a whole number 1..{MaxShards} (Slurm's default MaxArraySize)");
        if (job.Partition is { } p && !PartitionPattern().IsMatch(p))
            throw new UsageException($"--partition: '{p}' is not a partition name; accepted: letters, digits, '_', '.', '-', several names comma-separated (e.g. cpu or cpu,long)");
        if (job.Time is { } t && !TimePattern().IsMatch(t))
            throw new UsageException($"--time: '{t}' is not a Slurm time limit; accepted: MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS, DAYS-HOURS:MINUTES, DAYS-HOURS:MINUTES:SECONDS (e.g. 2:00:00 or 1-12) or UNLIMITED");
        if (job.CpusPerTask is < 1)
            throw new UsageException($"--cpus-per-task: {job.CpusPerTask} is out of range; accepted: a whole number >= 1");
        if (job.Memory is { } m && !MemoryPattern().IsMatch(m))
            throw new UsageException($"--mem: '{m}' is not a Slurm memory size; accepted: a whole number with an optional unit K, M (the default), G or T (e.g. 4G or 4000)");
        CheckPath("--out", job.Folder, inDirective: true);
        CheckPath("the working directory", job.WorkingDirectory, inDirective: false);
        foreach (var part in job.Imblab) CheckPath("the ImbLab build", part, inDirective: false);
    }

    /// <summary>More shards than runs would leave some empty.</summary>
    public static void CheckRuns(SlurmJob job)
    {
        if (job.Shards > job.Runs)
            throw new UsageException($"--shards: {job.Shards} shards for a study of {job.Runs} runs would leave shards empty; accepted: 1..{job.Runs}");
    }

    /// <summary>
    /// Shell quoting copes with any character but a line break or a control character (the headers name the paths in
    /// comments); the log path is also a directive, where Slurm reads % as a file-name pattern and its quoting stops
    /// at a double quote.
    /// </summary>
    private static void CheckPath(string what, string path, bool inDirective)
    {
        if (path.Any(char.IsControl))
            throw new UsageException($"{what}: '{path.ReplaceLineEndings(" ")}' holds a line break or a control character; accepted: a path without them");
        if (inDirective && path.IndexOfAny(['%', '"', '\\']) is >= 0 and var i)
            throw new UsageException($"{what}: '{path}' holds '{path[i]}', which Slurm reads specially in a log file name; accepted: a path without %, \" or \\");
    }

    /// <summary>The array job: task K trains shard K of N into its own store, with the CPUs Slurm gave it as threads.</summary>
    public static string Array(SlurmJob job)
    {
        var text = new StringBuilder();
        Header(text, job, $"trains one shard of the study per array task ({job.Shards} tasks) into {Path.Combine(job.Folder, ShardsFolder, "shard-K.db")}.");
        Directive(text, "--job-name", JobName(job));
        Directive(text, "--array", string.Create(CultureInfo.InvariantCulture, $"1-{job.Shards}"));
        Directive(text, "--output", Path.Combine(job.Folder, LogsFolder, "%A_%a.out"));
        Resources(text, job);
        text.Append("set -euo pipefail\n");
        text.Append("# The study file's data paths are read from here, as when these scripts were written (they name the study).\n");
        text.Append("cd -- ").Append(Quote(job.WorkingDirectory)).Append('\n');
        text.Append("imblab=(").AppendJoin(' ', job.Imblab.Select(Quote)).Append(")\n");
        text.Append("shard=\"$SLURM_ARRAY_TASK_ID\"\n");
        text.Append("echo \"shard $shard/").Append(job.Shards).Append(" on $(hostname) with ${SLURM_CPUS_PER_TASK:-1} CPU(s)\"\n");
        text.Append("exec \"${imblab[@]}\" study --config ").Append(Quote(StudyPath(job)))
            .Append(" --shard \"$shard/").Append(job.Shards.ToString(CultureInfo.InvariantCulture)).Append('"')
            .Append(" --out ").Append(Quote(Path.Combine(job.Folder, ShardsFolder) + "/shard-")).Append("\"$shard\"").Append(Quote(".db"))
            .Append(" --threads \"${SLURM_CPUS_PER_TASK:-1}\" --no-report\n");
        return text.ToString();
    }

    /// <summary>
    /// The merge job: merges every shard's store (named one by one, so a missing store fails the merge instead of
    /// leaving its runs out), states the findings and writes the report; then prints which shards are unfinished.
    /// </summary>
    public static string Merge(SlurmJob job)
    {
        var text = new StringBuilder();
        Header(text, job, $"merges the {job.Shards} shard stores into {MergedPath(job)} and writes the report; submitted with --dependency=afterok on the array job, it runs once every task succeeded.");
        Directive(text, "--job-name", JobName(job) + "-merge");
        Directive(text, "--output", Path.Combine(job.Folder, LogsFolder, "merge-%j.out"));
        // A merge whose array task failed can never run: Slurm cancels it instead of leaving it pending for ever.
        Directive(text, "--kill-on-invalid-dep", "yes");
        Resources(text, job);
        text.Append("set -uo pipefail\n");
        text.Append("cd -- ").Append(Quote(job.WorkingDirectory)).Append(" || exit 1\n");
        text.Append("imblab=(").AppendJoin(' ', job.Imblab.Select(Quote)).Append(")\n");
        text.Append("shards=(").Append(ShardList(job)).Append(")\n");
        text.Append("\"${imblab[@]}\" merge ").Append(Quote(MergedPath(job))).Append(" \"${shards[@]}\"\n");
        text.Append("merged=$?\n");
        text.Append("# Which shards are unfinished, if any: resubmit those alone (sbatch --array=K,... array.sbatch), then this merge.\n");
        text.Append("\"${imblab[@]}\" status \"${shards[@]}\"\n");
        text.Append("exit $merged\n");
        return text.ToString();
    }

    /// <summary>Every shard store, 1..N, as a bash word list (brace expansion keeps it one line for a thousand shards).</summary>
    public static string ShardList(SlurmJob job) =>
        Quote(Path.Combine(job.Folder, ShardsFolder) + "/shard-")
        + (job.Shards == 1 ? "1" : string.Create(CultureInfo.InvariantCulture, $"{{1..{job.Shards}}}"))
        + Quote(".db");

    /// <summary>Submits the array, then the merge to run once every array task succeeded.</summary>
    public static string SubmitCommand(SlurmJob job, string? tasks = null) =>
        "jobid=$(sbatch --parsable " + (tasks is null ? "" : "--array=" + tasks + " ") + Quote(ArrayPath(job)) + ") && " +
        "sbatch --dependency=afterok:$jobid " + Quote(MergePath(job));

    /// <summary>Which shards to resubmit: `imblab status` on every shard store.</summary>
    public static string StatusCommand(SlurmJob job, string imblab) => imblab + " status " + ShardList(job);

    /// <summary>A word for bash: single-quoted unless it is plainly safe, a single quote written as '\''.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && SafeWordPattern().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Slurm job names: the study's name with anything but letters, digits, '.', '_' and '-' made '-'.</summary>
    public static string JobName(SlurmJob job) => "imblab-" + UnsafeNamePattern().Replace(job.StudyName, "-");

    private static void Header(StringBuilder text, SlurmJob job, string what)
    {
        text.Append("#!/bin/bash\n");
        text.Append("# ImbLab study '").Append(Comment(job.StudyName)).Append("' (id ").Append(job.StudyId).Append("), ")
            .Append(job.Runs).Append(" runs in ").Append(job.Shards).Append(" shards, written by `imblab slurm`. This job ").Append(Comment(what)).Append('\n');
        text.Append("# Every node must see the same files at the same paths (a shared file system, as on any cluster): this folder,\n");
        text.Append("# the working directory ").Append(Comment(job.WorkingDirectory)).Append(" and the data the study reads from it,\n");
        text.Append("# and the ImbLab build (").Append(Comment(string.Join(' ', job.Imblab))).Append("), which every task runs as is:\n");
        text.Append("# do not rebuild or move it until the merge has finished.\n");
        text.Append("# Submit: ").Append(Comment(SubmitCommand(job))).Append('\n');
        text.Append("# Failed tasks alone (imblab status names them), then the merge: ").Append(Comment(SubmitCommand(job, "2,4"))).Append('\n');
    }

    private static void Resources(StringBuilder text, SlurmJob job)
    {
        if (job.Partition is { } p) Directive(text, "--partition", p);
        if (job.Time is { } t) Directive(text, "--time", t);
        if (job.CpusPerTask is { } c) Directive(text, "--cpus-per-task", c.ToString(CultureInfo.InvariantCulture));
        if (job.Memory is { } m) Directive(text, "--mem", m.ToUpperInvariant());
    }

    /// <summary>An #SBATCH line; a value with a space is double-quoted, which sbatch's directive parser reads as one word.</summary>
    private static void Directive(StringBuilder text, string option, string value) =>
        text.Append("#SBATCH ").Append(option).Append('=').Append(value.Contains(' ', StringComparison.Ordinal) ? "\"" + value + "\"" : value).Append('\n');

    private static string Comment(string text) => text.ReplaceLineEndings(" ");

    [GeneratedRegex(@"^[A-Za-z0-9_./:+@,-]+$")]
    private static partial Regex SafeWordPattern();

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$")]
    private static partial Regex PartitionPattern();

    [GeneratedRegex(@"^(\d+(:\d+){0,2}|\d+-\d+(:\d+){0,2}|(?i:unlimited|infinite))$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^\d+[KMGTkmgt]?$")]
    private static partial Regex MemoryPattern();
}
