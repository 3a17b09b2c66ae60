using System.Diagnostics;
using System.Globalization;
using ImbLab.Report;
using ImbLab.Store;

namespace ImbLab.Benchmarks;

/// <summary>
/// `report STORE [--png] [--repeats N]`: where the time of `imblab report` goes, in one process: loading the study,
/// building the report's model, drawing the first figure (which pays the plotting library's one-time start-up: Skia,
/// the typeface), drawing them all and composing the page, writing the files. The first round is what a `report` command
/// pays; later rounds show the same work warm. Wall and process CPU time (all threads) per phase, and the part of it
/// the JIT compiler took (on any thread).
/// </summary>
internal static class ReportBenchmark
{
    public static int Run(string[] args)
    {
        string? store = null;
        var png = false;
        var repeats = 3;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--png") png = true;
            else if (args[i] == "--repeats" && i + 1 < args.Length) repeats = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (store is null && !args[i].StartsWith('-')) store = args[i];
            else
            {
                Console.Error.WriteLine($"unknown option '{args[i]}'; accepted: STORE [--png] [--repeats N]");
                return 2;
            }
        }
        if (store is null || !File.Exists(store))
        {
            Console.Error.WriteLine($"report: give the store of a finished study (found: {store ?? "nothing"})");
            return 2;
        }
        var outDir = Directory.CreateTempSubdirectory("imblab-report-bench-").FullName;
        try
        {
            for (var round = 1; round <= repeats; round++) Round(store, Path.Combine(outDir, "report.html"), png, round);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
        return 0;
    }

    private static void Round(string store, string html, bool png, int round)
    {
        var phases = new List<(string Name, double Wall, double Cpu, double Jit)>();
        T Phase<T>(string name, Func<T> work)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var clock = Stopwatch.StartNew();
            var result = work();
            phases.Add((name, clock.Elapsed.TotalMilliseconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds,
                (System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds));
            return result;
        }

        using var data = Phase("load (StudyStore.Load)", () => StudyStore.Load(store, null));
        var options = new ReportOptions { Png = png };
        var model = Phase("model (ReportModel.Build)", () => ReportModel.Build(data, data.Findings, options));
        var figures = model.Figures.ToList();
        Phase("first figure (start-up)", () => FigureRender.Render("f0", figures[0].Chart, figures[0].Width, figures[0].Height, "f0_", png));
        var (page, rendered) = Phase($"render (all {figures.Count} figures and the page)", () => ReportRenderer.Render(model));
        Phase("write the files", () => ReportWriter.WriteFiles(html, page, rendered));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}{(round == 1 ? " (cold: what one `imblab report` pays)" : " (warm)")}:"));
        foreach (var (name, wall, cpu, jit) in phases)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-52} {wall,8:F0} ms wall {cpu,8:F0} ms CPU (of which JIT {jit,5:F0} ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"total",-52} {phases.Sum(p => p.Wall),8:F0} ms wall {phases.Sum(p => p.Cpu),8:F0} ms CPU (of which JIT {phases.Sum(p => p.Jit),5:F0} ms)"));
    }
}
