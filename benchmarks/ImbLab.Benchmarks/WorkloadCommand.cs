using System.Diagnostics;
using System.Globalization;
using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>`w [--models N] [--threads T] [--epochs E] [--kernels intrinsics|vector|scalar]`: times workload W end to end and prints ms/epoch/model.</summary>
internal static class WorkloadCommand
{
    public static int Run(string[] args)
    {
        int models = 1, threads = 1, epochs = 50;
        var path = KernelPath.Intrinsics;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--models": models = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--kernels": path = Enum.Parse<KernelPath>(args[++i], ignoreCase: true); break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'; accepted: --models N, --threads T, --epochs E, --kernels intrinsics|vector|scalar");
                    return 2;
            }
        }
        var w = new Workload();
        // Warm-up so every kernel runs tier-1 code in the timed run.
        var warm = Enumerable.Range(0, Math.Max(threads, 1)).Select(s => WithKernels(w.Job(100 + s, 3), path)).ToArray();
        LockstepTrainer.Train(warm, threads, CancellationToken.None);

        var jobs = Enumerable.Range(0, models).Select(s => WithKernels(w.Job(s, epochs), path)).ToArray();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        LockstepTrainer.Train(jobs, threads, CancellationToken.None);
        clock.Stop();
        process.Refresh();
        // CPU time is the steadier number on a shared machine: it excludes time other processes held our cores.
        var cpuPerEpochModel = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / epochs / models;
        var perEpochModel = clock.Elapsed.TotalMilliseconds / epochs / models;
        var recall = ((Workload.EvaluatingObserver)jobs[0].Observer).LastMinorityRecall;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W engine=imblab-{Kernels.Resolve(path).ToString().ToLowerInvariant()} models={models} threads={threads} epochs={epochs} total_s={clock.Elapsed.TotalSeconds:F3} ms_per_epoch_per_model={perEpochModel:F3} cpu_ms_per_epoch_per_model={cpuPerEpochModel:F3} minority_test_recall={recall:F3}"));
        return 0;
    }

    private static TrainingJob WithKernels(TrainingJob job, KernelPath path)
    {
        job.Model.KernelPath = path;
        return job;
    }
}
