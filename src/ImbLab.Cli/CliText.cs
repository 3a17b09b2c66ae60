using System.Globalization;

namespace ImbLab.Cli;

/// <summary>Words the CLI prints in hints and progress lines.</summary>
internal static class CliText
{
    public const string CommandVariable = "IMBLAB_COMMAND";

    /// <summary>
    /// How the user runs ImbLab, for hints ("see './imblab study --help'"): the repository's ./imblab script says so
    /// through <see cref="CommandVariable"/>; an installed tool is just imblab.
    /// </summary>
    public static string Command =>
        Environment.GetEnvironmentVariable(CommandVariable) is { Length: > 0 } command ? command.Trim() : "imblab";

    /// <summary>Hints from the layers below name the tool as 'imblab ...'; said the way the user runs it.</summary>
    public static string Hints(string message) =>
        Command == "imblab" ? message : message.Replace("'imblab ", "'" + Command + " ", StringComparison.Ordinal);

    /// <summary>A duration as people read it: 42s, 1m02s, 2h05m.</summary>
    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        var seconds = (long)Math.Round(t.TotalSeconds);
        return seconds switch
        {
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60:00}s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h{seconds / 60 % 60:00}m"),
        };
    }
}
