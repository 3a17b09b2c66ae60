using System.Diagnostics;
using System.Globalization;
using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Study.Running;
using ImbLab.Core.Specs;

namespace ImbLab.Benchmarks;

/// <summary>`w [--models N] [--threads T] [--epochs E] [--kernels intrinsics|vector|scalar] [--remedy none|mixup|remix|pcngd|crt] [--sampler NAME] [--loss NAME]`: times workload W end to end and prints ms/epoch/model.</summary>
internal static class WorkloadCommand
{
    public static int Run(string[] args)
    {
        int models = 1, threads = 1, epochs = 50;
        var path = KernelPath.Intrinsics;
        var monitor = Monitor.Forward;
        var probes = Probes.None;
        var gradientEpochs = "all";
        var lossName = "none";
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--models": models = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--kernels": path = Enum.Parse<KernelPath>(args[++i], ignoreCase: true); break;
                case "--monitor": monitor = Enum.Parse<Monitor>(args[++i].Replace("-", "", StringComparison.Ordinal), ignoreCase: true); break;
                case "--representation-rows": Diagnostics = Diagnostics with { RepresentationRows = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--no-gradients": Diagnostics = Diagnostics with { Gradients = false }; break;
                case "--no-representations": Diagnostics = Diagnostics with { Representations = false }; break;
                case "--probe": probes = Enum.Parse<Probes>(args[++i], ignoreCase: true); break;
                case "--gradient-epochs": gradientEpochs = args[++i]; break;
                case "--remedy": Remedy = Enum.Parse<TrainingRemedy>(args[++i], ignoreCase: true); break;
                case "--sampler": Sampler = SamplerNamed(args[++i]); break;
                case "--loss": lossName = args[++i]; break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'; accepted: --models N, --threads T, --epochs E, --kernels intrinsics|vector|scalar, " +
                        "--monitor forward|metrics|samples, --probe batch,gradients,hidden, --gradient-epochs all|log|N, --remedy none|mixup|remix|pcngd|crt, " +
                        "--sampler reshuffled|balanced|sqrt, --loss " + LossOption.Accepted.Replace(", ", "|", StringComparison.Ordinal));
                    return 2;
            }
        }
        var w = new Workload();
        var counts = new int[2];
        foreach (var y in w.TrainY) counts[y]++;
        Func<ILoss> loss;
        try
        {
            loss = LossOption.Maker(lossName, counts, epochs);
        }
        catch (ArgumentException problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 2;
        }
        // Warm-up so every kernel runs tier-1 code in the timed run; a deferred loss switches at epoch 2 of the 3, so both its losses run.
        var gradientEpoch = GradientSchedule(gradientEpochs);
        var warmLoss = LossOption.Maker(lossName, counts, 3);
        var warm = Enumerable.Range(0, Math.Max(threads, 1)).Select(s => Prepare(w, 100 + s, 3, path, monitor, probes, gradientEpoch) with { Loss = warmLoss() }).ToArray();
        LockstepTrainer.Train(warm, threads, CancellationToken.None);

        var jobs = Enumerable.Range(0, models).Select(s => Prepare(w, s, epochs, path, monitor, probes, gradientEpoch) with { Loss = loss() }).ToArray();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        LockstepTrainer.Train(jobs, threads, CancellationToken.None);
        clock.Stop();
        process.Refresh();
        // CPU time is the steadier number on a shared machine: it excludes time other processes held our cores.
        var cpuPerEpochModel = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / epochs / models;
        var perEpochModel = clock.Elapsed.TotalMilliseconds / epochs / models;
        var observer = jobs[0].Observer;
        var probe = ProbeObserver.Of(observer);
        var recall = observer is Workload.EvaluatingObserver e ? e.LastMinorityRecall
            : probe is { Inner: null } ? probe.LastMinorityRecall
            : ((probe?.Inner ?? observer) is PresentedSignals presented ? presented.Monitor : (RunMonitor)(probe?.Inner ?? observer)).Records.Metrics.Last(m => m.Split == ImbLab.Core.Results.Splits.Test && m.Class == 1 && m.Metric == "recall").Value;
        var probeText = probe is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $" probe={probes.ToString().Replace(", ", ",", StringComparison.Ordinal).ToLowerInvariant()} gradient_epochs={gradientEpochs} gradient_computations={probe.GradientComputations}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W engine=imblab-{Kernels.Resolve(path).ToString().ToLowerInvariant()} loss={lossName} monitor={monitor.ToString().ToLowerInvariant()}{(Remedy == TrainingRemedy.None ? "" : $" remedy={Remedy.ToString().ToLowerInvariant()}")}{probeText} sampler={SamplerName} models={models} threads={threads} epochs={epochs} total_s={clock.Elapsed.TotalSeconds:F3} ms_per_epoch_per_model={perEpochModel:F3} cpu_ms_per_epoch_per_model={cpuPerEpochModel:F3} minority_test_recall={recall:F3}"));
        if ((probes & Probes.Gradients) != 0) Console.WriteLine(TimeGradientProbe(w, jobs[0].Model, path));
        if ((probes & Probes.Batch) != 0) Console.WriteLine(TimeBatchObserver(w, path));
        if (Remedy != TrainingRemedy.None) Console.WriteLine(TimeRemedyStep(w, path));
        if (lossName != "none") Console.WriteLine(TimeLossStep(w, path, lossName, loss));
        return 0;
    }

    /// <summary>
    /// One training step of W (batch 32) with plain cross-entropy and with the loss: each repetition trains a fresh
    /// model for one epoch's steps both ways, alternating; best of 30, thread CPU time (steadier than the epoch's CPU
    /// time on a loaded machine). The loss is made at epoch 0 of the job, so a deferred loss runs its first part.
    /// </summary>
    private static string TimeLossStep(Workload w, KernelPath path, string name, Func<ILoss> loss)
    {
        var rows = Enumerable.Range(0, Workload.TrainRows).ToArray();
        const int Steps = Workload.TrainRows / Workload.BatchSize;
        double plain = double.MaxValue, remedied = double.MaxValue;
        for (var rep = 0; rep < 30; rep++)
        {
            foreach (var withLoss in new[] { false, true })
            {
                var trainer = new MlpTrainer(new Mlp(Workload.Shape, 1) { KernelPath = path }, new OptimizerSettings(), Workload.BatchSize,
                    withLoss ? loss() : Losses.CrossEntropy);
                var before = KernelProbe.ThreadCpuSeconds();
                for (var s = 0; s < Steps; s++) trainer.StepOnRows(w.TrainX, w.TrainY, rows.AsSpan(s * Workload.BatchSize, Workload.BatchSize), null, 0);
                var seconds = (KernelProbe.ThreadCpuSeconds() - before) / Steps;
                if (withLoss) remedied = Math.Min(remedied, seconds);
                else plain = Math.Min(plain, seconds);
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"StepOnRows batch=32 loss=none best_cpu_us={plain * 1e6:F2}; loss={name} best_cpu_us={remedied * 1e6:F2} ({(remedied - plain) / plain * 100:+0.0;-0.0}%)");
    }

    /// <summary>all: every epoch end (incl. epoch 0); log: epochs 0, 1, 2, 4, 8, ...; N: every N-th epoch (0, N, 2N, ...).</summary>
    private static Func<int, bool> GradientSchedule(string text) => text switch
    {
        "all" => _ => true,
        "log" => e => e == 0 || (e & (e - 1)) == 0,
        _ when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => e => e % n == 0,
        _ => throw new ArgumentException($"--gradient-epochs is '{text}'; accepted: all, log, or a whole number of epochs > 0"),
    };

    /// <summary>One ClassGradientProbe.Compute over W's training rows on the trained model, per chunk size: best of 30, thread CPU time.</summary>
    private static string TimeGradientProbe(Workload w, Mlp model, KernelPath path)
    {
        model.KernelPath = path;
        var logits = new float[Workload.TrainRows * 2];
        var text = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Predict rows={Workload.TrainRows} best_cpu_ms={BestCpuMs(() => model.Predict(w.TrainX, Workload.TrainRows, logits)):F3}"));
        foreach (var chunk in new[] { 32, 64, ClassGradientProbe.DefaultChunkRows, 256, 512 })
        {
            var probe = new ClassGradientProbe(Workload.Shape, chunk);
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"; ClassGradientProbe.Compute chunk={chunk} best_cpu_ms={BestCpuMs(() => probe.Compute(model, w.TrainX, w.TrainY, Workload.TrainRows, logits)):F3}"));
        }
        return text.ToString();
    }

    /// <summary>
    /// One training step of W (batch 32) with and without the batch probe: each repetition trains a fresh model for one
    /// epoch's steps both ways, alternating (the step's cost drifts as training goes on); best of 30, thread CPU time.
    /// </summary>
    private static string TimeBatchObserver(Workload w, KernelPath path)
    {
        var observer = (IBatchObserver)new ProbeObserver(w, null, Probes.Batch, _ => false).AsJobObserver();
        var rows = Enumerable.Range(0, Workload.TrainRows).ToArray();
        const int Steps = Workload.TrainRows / Workload.BatchSize;
        double plain = double.MaxValue, observed = double.MaxValue;
        for (var rep = 0; rep < 30; rep++)
        {
            foreach (var withProbe in new[] { false, true })
            {
                var trainer = new MlpTrainer(new Mlp(Workload.Shape, 1) { KernelPath = path }, new OptimizerSettings(), Workload.BatchSize);
                var before = KernelProbe.ThreadCpuSeconds();
                for (var s = 0; s < Steps; s++)
                    trainer.StepOnRows(w.TrainX, w.TrainY, rows.AsSpan(s * Workload.BatchSize, Workload.BatchSize), withProbe ? observer : null, 0);
                var seconds = (KernelProbe.ThreadCpuSeconds() - before) / Steps;
                if (withProbe) observed = Math.Min(observed, seconds);
                else plain = Math.Min(plain, seconds);
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"StepOnRows batch=32 best_cpu_us={plain * 1e6:F2}; with the batch probe best_cpu_us={observed * 1e6:F2} ({(observed - plain) / plain * 100:+0.0;-0.0}%)");
    }

    /// <summary>
    /// One W training step (batch 32) plain and with the remedy (mixup/remix: the batch's draw and the mixed step; PCNGD: the
    /// per-class step; cRT: a step of output-layer training): each repetition trains a fresh model for one epoch's steps both
    /// ways, alternating; best of 30, thread CPU time. Steadier than the end-to-end times on a loaded machine.
    /// </summary>
    private static string TimeRemedyStep(Workload w, KernelPath path)
    {
        var rows = Enumerable.Range(0, Workload.TrainRows).ToArray();
        const int Steps = Workload.TrainRows / Workload.BatchSize;
        var counts = new int[2];
        foreach (var y in w.TrainY) counts[y]++;
        var mixer = new BatchMixer(new BatchMixing(Remedy == TrainingRemedy.Remix ? MixingKind.Remix : MixingKind.Mixup), 1, counts);
        double plain = double.MaxValue, remedy = double.MaxValue;
        for (var rep = 0; rep < 30; rep++)
        {
            foreach (var withRemedy in new[] { false, true })
            {
                var trainer = new MlpTrainer(new Mlp(Workload.Shape, 1) { KernelPath = path }, new OptimizerSettings(), Workload.BatchSize);
                if (withRemedy && Remedy == TrainingRemedy.Crt) trainer.BeginClassifierRetraining(new OptimizerSettings(), 2);
                var before = KernelProbe.ThreadCpuSeconds();
                for (var s = 0; s < Steps; s++)
                {
                    var batch = rows.AsSpan(s * Workload.BatchSize, Workload.BatchSize);
                    if (!withRemedy || Remedy == TrainingRemedy.Crt) trainer.StepOnRows(w.TrainX, w.TrainY, batch, null, 0);
                    else if (Remedy == TrainingRemedy.Pcngd) trainer.StepOnRowsPerClassNormalised(w.TrainX, w.TrainY, batch, null, 0);
                    else
                    {
                        mixer.Draw(s, batch, w.TrainY);
                        trainer.StepOnMixedRows(w.TrainX, w.TrainY, batch, mixer.Partners, mixer.Lambda, mixer.Shares, 0);
                    }
                }
                var seconds = (KernelProbe.ThreadCpuSeconds() - before) / Steps;
                if (withRemedy) remedy = Math.Min(remedy, seconds);
                else plain = Math.Min(plain, seconds);
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"StepOnRows batch=32 best_cpu_us={plain * 1e6:F2}; {Remedy.ToString().ToLowerInvariant()} step best_cpu_us={remedy * 1e6:F2} ({(remedy - plain) / plain * 100:+0.0;-0.0}%)");
    }

    private static double BestCpuMs(Action action)
    {
        for (var i = 0; i < 5; i++) action();
        var best = double.MaxValue;
        for (var i = 0; i < 30; i++)
        {
            var before = KernelProbe.ThreadCpuSeconds();
            action();
            best = Math.Min(best, KernelProbe.ThreadCpuSeconds() - before);
        }
        return best * 1e3;
    }

    /// <summary>forward: predict every row at each epoch end (the engine's share of monitoring); metrics: the real
    /// monitor with every per-class and overall metric; samples: the real monitor recording per-sample signals too;
    /// full: everything a study records by default (samples, per-class gradients on the log schedule, representation
    /// separability at log-spaced epochs); full-every: the same with gradients at every epoch; full-training: full plus
    /// the training-mode per-sample signals.</summary>
    private enum Monitor { Forward, Metrics, Samples, Full, FullEvery, FullTraining }

    /// <summary>
    /// The training-loop remedies on W (issue 9): mixup and remix (alpha 1), PCNGD, and cRT, which times only the re-training
    /// phase (0 ordinary epochs, then E epochs of output-layer training on reshuffled batches), so ms per epoch is a cRT epoch's.
    /// </summary>
    private enum TrainingRemedy { None, Mixup, Remix, Pcngd, Crt }

    private static TrainingRemedy Remedy = TrainingRemedy.None;

    private static TrainingJob WithRemedy(TrainingJob job, int seed) => Remedy switch
    {
        TrainingRemedy.Mixup => job with { Mixing = new BatchMixing(MixingKind.Mixup) },
        TrainingRemedy.Remix => job with { Mixing = new BatchMixing(MixingKind.Remix) },
        TrainingRemedy.Pcngd => job with { PerClassNormalised = true },
        TrainingRemedy.Crt => job with { Epochs = 0, ClassifierRetraining = new ClassifierRetraining(job.Epochs, ReshuffledBatches.Instance, (ulong)seed + 1) },
        _ => job,
    };

    /// <summary>The diagnostics of the full modes: the study defaults, adjustable with --representation-rows, --no-gradients, --no-representations.</summary>
    private static ImbLab.Core.Specs.DiagnosticsSpec Diagnostics = new();

    private static TrainingJob Prepare(Workload w, int seed, int epochs, KernelPath path, Monitor monitor, Probes probes, Func<int, bool> gradientEpoch)
    {
        var job = Prepare(w, seed, epochs, path, monitor);
        if (probes == Probes.None) return job;
        var inner = monitor == Monitor.Forward ? null : job.Observer;
        return job with { Observer = new ProbeObserver(w, inner, probes, gradientEpoch).AsJobObserver() };
    }

    /// <summary>The batch sampler of every job (--sampler): the plain one unless a batch remedy is timed.</summary>
    private static IBatchSampler Sampler = BatchSamplers.Reshuffled;

    private static string SamplerName = "reshuffled";

    private static IBatchSampler SamplerNamed(string name)
    {
        SamplerName = name;
        return name switch
        {
            "reshuffled" => BatchSamplers.Reshuffled,
            "balanced" => BatchSamplers.ClassBalanced,
            "sqrt" => BatchSamplers.SquareRoot,
            _ => throw new ArgumentException($"--sampler is '{name}'; accepted: reshuffled, balanced, sqrt"),
        };
    }

    private static TrainingJob Prepare(Workload w, int seed, int epochs, KernelPath path, Monitor monitor)
    {
        var job = WithRemedy(w.Job(seed, epochs) with { Sampler = Sampler }, seed);
        job.Model.KernelPath = path;
        if (monitor == Monitor.Forward) return job;
        var train = new EncodedSet(w.TrainX, Workload.Features, w.TrainY, 2, Enumerable.Range(0, Workload.TrainRows).ToArray());
        var test = new EncodedSet(w.TestX, Workload.Features, w.TestY, 2, Enumerable.Range(0, Workload.TestRows).ToArray());
        var full = monitor is Monitor.Full or Monitor.FullEvery or Monitor.FullTraining;
        var diagnostics = full ? Diagnostics with { GradientSchedule = monitor == Monitor.FullEvery ? ImbLab.Core.Specs.GradientSchedule.Every : ImbLab.Core.Specs.GradientSchedule.Log } : null;
        var observer = new RunMonitor($"w{seed}", train, test, positiveClass: 1, recordSamples: monitor != Monitor.Metrics, epochs,
            Workload.BatchSize, onFinished: _ => { }, diagnostics: diagnostics, shape: Workload.Shape, seed: (ulong)seed);
        return monitor == Monitor.FullTraining ? job with { Observer = new PresentedSignals(observer, train) } : job with { Observer = observer };
    }
}
