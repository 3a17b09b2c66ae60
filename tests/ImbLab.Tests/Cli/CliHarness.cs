using ImbLab.Cli;
using Spectre.Console;

namespace ImbLab.Tests.Cli;

/// <summary>Runs the whole CLI in memory with captured stdout and stderr, as a user would, minus the process.</summary>
internal static class CliHarness
{
    public static (int Exit, string Out, string Err) Run(params string[] args) => Run(CancellationToken.None, args);

    public static (int Exit, string Out, string Err) Run(CancellationToken token, params string[] args)
    {
        var outWriter = new StringWriter();
        var errWriter = new StringWriter();
        var exit = ImbLabApp.RunAsync(args, Console(outWriter), Console(errWriter), token).GetAwaiter().GetResult();
        return (exit, outWriter.ToString(), errWriter.ToString());
    }

    private static IAnsiConsole Console(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 240;
        return console;
    }
}
