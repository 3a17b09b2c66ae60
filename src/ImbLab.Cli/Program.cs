using Spectre.Console;

namespace ImbLab.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C asks for a clean stop (finished runs are already stored); a second one kills.
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var output = AnsiConsole.Console;
        // Redirected output has no terminal width; Spectre would assume 80 columns and fold every table.
        if (Console.IsOutputRedirected) output.Profile.Width = 160;
        // An error is one line, however narrow: never fold it when stderr goes to a file or a pipe.
        if (Console.IsErrorRedirected) errors.Profile.Width = 4096;
        return await ImbLabApp.RunAsync(args, output, errors, cancellation.Token).ConfigureAwait(false);
    }
}
