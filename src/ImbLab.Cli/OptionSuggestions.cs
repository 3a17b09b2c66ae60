using System.Reflection;
using System.Text.RegularExpressions;
using ImbLab.Cli.Commands;
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
        var best = options.Select(o => (Option: o, Distance: Distance(name, o))).OrderBy(x => x.Distance).ThenBy(x => x.Option, StringComparer.Ordinal).FirstOrDefault();
        // A third of the name may be wrong; beyond that the nearest option is a guess, not a correction.
        return best.Option is not null && best.Distance <= Math.Max(2, name.Length / 3) ? "--" + best.Option : null;
    }

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"^Unknown option '([^']+)'")]
    private static partial Regex UnknownOption();
}
