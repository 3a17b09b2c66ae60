using System.Diagnostics;
using System.Globalization;
using ImbLab.Study;
using ImbLab.Study.Running;
using Spectre.Console;

namespace ImbLab.Cli.Commands;

/// <summary>
/// Progress when stderr is not a terminal (CI, a pipe, a log file): a line each time another tenth of the epochs or
/// of the runs is done, and at least every <see cref="Quiet"/> otherwise, so a single long run still shows it moves.
/// Epochs are the unit of the estimate: runs of a study cost about the same per epoch.
/// </summary>
internal sealed class ProgressLines(IAnsiConsole errors, Func<TimeSpan> elapsed) : IProgress<StudyProgress>
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private int _lastRunTenth = -1;
    private long _lastEpochTenth = -1;
    private TimeSpan _lastLine = TimeSpan.MinValue;

    public ProgressLines(IAnsiConsole errors) : this(errors, StartClock())
    {
    }

    private static Func<TimeSpan> StartClock()
    {
        var clock = Stopwatch.StartNew();
        return () => clock.Elapsed;
    }

    public void Report(StudyProgress value)
    {
        if (value.RunsToDo == 0) return;
        lock (_lock)
        {
            var now = elapsed();
            var runTenth = value.RunsDone * 10 / value.RunsToDo;
            var epochTenth = value.EpochsToDo == 0 ? 10 : value.EpochsDone * 10 / value.EpochsToDo;
            if (runTenth == _lastRunTenth && epochTenth == _lastEpochTenth && now - _lastLine < Quiet) return;
            _lastRunTenth = runTenth;
            _lastEpochTenth = epochTenth;
            _lastLine = now;
            errors.WriteLine(Line(value, now));
        }
    }

    public static string Line(StudyProgress value, TimeSpan elapsed)
    {
        var left = value.EpochsDone == 0 ? "time left not known yet"
            : value.EpochsDone >= value.EpochsToDo ? "done"
            : "about " + CliText.Duration(elapsed * ((double)(value.EpochsToDo - value.EpochsDone) / value.EpochsDone)) + " left";
        var percent = value.EpochsToDo == 0 ? 100 : 100.0 * value.EpochsDone / value.EpochsToDo;
        return string.Create(CultureInfo.InvariantCulture,
            $"runs {value.RunsDone}/{value.RunsToDo} done, epochs {value.EpochsDone}/{value.EpochsToDo} ({percent:F0}%), elapsed {CliText.Duration(elapsed)}, {left}");
    }
}

/// <summary>Says when each phase after training starts and how long it took, so the minutes after the progress bar are not silent.</summary>
internal sealed class PhaseClock(IAnsiConsole errors)
{
    private readonly Stopwatch _clock = new();
    private StudyPhase? _current;

    public void Start(StudyPhase phase)
    {
        Finish();
        _current = phase;
        _clock.Restart();
        errors.MarkupLine($"[grey]{Doing(phase)}...[/]");
    }

    /// <summary>Ends the phase in progress, if any, with its elapsed time.</summary>
    public void Finish()
    {
        if (_current is not { } phase) return;
        _current = null;
        var seconds = _clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        errors.MarkupLine($"[grey]{Done(phase)} in {seconds} s[/]");
    }

    private static string Doing(StudyPhase phase) => phase switch
    {
        StudyPhase.Summary => "reading the study back from the store",
        StudyPhase.Findings => "stating the findings",
        _ => "writing the report",
    };

    private static string Done(StudyPhase phase) => phase switch
    {
        StudyPhase.Summary => "read the study back",
        StudyPhase.Findings => "stated the findings",
        _ => "wrote the report",
    };
}
