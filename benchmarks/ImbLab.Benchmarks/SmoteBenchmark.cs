using System.Diagnostics;
using System.Globalization;
using ImbLab.Data.Resampling;
using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>
/// `smote [--repeats N]`: the time of one SMOTE fit (k = 5: neighbour search and the synthetic rows) on workload W's
/// training part (3339 rows, 33 minority, 8 features; 3273 synthetic rows), and, for scale, of the samplers' epoch
/// fill on W. Prints the median and best of N fits in wall and thread CPU time (the CPU time leaves out the time other
/// processes held the core on a shared machine).
/// </summary>
internal static class SmoteBenchmark
{
    public static int Run(string[] args)
    {
        var repeats = 31;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--repeats" && i + 1 < args.Length) repeats = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else
            {
                Console.Error.WriteLine($"unknown option '{args[i]}'; accepted: --repeats N");
                return 2;
            }
        }
        var w = new Workload();
        var minority = w.TrainY.Count(y => y == 1);
        var rows = 0;
        Time($"smote k=5 on W train ({Workload.TrainRows} rows, {minority} minority, {Workload.Features} features)", repeats,
            () => rows = Resampling.Smote(w.TrainX, Workload.Features, w.TrainY, 5, [], 1).Rows);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  -> {rows} rows ({rows - Workload.TrainRows} synthetic)"));
        Time("random over-sampling on W train", repeats, () => Resampling.RandomOver(w.TrainX, Workload.Features, w.TrainY, 1));
        Time("random under-sampling on W train", repeats, () => Resampling.RandomUnder(w.TrainX, Workload.Features, w.TrainY, 1));

        // A harder neighbour search for scale: W's features with a 10% minority (334 rows).
        var tenth = w.TrainY.Select((_, i) => i % 10 == 0 ? 1 : 0).ToArray();
        Time("smote k=5 on W features, 10% minority", repeats, () => Resampling.Smote(w.TrainX, Workload.Features, tenth, 5, [], 1));

        var counts = new[] { w.TrainY.Count(y => y == 0), minority };
        var order = new int[Workload.TrainRows];
        foreach (var (name, sampler) in new[]
        {
            ("reshuffled", BatchSamplers.Reshuffled), ("class-balanced", BatchSamplers.ClassBalanced), ("square-root", BatchSamplers.SquareRoot),
        })
        {
            var epoch = 0;
            Time($"epoch fill {name} (epochs 100..)", repeats, () => sampler.Fill(new SamplingFrame(w.TrainY, counts, Workload.BatchSize, 7), 100 + epoch++, order));
        }
        return 0;
    }

    private static void Time(string name, int repeats, Action action)
    {
        for (var i = 0; i < 3; i++) action();
        var wall = new double[repeats];
        var cpu = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var start = KernelProbe.ThreadCpuSeconds();
            var clock = Stopwatch.StartNew();
            action();
            wall[i] = clock.Elapsed.TotalMilliseconds;
            cpu[i] = (KernelProbe.ThreadCpuSeconds() - start) * 1e3;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-72} wall median {wall[repeats / 2],8:F3} ms best {wall[0],8:F3} ms | cpu median {cpu[repeats / 2],8:F3} ms best {cpu[0],8:F3} ms"));
    }
}
