namespace ImbLab.Core;

/// <summary>
/// A problem the user can fix (bad data, bad option, infeasible request), said in one line. Settings mentioned in it
/// (<see cref="Settings.Mention"/>) read as their study-file names in <see cref="Exception.Message"/>; the CLI renders
/// <see cref="Template"/> with its option names and chooses the exit code.
/// </summary>
public class ImbLabException : Exception
{
    public ImbLabException(string message, Exception? inner = null) : base(Settings.Render(message, s => s), inner) => Template = message;

    /// <summary>The message with its setting mentions unrendered.</summary>
    public string Template { get; }
}

/// <summary>A data file that cannot be read as asked. The message names the file, and the line and column when known.</summary>
public sealed class DataFileException : ImbLabException
{
    public DataFileException(string file, int? line, int? column, string problem, Exception? inner = null)
        : base(Format(file, line, column, problem), inner)
    {
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
    }

    public string File { get; }
    public int? Line { get; }
    public int? Column { get; }
    public string Problem { get; }

    private static string Format(string file, int? line, int? column, string problem)
    {
        var where = file;
        if (line is { } l) where += $":{l}";
        if (column is { } c) where += $":{c}";
        return $"{where}: {problem}";
    }
}

/// <summary>An option or argument that is malformed or out of range (the CLI's exit code 2).</summary>
public sealed class UsageException : ImbLabException
{
    public UsageException(string message) : base(message) { }

    /// <summary>A problem with one setting, named by its study-file field (e.g. <c>irs</c>); the CLI maps it to its option.</summary>
    public UsageException(string setting, string problem) : base($"{Settings.Mention(setting)}: {problem}") => Setting = setting;

    /// <summary>The study-file field the problem is about, when it is about one.</summary>
    public string? Setting { get; }
}

/// <summary>A request the data cannot satisfy, such as an imbalance ratio the class counts cannot reach.</summary>
public sealed class InfeasibleException : ImbLabException
{
    public InfeasibleException(string message) : base(message) { }
}
