using System.Diagnostics;
using System.Globalization;
using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Study.Running;

namespace ImbLab.Benchmarks;

/// <summary>`w [--models N] [--threads T] [--epochs E] [--kernels intrinsics|vector|scalar]`: times workload W end to end and prints ms/epoch/model.</summary>
internal static class WorkloadCommand
{
    public static int Run(string[] args)
    {
        int models = 1, threads = 1, epochs = 50;
        var path = KernelPath.Intrinsics;
        var monitor = Monitor.Forward;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--models": models = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--kernels": path = Enum.Parse<KernelPath>(args[++i], ignoreCase: true); break;
                case "--monitor": monitor = Enum.Parse<Monitor>(args[++i], ignoreCase: true); break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'; accepted: --models N, --threads T, --epochs E, --kernels intrinsics|vector|scalar, --monitor forward|metrics|samples");
                    return 2;
            }
        }
        var w = new Workload();
        // Warm-up so every kernel runs tier-1 code in the timed run.
        var warm = Enumerable.Range(0, Math.Max(threads, 1)).Select(s => Prepare(w, 100 + s, 3, path, monitor)).ToArray();
        LockstepTrainer.Train(warm, threads, CancellationToken.None);

        var jobs = Enumerable.Range(0, models).Select(s => Prepare(w, s, epochs, path, monitor)).ToArray();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        LockstepTrainer.Train(jobs, threads, CancellationToken.None);
        clock.Stop();
        process.Refresh();
        // CPU time is the steadier number on a shared machine: it excludes time other processes held our cores.
        var cpuPerEpochModel = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / epochs / models;
        var perEpochModel = clock.Elapsed.TotalMilliseconds / epochs / models;
        var recall = jobs[0].Observer is Workload.EvaluatingObserver e ? e.LastMinorityRecall
            : ((RunMonitor)jobs[0].Observer).Records.Metrics.Last(m => m.Split == RunMonitor.Test && m.Class == 1 && m.Metric == "recall").Value;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W engine=imblab-{Kernels.Resolve(path).ToString().ToLowerInvariant()} monitor={monitor.ToString().ToLowerInvariant()} models={models} threads={threads} epochs={epochs} total_s={clock.Elapsed.TotalSeconds:F3} ms_per_epoch_per_model={perEpochModel:F3} cpu_ms_per_epoch_per_model={cpuPerEpochModel:F3} minority_test_recall={recall:F3}"));
        return 0;
    }

    /// <summary>forward: predict every row at each epoch end (the engine's share of monitoring); metrics: the real
    /// monitor with every per-class and overall metric; samples: the real monitor recording per-sample signals too.</summary>
    private enum Monitor { Forward, Metrics, Samples }

    private static TrainingJob Prepare(Workload w, int seed, int epochs, KernelPath path, Monitor monitor)
    {
        var job = w.Job(seed, epochs);
        job.Model.KernelPath = path;
        if (monitor == Monitor.Forward) return job;
        var train = new EncodedSet(w.TrainX, Workload.Features, w.TrainY, 2, Enumerable.Range(0, Workload.TrainRows).ToArray());
        var test = new EncodedSet(w.TestX, Workload.Features, w.TestY, 2, Enumerable.Range(0, Workload.TestRows).ToArray());
        var observer = new RunMonitor($"w{seed}", train, test, positiveClass: 1, recordSamples: monitor == Monitor.Samples, epochs,
            Workload.BatchSize, onFinished: _ => { });
        return job with { Observer = observer };
    }
}
