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
        return await ImbLabApp.RunAsync(args, AnsiConsole.Console, errors, cancellation.Token).ConfigureAwait(false);
    }
}
