using System.Reflection;
using System.Text.RegularExpressions;
using ImbLab.Cli.Commands;
using ImbLab.Core;
using Spectre.Console.Cli;

namespace ImbLab.Cli;

/// <summary>"Did you mean --epochs?" for a mistyped option: the command's closest option by edit distance.</summary>
internal static partial class OptionSuggestions
{
    /// <summary>Each command's words and its settings, whose [CommandOption] attributes are its options.</summary>
    private static readonly (string[] Words, Type Settings)[] Commands =
    [
        (["study"], typeof(StudySettings)),
        (["train"], typeof(TrainSettings)),
        (["datasets", "show"], typeof(DatasetsShowSettings)),
        (["evaluate"], typeof(EvaluateSettings)),
        (["export"], typeof(ExportSettings)),
        (["findings"], typeof(StoreStudySettings)),
        (["dynamics"], typeof(DynamicsSettings)),
        (["report"], typeof(ReportSettings)),
    ];

    /// <summary>Spectre's message with a suggestion added when it is about an unknown option of a known command.</summary>
    public static string Explain(string message, IReadOnlyList<string> args)
    {
        var match = UnknownOption().Match(message);
        if (!match.Success) return message;
        var suggestion = Closest(match.Groups[1].Value, args);
        return suggestion is null ? message : $"{message.TrimEnd('.')}; did you mean {suggestion}?";
    }

    /// <summary>The closest option of the command in <paramref name="args"/>, or null when none is close enough to be a typo.</summary>
    public static string? Closest(string unknown, IReadOnlyList<string> args)
    {
        var settings = Commands.FirstOrDefault(c => args.Count >= c.Words.Length && c.Words.SequenceEqual(args.Take(c.Words.Length), StringComparer.Ordinal)).Settings;
        if (settings is null) return null;
        var name = unknown.TrimStart('-');
        var options = settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>()).OfType<CommandOptionAttribute>()
            .SelectMany(a => a.LongNames).Distinct(StringComparer.Ordinal);
        return Typos.Nearest(name, options) is { } near ? "--" + near : null;
    }

    [GeneratedRegex(@"^Unknown option '([^']+)'")]
    private static partial Regex UnknownOption();
}
