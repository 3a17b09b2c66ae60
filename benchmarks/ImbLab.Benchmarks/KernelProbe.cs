using System.Diagnostics;
using System.Globalization;
using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>`kernels`: quick best-of-N timing of the hot kernels in GFLOP/s (for tuning on a noisy shared machine).</summary>
internal static unsafe class KernelProbe
{
    public static int Run()
    {
        var b = new KernelBenchmarks();
        b.Setup();
        var w = new WorkloadBenchmarks();
        w.Setup();
        Report("forward 32x64x64 relu", 2.0 * 32 * 64 * 64, b.Forward);
        Report("dW 64x64 k=32", 2.0 * 32 * 64 * 64, b.WeightGradient);
        Report("dX 32x64 k=64 mask", 2.0 * 32 * 64 * 64, b.InputGradient);
        Report("adam 4096", 4096, b.Adam);
        Report("train step W", 2.0 * 32 * 8832 * 3, () => w.Step());
        Report("eval 4174 rows W", 2.0 * 4174 * 8832, w.Evaluate, 200);
        return 0;
    }

    private static void Report(string name, double flops, Action action, int calls = 20000)
    {
        for (var i = 0; i < calls / 10; i++) action();
        var best = double.MaxValue;
        for (var rep = 0; rep < 7; rep++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls / 10; i++) action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds / (calls / 10));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-24} {best * 1e6,9:F3} us  {flops / best / 1e9,7:F1} GFLOP/s"));
    }
}
