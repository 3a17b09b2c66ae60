using ImbLab.Cli.Commands;
using ImbLab.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ImbLab.Cli;

/// <summary>
/// The command-line application. The one place that turns exceptions into a readable line and an exit code:
/// 0 ok, 1 data or user error, 2 usage, 130 interrupted. A stack trace is shown only with --verbose.
/// </summary>
internal static class ImbLabApp
{
    public const int Ok = 0;
    public const int DataError = 1;
    public const int UsageError = 2;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, IAnsiConsole errors, CancellationToken cancellationToken)
    {
        var verbose = args.Contains("--verbose");
        args = args.Where(a => a != "--verbose").ToArray();
        var registrar = new Registrar();
        registrar.RegisterInstance(typeof(IAnsiConsole), console);
        registrar.RegisterInstance(typeof(ErrorConsole), new ErrorConsole(errors));
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("imblab");
            config.SetApplicationVersion(Core.ImbLabInfo.Version);
            config.Settings.Console = console;
            config.PropagateExceptions();
            config.Settings.StrictParsing = true;
            config.AddCommand<StudyCommand>("study")
                .WithDescription("Run a study: datasets x protocols x imbalance ratios x seeds, into a resumable SQLite store.")
                .WithExample("study")
                .WithExample("study", "--data", "abalone19.dat", "--protocol", "subsample-minority,fixed-n", "--ir", "130,200,400", "--seeds", "5");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train one model and print its per-epoch, per-class learning curves.")
                .WithExample("train", "--data", "pima.dat", "--protocol", "subsample-minority", "--ir", "20", "--epochs", "50");
            config.AddBranch("datasets", branch =>
            {
                branch.SetDescription("Inspect dataset files.");
                branch.AddCommand<DatasetsShowCommand>("show")
                    .WithDescription("Rows, attributes, class counts, IR and input-space silhouette of a file; for a folder, the dataset table (one row per dataset).");
            });
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Compute ImbLab's metrics from a CSV of true labels and scores (of the greater label, or --score-class) or per-class probabilities.");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Export every table of a store (runs, metrics, gradients, representations, findings, dynamics, samples) as CSV or Parquet.");
            config.AddCommand<FindingsCommand>("findings").WithDescription("Test the study's claims on a store: a verdict per finding, with effects and intervals across seeds.");
            config.AddCommand<DynamicsCommand>("dynamics").WithDescription("Per-sample learning dynamics (learned epoch, forgetting, cartography, AUM) per class and split.");
            config.AddCommand<MergeCommand>("merge")
                .WithDescription("Merge stores of one study (its shards) into one store, then state the findings and write the report of the whole study.")
                .WithExample("merge", "results/merged.db", "results/shard-1.db", "results/shard-2.db");
            config.AddCommand<StatusCommand>("status")
                .WithDescription("Which runs of a study's plan are finished, in flight or missing across its stores, and which shards to resubmit.")
                .WithExample("status", "results/shard-1.db", "results/shard-2.db");
            config.AddCommand<SlurmCommand>("slurm")
                .WithDescription("Write Slurm scripts for a study: a job array with one shard per task, and a merge job after it; print the sbatch commands (--submit runs them).")
                .WithExample("slurm", "--config", "study.json", "--shards", "8", "--out", "cluster", "--cpus-per-task", "4", "--time", "2:00:00");
            config.AddCommand<ReportCommand>("report").WithDescription("Write a study's self-contained HTML report, with every figure as SVG beside it (and PNG with --png).");
            config.AddCommand<CompareCommand>("compare").WithDescription("Two studies (two stores, or two studies of one store) side by side: curves overlaid and findings in one HTML page.");
        });

        try
        {
            RefuseNamelessOptions(args);
            return await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            errors.MarkupLine("[yellow]interrupted:[/] finished runs are kept in the store; run the same command again to resume.");
            return Interrupted;
        }
        catch (ImbLabException e)
        {
            Report(errors, CliText.Hints(OptionNames.Render(e)), e, verbose);
            return e is UsageException ? UsageError : DataError;
        }
        catch (CommandAppException e)
        {
            // Parsing and option-validation problems: the caller's usage, exit 2, said in one line with where to look.
            var help = Help(args);
            errors.MarkupLine($"[red]error:[/] {Markup.Escape(OptionSuggestions.Explain(e.Message, args))} [grey](see '{Markup.Escape(help)}')[/]");
            if (verbose) errors.WriteException(e);
            return UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(errors, e.Message, e, verbose);
            return DataError;
        }
        catch (Exception e)
        {
            errors.MarkupLine($"[red]internal error:[/] {Markup.Escape(e.GetType().Name + ": " + e.Message)}");
            if (verbose) errors.WriteException(e);
            else errors.MarkupLine("[grey]rerun with --verbose for the stack trace, and please report it[/]");
            return DataError;
        }
    }

    /// <summary>
    /// A long option with no name ("--=5", "--:x") makes Spectre's tokenizer index past its array; it is the user's
    /// usage, so it is refused here in one line before the parser sees it.
    /// </summary>
    private static void RefuseNamelessOptions(string[] args)
    {
        foreach (var arg in args)
            if (arg.Length > 2 && arg.StartsWith("--", StringComparison.Ordinal) && arg[2] is ':' or '=')
                throw new UsageException($"'{arg}': the option name is missing before '{arg[2]}'; accepted: --name value or --name=value (e.g. --epochs=50)");
    }

    /// <summary>The help of the command the user typed, or of the tool.</summary>
    private static string Help(string[] args)
    {
        string[] commands = ["study", "train", "datasets", "evaluate", "export", "findings", "dynamics", "report", "compare", "merge", "status", "slurm"];
        var first = args.FirstOrDefault();
        var command = first is null || !commands.Contains(first) ? ""
            : first == "datasets" && args.Length > 1 && args[1] == "show" ? "datasets show "
            : first + " ";
        return $"{CliText.Command} {command}--help";
    }

    private static void Report(IAnsiConsole errors, string message, Exception e, bool verbose)
    {
        errors.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        if (verbose) errors.WriteException(e);
    }
}

/// <summary>Standard error, for progress and messages, so stdout holds only results (tables or --json).</summary>
internal sealed record ErrorConsole(IAnsiConsole Console);
