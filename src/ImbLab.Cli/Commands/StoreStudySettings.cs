using System.ComponentModel;
using Spectre.Console.Cli;

namespace ImbLab.Cli.Commands;

/// <summary>Options of the commands that read one study of a store: findings, dynamics, report.</summary>
internal class StoreStudySettings : CommandSettings
{
    [CommandArgument(0, "<STORE>")]
    [Description("The SQLite store (e.g. imblab-results/imblab.db).")]
    public string Store { get; init; } = "";

    [CommandOption("--study <ID>")]
    [Description("The study id (or a unique prefix); default: the most recently updated study in the store.")]
    public string? Study { get; init; }

    [CommandOption("--json")]
    [Description("Print results as JSON instead of tables. Default: tables.")]
    public bool Json { get; init; }
}
